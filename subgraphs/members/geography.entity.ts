import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/** County (县/区). Reference data: loaded by the seed, read by SQL here. */
@Entity({ tableName: 'county' })
export class CountyEntity {
  @PrimaryKey({ type: 'integer', fieldName: 'id', autoincrement: false }) id!: number;
  @Property({ type: 'text', fieldName: 'code' }) code!: string;
  @Property({ type: 'text', fieldName: 'city_zh' }) cityZh!: string;
  @Property({ type: 'text', fieldName: 'name_zh' }) nameZh!: string;
  @Property({ type: 'text', fieldName: 'name_en' }) nameEn!: string;
}

/** Township (乡/镇). */
@Entity({ tableName: 'township' })
export class TownshipEntity {
  @PrimaryKey({ type: 'integer', fieldName: 'id', autoincrement: false }) id!: number;
  @Property({ type: 'integer', fieldName: 'county_id' }) countyId!: number;
  @Property({ type: 'text', fieldName: 'name_zh' }) nameZh!: string;
  @Property({ type: 'text', fieldName: 'name_en' }) nameEn!: string;
}

/** Administrative village (行政村). */
@Entity({ tableName: 'village' })
export class VillageEntity {
  @PrimaryKey({ type: 'integer', fieldName: 'id', autoincrement: false }) id!: number;
  @Property({ type: 'integer', fieldName: 'township_id' }) townshipId!: number;
  @Property({ type: 'integer', fieldName: 'county_id' }) countyId!: number;
  @Property({ type: 'text', fieldName: 'name_zh' }) nameZh!: string;
  @Property({ type: 'text', fieldName: 'name_en' }) nameEn!: string;
  @Property({ type: 'boolean', fieldName: 'is_poor' }) isPoor!: boolean;
  @Property({ type: 'boolean', fieldName: 'is_migrant' }) isMigrant!: boolean;
}
