/**
 * Loan purposes (借款用途): a closed list, so the public board publishes a category and never a
 * text someone typed (a typed purpose can carry a name). The free text stays on the loan as an
 * internal note for the board and supervisors.
 */
import { invalid } from './codes';

export const LOAN_PURPOSES = {
  SHEEP: { zh: '养羊', en: 'Sheep (e.g. Tan sheep)' },
  CATTLE: { zh: '养牛', en: 'Cattle (beef, breeding cows, dairy)' },
  POULTRY: { zh: '养鸡等家禽', en: 'Poultry' },
  GRAIN: { zh: '粮食作物种植', en: 'Grain and tuber crops (maize, rice, minor grains, potatoes)' },
  CASH_CROP: { zh: '经济作物种植', en: 'Cash crops (daylily, wolfberry, licorice, herbs, grapes, jujube, melons, flax)' },
  VEGETABLES: { zh: '蔬菜种植', en: 'Vegetables (greenhouse, cool-climate)' },
  FORAGE: { zh: '饲草料', en: 'Forage: growing grass or buying feed' },
  FARM_MACHINERY: { zh: '农机具购置', en: 'Farm machinery and tools' },
  TRANSPORT: { zh: '运输经营', en: 'Transport business' },
  SMALL_BUSINESS: { zh: '小商店、餐饮等经营', en: 'Small shop, catering or other trade' },
  MIGRANT_WORK: { zh: '外出务工', en: 'Travel for migrant work (劳务输出)' },
  OTHER: { zh: '其他', en: 'Other (a note is required)' },
} as const;
export type LoanPurpose = keyof typeof LOAN_PURPOSES;
export const LOAN_PURPOSE_NAMES = Object.keys(LOAN_PURPOSES) as LoanPurpose[];

/**
 * How a free-text purpose of the old records (and the seed's typical purposes) falls into the list:
 * the first category with a keyword in the text, in this order (运输经营 is TRANSPORT before
 * 经营 makes it a shop; 黄花菜 is a cash crop before 菜 could make it a vegetable).
 */
const KEYWORDS: readonly (readonly [LoanPurpose, readonly string[]])[] = [
  ['TRANSPORT', ['运输']],
  ['MIGRANT_WORK', ['劳务', '务工']],
  ['FARM_MACHINERY', ['农机']],
  ['FORAGE', ['牧草', '饲草', '饲料']],
  ['CASH_CROP', ['黄花菜', '枸杞', '甘草', '中药材', '药材', '葡萄', '红枣', '瓜', '胡麻', '苹果']],
  ['VEGETABLES', ['蔬菜', '菜']],
  ['GRAIN', ['杂粮', '玉米', '水稻', '马铃薯', '土豆', '小麦', '荞麦', '粮']],
  ['SHEEP', ['羊']],
  ['CATTLE', ['牛']],
  ['POULTRY', ['鸡', '鸭', '鹅', '禽']],
  ['SMALL_BUSINESS', ['商店', '小卖部', '餐饮', '经营', '商']],
];

/** The category of a free-text purpose; OTHER when no keyword matches. */
export function purposeOfText(text: string): LoanPurpose {
  for (const [purpose, words] of KEYWORDS) if (words.some((w) => text.includes(w))) return purpose;
  return 'OTHER';
}

/** `purposeOfText` as a SQL expression over a text column (the migration of existing loans). */
export function purposeOfTextSql(column: string): string {
  const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;
  const whens = KEYWORDS.map(([p, words]) => `when ${words.map((w) => `strpos(${column}, ${quote(w)}) > 0`).join(' or ')} then ${quote(p)}`);
  return `(case ${whens.join(' ')} else 'OTHER' end)`;
}

/** The internal note of an application: trimmed, empty is none; OTHER needs one (else nobody knows what it is for). */
export function checkPurpose(purpose: LoanPurpose, note: string | null | undefined): string | null {
  const n = note?.trim() || null;
  if (purpose === 'OTHER' && !n) invalid('用途为“其他”时须填写用途说明', 'purposeNote is required when purpose is OTHER');
  return n;
}
