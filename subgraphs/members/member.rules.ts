/**
 * Pure rules for member households (社员): admission under closed membership (社员制),
 * resident identity numbers, one-card accounts and masking. No ORM, GraphQL, I/O or clock.
 */
import { fail, invalid } from './codes';
import type { CooperativeStatus } from './cooperative.rules';
import { idNumberCheckChar } from '../lib/id-number';

export type PovertyStatus = 'REGISTERED_POOR' | 'ORDINARY' | 'WEALTHY';
export type MemberStatus = 'ACTIVE' | 'WITHDRAWN';

export { idNumberCheckChar };

/** An 18-character resident identity number with a valid birth date and check character, upper-cased; else null. */
export function normalizeIdNumber(raw: string): string | null {
  const s = raw.trim().toUpperCase();
  if (!/^\d{17}[\dX]$/.test(s)) return null;
  const y = +s.slice(6, 10), m = +s.slice(10, 12), d = +s.slice(12, 14);
  const birth = new Date(Date.UTC(y, m - 1, d));
  if (y < 1900 || birth.getUTCFullYear() !== y || birth.getUTCMonth() !== m - 1 || birth.getUTCDate() !== d) return null;
  return idNumberCheckChar(s.slice(0, 17)) === s[17] ? s : null;
}

/** A one-card (一卡通) bank account: 12–19 digits once spaces are removed; else null. */
export function normalizeCardAccount(raw: string): string | null {
  const s = raw.replace(/\s+/g, '');
  return /^\d{12,19}$/.test(s) ? s : null;
}

/** 640102199001011234 → 640102********1234 (first 6, eight stars, last 4). */
export function maskIdNumber(id: string): string {
  if (id.length <= 10) return '*'.repeat(id.length);
  return `${id.slice(0, 6)}********${id.slice(-4)}`;
}

export interface Applicant {
  householdNo: string;
  headName: string;
  idNumber: string;
  householdSize: number;
  povertyStatus: PovertyStatus;
  isAbsolutePoor: boolean;
  cardBank: string | null;
  cardAccount: string | null;
}

export interface ValidApplicant extends Applicant {}


/**
 * Field checks of an admission, in this order (INVALID_INPUT {reasonZh, reason}): household number and head's
 * name non-empty; identity number well-formed (18 chars, birth date, check character); household size
 * 1..50; an absolutely poor household must be a registered poor one; card bank and card account given
 * together; card account 12–19 digits. Returns the applicant with trimmed / normalised values.
 */
export function validateApplicant(a: Applicant): ValidApplicant {
  const householdNo = a.householdNo.trim();
  const headName = a.headName.trim();
  if (!householdNo) invalid('须填写户号', 'householdNo is required');
  if (!headName) invalid('须填写户主姓名', 'headName is required');
  const idNumber = normalizeIdNumber(a.idNumber);
  if (!idNumber) return invalid('身份证号须为18位居民身份证号码', 'idNumber must be an 18-character resident identity number');
  if (!Number.isInteger(a.householdSize) || a.householdSize < 1 || a.householdSize > 50) invalid('家庭人口须为1–50人', 'householdSize must be 1..50');
  if (a.isAbsolutePoor && a.povertyStatus !== 'REGISTERED_POOR') invalid('绝对贫困户须为建档立卡贫困户', 'an absolutely poor household must be REGISTERED_POOR');
  const cardBank = a.cardBank?.trim() || null;
  const rawAccount = a.cardAccount?.trim() || null;
  if ((cardBank == null) !== (rawAccount == null)) invalid('一卡通开户行与账号须同时填写', 'cardBank and cardAccount go together');
  let cardAccount: string | null = null;
  if (rawAccount != null) {
    cardAccount = normalizeCardAccount(rawAccount);
    if (!cardAccount) invalid('一卡通账号须为12–19位数字', 'cardAccount must be 12–19 digits');
  }
  return { ...a, householdNo, headName, idNumber, cardBank, cardAccount };
}

/**
 * Admission checks after field validation, in this order: COOPERATIVE_EXITED; NOT_RESIDENT unless
 * the household lives in the cooperative's own village (closed membership 社员制); ALREADY_MEMBER when
 * the identity number is already on the cooperative's roll (any status).
 */
export function checkAdmission(
  cooperative: { status: CooperativeStatus; villageId: number },
  residenceVillageId: number,
  alreadyMember: boolean,
): void {
  if (cooperative.status === 'EXITED') fail('COOPERATIVE_EXITED');
  if (residenceVillageId !== cooperative.villageId) fail('NOT_RESIDENT', { villageId: cooperative.villageId });
  if (alreadyMember) fail('ALREADY_MEMBER');
}
