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

// ---- poverty status over time (贫困状况变更) -------------------------------------------------

/** One entry of a household's poverty status history: `seq` orders entries recorded for the same day (the row id). */
export interface PovertyEntry {
  status: PovertyStatus;
  effectiveOn: string;
  seq: number;
}

/** A change as asked: reason and document number are free text, at least one of them given. */
export interface PovertyChange {
  status: PovertyStatus;
  effectiveOn: string;
  reason: string | null;
  documentNo: string | null;
}

/** The household as the change finds it. */
export interface PovertyHousehold {
  memberStatus: MemberStatus;
  current: PovertyStatus;
  joinedOn: string;
  /** Effective date of the latest recorded change (the admission row at least); null when none is recorded. */
  latestOn: string | null;
}

/** A document number (文件号) such as 盐扶发〔2024〕12号: 2–50 characters, at least one digit, no line breaks. */
export function normalizeDocumentNo(raw: string | null | undefined): string | null {
  const s = raw?.trim() ?? '';
  if (!s) return null;
  if ([...s].length < 2 || [...s].length > 50 || !/\d/.test(s) || /[\r\n\t]/.test(s)) {
    return invalid('文件号须为2–50个字符,含数字,如 盐扶发〔2024〕12号', 'documentNo must be 2–50 characters with a digit, e.g. 盐扶发〔2024〕12号', { field: 'documentNo' });
  }
  return s;
}

/**
 * A poverty status change by the township or county, checked in this order: MEMBER_NOT_ACTIVE for
 * a withdrawn household; INVALID_INPUT when neither reason nor document number is given (after
 * trimming) or the document number is malformed; POVERTY_STATUS_UNCHANGED when the status is the
 * current one (any → any otherwise, 脱贫 and 返贫 alike); DATE_IN_FUTURE after `today` (China);
 * POVERTY_CHANGE_BEFORE_JOINING before the household joined; POVERTY_CHANGE_OUT_OF_ORDER before the
 * latest recorded change's effective date (the same day is allowed and wins, being recorded later).
 * Changes are appended in order of effect and never edited: a wrong entry is corrected by a new
 * change effective from the day of the correction (the wrong period stays visible in the history).
 * Returns the change with trimmed reason and document number.
 */
export function checkPovertyChange(h: PovertyHousehold, c: PovertyChange, today: string): PovertyChange {
  if (h.memberStatus !== 'ACTIVE') fail('MEMBER_NOT_ACTIVE');
  const reason = c.reason?.trim() || null;
  const documentNo = normalizeDocumentNo(c.documentNo);
  if (reason == null && documentNo == null) invalid('须填写变更理由或文件号', 'a reason or a document number is required', { field: 'reason' });
  if (c.status === h.current) fail('POVERTY_STATUS_UNCHANGED', { status: c.status });
  if (c.effectiveOn > today) fail('DATE_IN_FUTURE', { field: 'effectiveOn', date: c.effectiveOn, today });
  if (c.effectiveOn < h.joinedOn) fail('POVERTY_CHANGE_BEFORE_JOINING', { effectiveOn: c.effectiveOn, joinedOn: h.joinedOn });
  if (h.latestOn != null && c.effectiveOn < h.latestOn) fail('POVERTY_CHANGE_OUT_OF_ORDER', { effectiveOn: c.effectiveOn, latestOn: h.latestOn });
  return { status: c.status, effectiveOn: c.effectiveOn, reason, documentNo };
}

/**
 * The status as of a day: that of the latest entry effective on or before it (of two on the same
 * day, the one recorded later); null before the first entry (before the household joined).
 */
export function povertyStatusAsOf(history: readonly PovertyEntry[], asOf: string): PovertyStatus | null {
  let best: PovertyEntry | null = null;
  for (const e of history) {
    if (e.effectiveOn > asOf) continue;
    if (!best || e.effectiveOn > best.effectiveOn || (e.effectiveOn === best.effectiveOn && e.seq > best.seq)) best = e;
  }
  return best?.status ?? null;
}

/** A household is a member on a day from the day it joined until the day before it left. */
export function isMemberOn(m: { joinedOn: string; leftOn: string | null }, day: string): boolean {
  return m.joinedOn <= day && (m.leftOn === null || m.leftOn > day);
}
/** {@link isMemberOn} in SQL, for a member alias and a date expression. */
export function memberOnSql(m: string, day: string): string {
  return `(${m}.joined_on <= ${day} and (${m}.left_on is null or ${m}.left_on > ${day}))`;
}

/** `povertyStatusAsOf` in SQL, for the member id expression `memberId` and the date expression `asOf`. */
export function povertyStatusAsOfSql(memberId: string, asOf: string): string {
  return `(select p.status from poverty_status_change p where p.member_id = ${memberId} and p.effective_on <= ${asOf}
            order by p.effective_on desc, p.id desc limit 1)`;
}
