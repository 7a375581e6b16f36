/**
 * Geography of the whole region (宁夏回族自治区) for the region-scale demo: its 22 counties and
 * districts with their real towns and townships, and how the 1,100 poor villages (贫困村) and
 * 132 ecological-migrant villages and sites (生态移民村/点) are spread over them — most of them in
 * the southern mountain counties (西海固) and the central arid belt (红寺堡, 同心, 盐池, 海原).
 * Village names other than Yanchi's real ones are generated (plausible, not real).
 */
import { Random } from './random';
import { TOWNSHIPS as YANCHI_TOWNSHIPS, VILLAGES as YANCHI_VILLAGES } from './names';

/** Farming profile of an area: decides loan purposes and the farmer cooperatives' trades. */
export type Profile = 'PLAIN' | 'ARID' | 'SOUTH' | 'WOLFBERRY';

export interface RegionCounty {
  code: string;
  cityZh: string;
  zh: string;
  en: string;
  profile: Profile;
  poor: number;
  migrant: number;
  /** [name, pinyin] of its towns and townships. */
  townships: readonly (readonly [string, string])[];
}

const T = (s: string): (readonly [string, string])[] =>
  s
    .trim()
    .split(/\s+/)
    .map((p) => {
      const [zh, en] = p.split(':') as [string, string];
      const suffix = zh.endsWith('镇') ? 'Town' : 'Township';
      return [zh, `${en.replace(/_/g, "'")} ${suffix}`] as const;
    });

export const REGION_COUNTIES: readonly RegionCounty[] = [
  { code: '640104', cityZh: '银川市', zh: '兴庆区', en: 'Xingqing District', profile: 'PLAIN', poor: 4, migrant: 4, townships: T('掌政镇:Zhangzheng 大新镇:Daxin 通贵乡:Tonggui 月牙湖乡:Yueyahu') },
  { code: '640105', cityZh: '银川市', zh: '西夏区', en: 'Xixia District', profile: 'PLAIN', poor: 6, migrant: 6, townships: T('兴泾镇:Xingjing 镇北堡镇:Zhenbeibao') },
  { code: '640106', cityZh: '银川市', zh: '金凤区', en: 'Jinfeng District', profile: 'PLAIN', poor: 2, migrant: 2, townships: T('良田镇:Liangtian 丰登镇:Fengdeng') },
  { code: '640121', cityZh: '银川市', zh: '永宁县', en: 'Yongning County', profile: 'PLAIN', poor: 12, migrant: 14, townships: T('杨和镇:Yanghe 李俊镇:Lijun 望远镇:Wangyuan 望洪镇:Wanghong 闽宁镇:Minning 胜利乡:Shengli') },
  { code: '640122', cityZh: '银川市', zh: '贺兰县', en: 'Helan County', profile: 'PLAIN', poor: 10, migrant: 8, townships: T('习岗镇:Xigang 金贵镇:Jingui 立岗镇:Ligang 洪广镇:Hongguang 常信乡:Changxin') },
  { code: '640181', cityZh: '银川市', zh: '灵武市', en: 'Lingwu City', profile: 'PLAIN', poor: 14, migrant: 8, townships: T('东塔镇:Dongta 郝家桥镇:Haojiaqiao 崇兴镇:Chongxing 宁东镇:Ningdong 马家滩镇:Majiatan 临河镇:Linhe 梧桐树乡:Wutongshu 白土岗乡:Baitugang') },
  { code: '640202', cityZh: '石嘴山市', zh: '大武口区', en: 'Dawukou District', profile: 'PLAIN', poor: 3, migrant: 4, townships: T('星海镇:Xinghai') },
  { code: '640205', cityZh: '石嘴山市', zh: '惠农区', en: 'Huinong District', profile: 'PLAIN', poor: 6, migrant: 6, townships: T('红果子镇:Hongguozi 尾闸镇:Weizha 园艺镇:Yuanyi 礼和乡:Lihe 燕子墩乡:Yanzidun') },
  { code: '640221', cityZh: '石嘴山市', zh: '平罗县', en: 'Pingluo County', profile: 'PLAIN', poor: 20, migrant: 10, townships: T('城关镇:Chengguan 黄渠桥镇:Huangquqiao 宝丰镇:Baofeng 头闸镇:Touzha 姚伏镇:Yaofu 崇岗镇:Chonggang 陶乐镇:Taole 高庄乡:Gaozhuang 灵沙乡:Lingsha 渠口乡:Qukou 通伏乡:Tongfu 高仁乡:Gaoren 红崖子乡:Hongyazi') },
  { code: '640302', cityZh: '吴忠市', zh: '利通区', en: 'Litong District', profile: 'PLAIN', poor: 18, migrant: 8, townships: T('金积镇:Jinji 金银滩镇:Jinyintan 高闸镇:Gaozha 扁担沟镇:Biandangou 上桥镇:Shangqiao 古城镇:Gucheng 郭家桥乡:Guojiaqiao 东塔寺乡:Dongtasi 板桥乡:Banqiao 马莲渠乡:Maliangqu') },
  { code: '640303', cityZh: '吴忠市', zh: '红寺堡区', en: 'Hongsibao District', profile: 'ARID', poor: 54, migrant: 20, townships: T('红寺堡镇:Hongsibao 太阳山镇:Taiyangshan 大河乡:Dahe 新庄集乡:Xinzhuangji 柳泉乡:Liuquan') },
  { code: '640323', cityZh: '吴忠市', zh: '盐池县', en: 'Yanchi County', profile: 'ARID', poor: 74, migrant: 3, townships: YANCHI_TOWNSHIPS.map((t) => [t.zh, t.en] as const) },
  { code: '640324', cityZh: '吴忠市', zh: '同心县', en: 'Tongxin County', profile: 'ARID', poor: 94, migrant: 6, townships: T('豫海镇:Yuhai 河西镇:Hexi 丁塘镇:Dingtang 韦州镇:Weizhou 下马关镇:Xiamaguan 预旺镇:Yuwang 王团镇:Wangtuan 田老庄乡:Tianlaozhuang 马高庄乡:Magaozhuang 张家塬乡:Zhangjiayuan 兴隆乡:Xinglong') },
  { code: '640381', cityZh: '吴忠市', zh: '青铜峡市', en: 'Qingtongxia City', profile: 'PLAIN', poor: 10, migrant: 6, townships: T('小坝镇:Xiaoba 大坝镇:Daba 青铜峡镇:Qingtongxia 叶盛镇:Yesheng 瞿靖镇:Qujing 峡口镇:Xiakou 邵刚镇:Shaogang 陈袁滩镇:Chenyuantan') },
  { code: '640402', cityZh: '固原市', zh: '原州区', en: 'Yuanzhou District', profile: 'SOUTH', poor: 136, migrant: 4, townships: T('三营镇:Sanying 官厅镇:Guanting 开城镇:Kaicheng 张易镇:Zhangyi 彭堡镇:Pengbao 头营镇:Touying 黄铎堡镇:Huangduobao 中河乡:Zhonghe 河川乡:Hechuan 炭山乡:Tanshan 寨科乡:Zhaike') },
  { code: '640422', cityZh: '固原市', zh: '西吉县', en: 'Xiji County', profile: 'SOUTH', poor: 190, migrant: 2, townships: T('吉强镇:Jiqiang 兴隆镇:Xinglong 平峰镇:Pingfeng 将台堡镇:Jiangtaibao 新营乡:Xinying 红耀乡:Hongyao 田坪乡:Tianping 马建乡:Majian 震湖乡:Zhenhu 兴平乡:Xingping 西滩乡:Xitan 王民乡:Wangmin 什字乡:Shizi 马莲乡:Malian 硝河乡:Xiaohe 偏城乡:Piancheng 沙沟乡:Shagou 白崖乡:Baiya 火石寨乡:Huoshizhai') },
  { code: '640423', cityZh: '固原市', zh: '隆德县', en: 'Longde County', profile: 'SOUTH', poor: 93, migrant: 1, townships: T('城关镇:Chengguan 沙塘镇:Shatang 联财镇:Liancai 陈靳乡:Chenjin 好水乡:Haoshui 观庄乡:Guanzhuang 杨河乡:Yanghe 神林乡:Shenlin 张程乡:Zhangcheng 凤岭乡:Fengling 山河乡:Shanhe 温堡乡:Wenbao 奠安乡:Dian_an') },
  { code: '640424', cityZh: '固原市', zh: '泾源县', en: 'Jingyuan County', profile: 'SOUTH', poor: 60, migrant: 1, townships: T('香水镇:Xiangshui 泾河源镇:Jingheyuan 六盘山镇:Liupanshan 新民乡:Xinmin 兴盛乡:Xingsheng 黄花乡:Huanghua 大湾乡:Dawan') },
  { code: '640425', cityZh: '固原市', zh: '彭阳县', en: 'Pengyang County', profile: 'SOUTH', poor: 92, migrant: 1, townships: T('白阳镇:Baiyang 王洼镇:Wangwa 古城镇:Gucheng 红河镇:Honghe 新集乡:Xinji 城阳乡:Chengyang 冯庄乡:Fengzhuang 小岔乡:Xiaocha 孟塬乡:Mengyuan 罗洼乡:Luowa 交岔乡:Jiaocha 草庙乡:Caomiao') },
  { code: '640502', cityZh: '中卫市', zh: '沙坡头区', en: 'Shapotou District', profile: 'WOLFBERRY', poor: 40, migrant: 8, townships: T('滨河镇:Binhe 文昌镇:Wenchang 东园镇:Dongyuan 柔远镇:Rouyuan 镇罗镇:Zhenluo 宣和镇:Xuanhe 永康镇:Yongkang 常乐镇:Changle 迎水桥镇:Yingshuiqiao 兴仁镇:Xingren 蒿川乡:Haochuan 香山乡:Xiangshan') },
  { code: '640521', cityZh: '中卫市', zh: '中宁县', en: 'Zhongning County', profile: 'WOLFBERRY', poor: 30, migrant: 7, townships: T('宁安镇:Ning_an 鸣沙镇:Mingsha 石空镇:Shikong 新堡镇:Xinbao 恩和镇:Enhe 大战场镇:Dazhanchang 舟塔乡:Zhouta 白马乡:Baima 余丁乡:Yuding 喊叫水乡:Hanjiaoshui 徐套乡:Xutao') },
  { code: '640522', cityZh: '中卫市', zh: '海原县', en: 'Haiyuan County', profile: 'SOUTH', poor: 132, migrant: 3, townships: T('海城镇:Haicheng 李旺镇:Liwang 西安镇:Xi_an 七营镇:Qiying 三河镇:Sanhe 史店乡:Shidian 树台乡:Shutai 关桥乡:Guanqiao 贾塘乡:Jiatang 郑旗乡:Zhengqi 高崖乡:Gaoya 李俊乡:Lijun 红羊乡:Hongyang 关庄乡:Guanzhuang 曹洼乡:Caowa 九彩乡:Jiucai 甘城乡:Gancheng') },
];

/** Loan purposes (借款用途) by farming profile, with weights. */
export const PURPOSES_BY_PROFILE: Record<Profile, readonly (readonly [string, number])[]> = {
  ARID: [
    ['滩羊养殖', 34], ['肉牛养殖', 8], ['黄花菜种植', 12], ['小杂粮种植', 10], ['马铃薯种植', 5], ['种植枸杞', 3], ['玉米种植', 6],
    ['甘草种植', 3], ['牧草种植', 4], ['饲草料购买', 5], ['小商店经营', 4], ['农机具购置', 3], ['养鸡', 2], ['运输经营', 1],
  ],
  SOUTH: [
    ['肉牛养殖', 30], ['基础母牛养殖', 10], ['马铃薯种植', 14], ['中药材种植', 7], ['胡麻种植', 5], ['冷凉蔬菜种植', 6], ['玉米种植', 6],
    ['养羊', 7], ['饲草料购买', 6], ['小商店经营', 3], ['劳务输出路费', 2], ['农机具购置', 2], ['运输经营', 2],
  ],
  PLAIN: [
    ['设施蔬菜种植', 18], ['水稻种植', 10], ['酿酒葡萄种植', 8], ['奶牛养殖', 10], ['肉牛养殖', 12], ['滩羊养殖', 8], ['玉米种植', 8],
    ['养鸡', 5], ['小商店经营', 8], ['农机具购置', 6], ['运输经营', 4], ['餐饮经营', 3],
  ],
  WOLFBERRY: [
    ['种植枸杞', 30], ['硒砂瓜种植', 16], ['红枣种植', 6], ['滩羊养殖', 12], ['肉牛养殖', 10], ['设施蔬菜种植', 8], ['玉米种植', 6],
    ['饲草料购买', 4], ['小商店经营', 4], ['农机具购置', 2], ['运输经营', 2],
  ],
};

/** Trades of the farmer cooperatives (扶贫合作社) households hold shares in, by profile. */
export const TRADES_BY_PROFILE: Record<Profile, readonly (readonly [string, string])[]> = {
  ARID: [['滩羊养殖', 'Tan Sheep Breeding'], ['黄花菜种植', 'Daylily Growers'], ['小杂粮种植', 'Minor Grains Growers'], ['甘草种植', 'Licorice Growers'], ['肉牛养殖', 'Beef Cattle']],
  SOUTH: [['肉牛养殖', 'Beef Cattle'], ['马铃薯种植', 'Potato Growers'], ['中药材种植', 'Medicinal Herbs Growers'], ['冷凉蔬菜种植', 'Cool-Climate Vegetables']],
  PLAIN: [['设施蔬菜种植', 'Greenhouse Vegetables'], ['奶牛养殖', 'Dairy Cattle'], ['酿酒葡萄种植', 'Wine Grape Growers'], ['水稻种植', 'Rice Growers']],
  WOLFBERRY: [['枸杞种植', 'Wolfberry Growers'], ['硒砂瓜种植', 'Selenium-Sand Melon Growers'], ['滩羊养殖', 'Tan Sheep Breeding'], ['红枣种植', 'Jujube Growers']],
};

// ---------------------------------------------------------------------------------------------
// Generated village names: [hanzi, pinyin] parts, no syllable starting with a vowel (no apostrophes)
// ---------------------------------------------------------------------------------------------

const FAMILY: readonly (readonly [string, string])[] = [
  ['马家', 'Majia'], ['王家', 'Wangjia'], ['李家', 'Lijia'], ['张家', 'Zhangjia'], ['杨家', 'Yangjia'], ['刘家', 'Liujia'], ['何家', 'Hejia'],
  ['田家', 'Tianjia'], ['苏家', 'Sujia'], ['丁家', 'Dingjia'], ['海家', 'Haijia'], ['白家', 'Baijia'], ['冯家', 'Fengjia'], ['周家', 'Zhoujia'],
  ['赵家', 'Zhaojia'], ['陈家', 'Chenjia'], ['高家', 'Gaojia'], ['杜家', 'Dujia'], ['吴家', 'Wujia'], ['郭家', 'Guojia'], ['韩家', 'Hanjia'],
  ['罗家', 'Luojia'], ['孙家', 'Sunjia'], ['贾家', 'Jiajia'], ['穆家', 'Mujia'], ['沙家', 'Shajia'], ['米家', 'Mijia'], ['锁家', 'Suojia'],
];
const ADJ: readonly (readonly [string, string])[] = [
  ['大', 'Da'], ['小', 'Xiao'], ['红', 'Hong'], ['黑', 'Hei'], ['白', 'Bai'], ['黄', 'Huang'], ['石', 'Shi'], ['柳', 'Liu'], ['沙', 'Sha'],
  ['东', 'Dong'], ['西', 'Xi'], ['南', 'Nan'], ['北', 'Bei'], ['上', 'Shang'], ['下', 'Xia'], ['前', 'Qian'], ['后', 'Hou'], ['新', 'Xin'],
  ['高', 'Gao'], ['长', 'Chang'], ['双', 'Shuang'], ['三', 'San'], ['杨', 'Yang'], ['马', 'Ma'], ['青', 'Qing'], ['水', 'Shui'],
];
const MID: readonly (readonly [string, string])[] = [
  ['柳', 'liu'], ['沙', 'sha'], ['石', 'shi'], ['泉', 'quan'], ['崖', 'ya'], ['杨', 'yang'], ['土', 'tu'], ['井', 'jing'], ['水', 'shui'],
  ['岭', 'ling'], ['庄', 'zhuang'], ['坪', 'ping'], ['羊', 'yang'], ['马', 'ma'], ['草', 'cao'], ['榆', 'yu'], ['桥', 'qiao'], ['树', 'shu'],
];
const TERRAIN: readonly (readonly [string, string])[] = [
  ['湾', 'wan'], ['沟', 'gou'], ['岔', 'cha'], ['塬', 'yuan'], ['堡', 'bao'], ['庄', 'zhuang'], ['台', 'tai'], ['川', 'chuan'], ['洼', 'wa'],
  ['梁', 'liang'], ['滩', 'tan'], ['井', 'jing'], ['渠', 'qu'], ['河', 'he'], ['山', 'shan'], ['坪', 'ping'], ['峁', 'mao'], ['岘', 'xian'],
  ['泉', 'quan'], ['营', 'ying'], ['寨', 'zhai'], ['口', 'kou'], ['圈', 'quan'], ['套', 'tao'], ['嘴', 'zui'], ['掌', 'zhang'],
];
const LUCKY: readonly (readonly [string, string])[] = [
  ['兴', 'xing'], ['盛', 'sheng'], ['富', 'fu'], ['康', 'kang'], ['宁', 'ning'], ['华', 'hua'], ['泰', 'tai'], ['丰', 'feng'], ['福', 'fu'],
  ['祥', 'xiang'], ['荣', 'rong'], ['旺', 'wang'], ['民', 'min'], ['惠', 'hui'], ['利', 'li'], ['源', 'yuan'], ['隆', 'long'], ['新', 'xin'],
  ['和', 'he'], ['顺', 'shun'], ['乐', 'le'], ['裕', 'yu'], ['春', 'chun'], ['光', 'guang'],
];
const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

function villageName(rng: Random, migrant: boolean): [string, string] {
  if (migrant) {
    const a = rng.pick(LUCKY);
    let b = rng.pick(LUCKY);
    while (b === a) b = rng.pick(LUCKY);
    return [a[0] + b[0], cap(a[1] + b[1])];
  }
  if (rng.chance(0.45)) {
    const f = rng.pick(FAMILY);
    const t = rng.pick(TERRAIN);
    return [f[0] + t[0], f[1] + t[1]];
  }
  const a = rng.pick(ADJ);
  const m = rng.pick(MID);
  const t = rng.pick(TERRAIN);
  if (a[0] === m[0] || m[0] === t[0]) return villageName(rng, false);
  return [a[0] + m[0] + t[0], a[1] + m[1] + t[1]];
}

export interface PlannedTownship {
  id: number;
  countyId: number;
  zh: string;
  en: string;
}

export interface PlannedVillage {
  id: number;
  townshipId: number;
  zh: string;
  en: string;
  poor: boolean;
  migrant: boolean;
}

/**
 * Townships and villages of the region, deterministic for the seed. Counties get ids 1..22 in
 * the order above; townships and villages are numbered region-wide in that order. Villages are
 * spread over a county's townships by weight (the seat town and the first listed get a bit less).
 */
export function regionVillages(rng: Random): { townships: PlannedTownship[]; villages: PlannedVillage[]; countyOf: number[] } {
  const townships: PlannedTownship[] = [];
  const villages: PlannedVillage[] = [];
  const countyOf: number[] = [];
  REGION_COUNTIES.forEach((c, ci) => {
    const countyId = ci + 1;
    const first = townships.length;
    c.townships.forEach(([zh, en]) => townships.push({ id: townships.length + 1, countyId, zh, en }));
    const ts = townships.slice(first);
    const weights = ts.map(() => 0.6 + rng.next());
    const total = c.poor + c.migrant;
    // largest-remainder allocation of the county's villages over its townships
    const wsum = weights.reduce((a, b) => a + b, 0);
    const exact = weights.map((w) => (w / wsum) * total);
    const alloc = exact.map(Math.floor);
    let left = total - alloc.reduce((a, b) => a + b, 0);
    const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0]);
    for (let k = 0; left > 0; k++, left--) alloc[order[k % order.length]![1]]!++;
    // which of the county's villages are migrant sites: spread evenly over the list
    const kinds: boolean[] = [];
    for (let i = 0; i < total; i++) kinds.push(Math.floor(((i + 1) * c.migrant) / total) > Math.floor((i * c.migrant) / total));
    const realYanchi = c.code === '640323' ? [...YANCHI_VILLAGES] : [];
    let k = 0;
    ts.forEach((t, ti) => {
      const used = new Set<string>();
      const real = realYanchi.filter((v) => v.townshipId === ti + 1);
      for (let i = 0; i < alloc[ti]!; i++) {
        const migrant = kinds[k++]!;
        let zh: string;
        let en: string;
        const r = !migrant ? real.shift() : undefined;
        if (r) [zh, en] = [r.zh, r.en];
        else {
          do [zh, en] = villageName(rng, migrant);
          while (used.has(zh));
        }
        used.add(zh);
        villages.push({ id: villages.length + 1, townshipId: t.id, zh, en, poor: !migrant, migrant });
        countyOf.push(countyId);
      }
    });
  });
  return { townships, villages, countyOf };
}
