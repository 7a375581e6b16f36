/**
 * Chinese names and places for the demo county: 盐池县 (Yanchi County, 吴忠市, Ningxia).
 * Townships are the county's real towns and townships; most village names are real
 * administrative villages of those townships, a few are plausible stand-ins.
 */

export const COUNTY = {
  id: 1,
  code: '640323',
  cityZh: '吴忠市',
  nameZh: '盐池县',
  nameEn: 'Yanchi County',
} as const;

export interface TownshipDef {
  id: number;
  zh: string;
  en: string;
}

export const TOWNSHIPS: readonly TownshipDef[] = [
  { id: 1, zh: '花马池镇', en: 'Huamachi Town' },
  { id: 2, zh: '大水坑镇', en: 'Dashuikeng Town' },
  { id: 3, zh: '惠安堡镇', en: "Hui'anbao Town" },
  { id: 4, zh: '高沙窝镇', en: 'Gaoshawo Town' },
  { id: 5, zh: '王乐井乡', en: 'Wanglejing Township' },
  { id: 6, zh: '冯记沟乡', en: 'Fengjigou Township' },
  { id: 7, zh: '青山乡', en: 'Qingshan Township' },
  { id: 8, zh: '麻黄山乡', en: 'Mahuangshan Township' },
];

export interface VillageDef {
  id: number;
  townshipId: number;
  zh: string; // without the 村 suffix
  en: string; // pinyin, without "Village"
  poor: boolean;
  migrant: boolean;
}

// [townshipId, name, pinyin, poor, ecological-migrant]
const V: readonly [number, string, string, boolean, boolean][] = [
  [1, '柳杨堡', 'Liuyangbao', false, false],
  [1, '八岔梁', 'Bachaliang', true, false],
  [1, '皖记沟', 'Wanjigou', true, false],
  [1, '盈德', 'Yingde', false, false],
  [1, '四墩子', 'Sidunzi', true, false],
  [1, '惠泽', 'Huize', true, true],
  [2, '新泉井', 'Xinquanjing', true, false],
  [2, '宋堡', 'Songbao', false, false],
  [2, '二道沟', 'Erdaogou', true, false],
  [2, '摆宴井', 'Baiyanjing', true, false],
  [2, '红井子', 'Hongjingzi', true, false],
  [2, '新建', 'Xinjian', true, true],
  [3, '惠安堡', "Hui'anbao", false, false],
  [3, '隰宁堡', 'Xiningbao', true, false],
  [3, '杜记沟', 'Dujigou', true, false],
  [3, '老盐池', 'Laoyanchi', true, false],
  [3, '萌城', 'Mengcheng', true, false],
  [3, '杏树梁', 'Xingshuliang', true, true],
  [4, '高沙窝', 'Gaoshawo', false, false],
  [4, '大疙瘩', 'Dageda', true, false],
  [4, '兴武营', 'Xingwuying', false, false],
  [4, '二步坑', 'Erbukeng', true, false],
  [4, '施记圈', 'Shijiquan', true, false],
  [4, '宝塔', 'Baota', true, false],
  [5, '王乐井', 'Wanglejing', false, false],
  [5, '曾记畔', 'Zengjipan', true, false],
  [5, '孙家楼', 'Sunjialou', true, false],
  [5, '郑家堡', 'Zhengjiabao', true, false],
  [5, '牛记圈', 'Niujiquan', true, false],
  [5, '狼洞沟', 'Langdonggou', true, false],
  [6, '冯记沟', 'Fengjigou', false, false],
  [6, '马儿庄', "Ma'erzhuang", true, false],
  [6, '回六庄', 'Huiliuzhuang', true, false],
  [6, '暴记春', 'Baojichun', true, false],
  [6, '汪水塘', 'Wangshuitang', true, false],
  [6, '平台', 'Pingtai', true, true],
  [7, '青山', 'Qingshan', false, false],
  [7, '古峰庄', 'Gufengzhuang', true, false],
  [7, '营盘台', 'Yingpantai', true, false],
  [7, '猫头梁', 'Maotouliang', true, false],
  [7, '月儿泉', "Yue'erquan", true, false],
  [7, '侯家河', 'Houjiahe', true, false],
  [8, '麻黄山', 'Mahuangshan', true, false],
  [8, '何新庄', 'Hexinzhuang', true, false],
  [8, '后洼', 'Houwa', true, false],
  [8, '李塬畔', 'Liyuanpan', true, false],
  [8, '黄羊岭', 'Huangyangling', true, false],
  [8, '胶泥湾', 'Jiaoniwan', true, false],
];

export const VILLAGES: readonly VillageDef[] = V.map(([townshipId, zh, en, poor, migrant], i) => ({
  id: i + 1,
  townshipId,
  zh,
  en,
  poor,
  migrant,
}));

/** Cooperatives that are not ACTIVE + TOWNSHIP_BANK_ONLY (by village id = cooperative id). */
export const SPECIAL_COOPS = {
  villageCash: [45, 48] as readonly number[], // remote villages of 麻黄山乡 still on cash books
  rectifying: 34, // 暴记春村: overdue loans piled up, rectification ordered
  exited: 22, // 二步坑村: failed rectification, closed to new loans
} as const;

/** Surnames common in Yanchi, with the Hui surnames (马, 丁, 海, 白, 田...) well represented. */
export const SURNAMES: readonly (readonly [string, number])[] = [
  ['王', 14], ['李', 12], ['张', 10], ['马', 12], ['杨', 9], ['刘', 7], ['田', 4], ['何', 4],
  ['丁', 3], ['白', 3], ['海', 2], ['冯', 3], ['孙', 3], ['郭', 3], ['赵', 3], ['陈', 3],
  ['周', 2], ['吴', 2], ['高', 3], ['苏', 2], ['曹', 2], ['侯', 2], ['郑', 2], ['贺', 2],
  ['许', 1], ['魏', 1], ['汪', 1], ['鲁', 1], ['施', 1], ['路', 1], ['尤', 1], ['金', 1],
  ['冶', 1], ['拓', 1], ['惠', 1], ['闫', 1],
];

export const MALE_FIRST: readonly string[] = [
  '建', '志', '文', '学', '永', '国', '海', '明', '德', '玉', '宝', '金', '福', '生', '长',
  '忠', '成', '彦', '万', '少', '占', '有', '进', '春', '维', '俊', '正', '世', '风', '治',
];
export const MALE_SECOND: readonly string[] = [
  '军', '林', '平', '华', '强', '福', '贵', '祥', '龙', '虎', '山', '仁', '成', '武', '斌',
  '宏', '东', '才', '荣', '明', '义', '清', '俊', '勇', '刚', '鹏', '雄', '录', '保', '银',
];
export const FEMALE_FIRST: readonly string[] = ['秀', '桂', '玉', '淑', '春', '丽', '凤', '红', '彩', '兰', '金', '海'];
export const FEMALE_SECOND: readonly string[] = ['英', '兰', '花', '梅', '芳', '珍', '霞', '琴', '莲', '萍', '娟', '燕'];

/** Loan purposes (借款用途) typical for Yanchi's dry-land farming, with weights. */
export const PURPOSES: readonly (readonly [string, number])[] = [
  ['滩羊养殖', 34], ['肉牛养殖', 8], ['黄花菜种植', 12], ['小杂粮种植', 10], ['马铃薯种植', 5],
  ['种植枸杞', 3], ['玉米种植', 6], ['甘草种植', 3], ['牧草种植', 4], ['饲草料购买', 5],
  ['小商店经营', 4], ['农机具购置', 3], ['养鸡', 2], ['运输经营', 1],
];

export const INSURERS: readonly { zh: string; code: string }[] = [
  { zh: '中国人寿宁夏分公司', code: 'CLIC' },
  { zh: '中国人民财产保险盐池支公司', code: 'PICC' },
  { zh: '中华联合财产保险宁夏分公司', code: 'CUIC' },
];

export const FARMER_COOPERATIVES: readonly { zh: string; en: string }[] = [
  { zh: '盐池县滩羊养殖专业合作社', en: 'Yanchi County Tan Sheep Breeding Specialized Cooperative' },
  { zh: '盐池县黄花菜种植专业合作社', en: 'Yanchi County Daylily Growers Specialized Cooperative' },
  { zh: '盐池县小杂粮种植专业合作社', en: 'Yanchi County Minor Grains Growers Specialized Cooperative' },
  { zh: '盐池县甘草种植专业合作社', en: 'Yanchi County Licorice Growers Specialized Cooperative' },
  { zh: '盐池县肉牛养殖专业合作社', en: 'Yanchi County Beef Cattle Specialized Cooperative' },
];

export const DONORS: readonly string[] = ['闽宁协作帮扶资金', '宁夏慈善总会', '盐池县工商联爱心企业', '中国扶贫基金会'];

export const BANK_NAME = '宁夏黄河农村商业银行';
/** Debit-card BIN used for the fake 一卡通 account numbers (19 digits with a Luhn check digit). */
export const CARD_BIN = '623095';
