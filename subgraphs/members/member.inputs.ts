import { Field, ID, InputType, Int } from 'type-graphql';
import { LocalDateScalar } from '../lib/dates';
import { MaxChars, NotFuture } from '../lib/input-check';
import type { PovertyStatus } from './member.rules';
import { PovertyStatusEnum } from './member.type';

@InputType({ description: 'Admission of a household to its village cooperative (入社申请)' })
export class AdmitMemberInput {
  @Field(() => ID, { description: 'The cooperative (互助社)' }) cooperativeId!: string;
  @MaxChars(32) @Field({ description: 'Household registration number (户号)' }) householdNo!: string;
  @MaxChars(50) @Field({ description: 'Full name of the head of household (户主姓名)' }) headName!: string;
  @MaxChars(32) @Field({ description: 'Resident identity number, 18 characters (身份证号)' }) idNumber!: string;
  @Field(() => ID, { description: 'Village the household lives in; must be the cooperative\'s (户籍所在村)' }) residenceVillageId!: string;
  @Field(() => Int, { defaultValue: 1, description: 'Persons in the household (家庭人口)' }) householdSize!: number;
  @Field(() => PovertyStatusEnum, { description: 'Poverty status (贫困状况)' }) povertyStatus!: PovertyStatus;
  @Field({ defaultValue: false, description: 'Absolutely poor household (绝对贫困户)' }) isAbsolutePoor!: boolean;
  @Field({ defaultValue: false, description: 'Party member (党员)' }) isPartyMember!: boolean;
  @MaxChars(100) @Field(() => String, { nullable: true, description: 'Bank of the one-card account (一卡通开户行)' }) cardBank?: string | null;
  @MaxChars(32) @Field(() => String, { nullable: true, description: 'One-card account, 12–19 digits (一卡通账号)' }) cardAccount?: string | null;
  @NotFuture() @Field(() => LocalDateScalar, { description: 'Date of joining (入社日期)' }) joinedOn!: string;
}
