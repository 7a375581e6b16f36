import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';

@ObjectType({ simpleResolvers: true, description: 'County or district (县/区), the accountable level of the poverty office' })
@Directive('@key(fields: "id")')
export class County {
  @Field(() => ID, { description: 'County id (县编号)' }) id!: number;
  @Field({ description: 'Administrative code (行政区划代码)' }) code!: string;
  @Field({ description: 'Name in Chinese (县名)' }) nameZh!: string;
  @Field({ description: 'Name in English (英文名)' }) nameEn!: string;
  @Field({ description: 'Prefecture-level city, in Chinese (所属地级市)' }) cityZh!: string;
}

@ObjectType({ simpleResolvers: true, description: 'Township (乡/镇), whose service centre keeps the cooperatives\' books (社财乡管)' })
export class Township {
  @Field(() => ID, { description: 'Township id (乡镇编号)' }) id!: number;
  @Field({ description: 'Name in Chinese (乡镇名)' }) nameZh!: string;
  @Field({ description: 'Name in English (英文名)' }) nameEn!: string;
  countyId!: number;
}

@ObjectType({ simpleResolvers: true, description: 'Administrative village (行政村)' })
export class Village {
  @Field(() => ID, { description: 'Village id (村编号)' }) id!: number;
  @Field({ description: 'Name in Chinese (村名)' }) nameZh!: string;
  @Field({ description: 'Name in English (英文名)' }) nameEn!: string;
  @Field({ description: 'A poor village (贫困村)' }) isPoor!: boolean;
  @Field({ description: 'An ecological-migrant village or site (生态移民村/点)' }) isMigrant!: boolean;
  townshipId!: number;
  countyId!: number;
}

@ObjectType({ simpleResolvers: true, description: 'Totals over the cooperatives of an area that are visible to you (汇总)' })
export class AreaTotals {
  @Field(() => Int, { description: 'Cooperatives (互助社数)' }) cooperatives!: number;
  @Field(() => Int, { description: 'Active member households (在社户数)' }) members!: number;
  @Field(() => Int, { description: 'Active registered poor households (建档立卡贫困户数)' }) registeredPoor!: number;
  @Field(() => Int, { description: 'Active party-member households (党员户数)' }) partyMembers!: number;
}
