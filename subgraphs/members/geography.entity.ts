import { defineTable } from '../lib/table';

/** County (县/区). Reference data: loaded by the seed, read by SQL here. */
export const COUNTY = defineTable('county', {
  id: { kind: 'int', primary: true },
  code: { kind: 'text' },
  city_zh: { kind: 'text' },
  name_zh: { kind: 'text' },
  name_en: { kind: 'text' },
});

/** Township (乡/镇). */
export const TOWNSHIP = defineTable('township', {
  id: { kind: 'int', primary: true },
  county_id: { kind: 'int' },
  name_zh: { kind: 'text' },
  name_en: { kind: 'text' },
});

/** Administrative village (行政村). */
export const VILLAGE = defineTable('village', {
  id: { kind: 'int', primary: true },
  township_id: { kind: 'int' },
  county_id: { kind: 'int' },
  name_zh: { kind: 'text' },
  name_en: { kind: 'text' },
  is_poor: { kind: 'bool' },
  is_migrant: { kind: 'bool' },
});
