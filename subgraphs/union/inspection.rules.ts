/**
 * Pure rules of inspections (检查指导): the points the policy names and what a finding must hold.
 * No ORM, GraphQL, I/O or clock.
 */
import { fail } from './codes';

/** The points an inspection (检查指导) finds passed or failed, as the 2015 guidance names them. */
export const INSPECTION_POINTS = [
  'BOOKS_BY_TOWNSHIP', // 社财乡管: the township keeps the books
  'BANK_ONLY', // 银收银付: money moves through the bank only
  'DISCLOSURE_UP_TO_DATE', // 公示栏: the disclosure board is current
  'GROUPS_COMPLETE', // 联保小组: every borrower in a complete guarantee group
  'INSURANCE_BOUGHT', // 意外伤害保险: the members' insurance bought
] as const;
export type InspectionPoint = (typeof INSPECTION_POINTS)[number];

/** Who inspects: the bodies the policy names (a union of the cooperative, the county office), not the tokens' roles. */
export const INSPECTOR_KINDS = [
  'UNION',
  'COUNTY',
] as const;
export type InspectorKind = (typeof INSPECTOR_KINDS)[number];

/** INSPECTION_FINDINGS_INVALID unless at least one point is found, each at most once, a failed one with its note. */
export function checkFindings(findings: readonly { point: string; passed: boolean; note: string }[]): { point: InspectionPoint; passed: boolean; note: string }[] {
  const bad = (reasonZh: string, reason: string): never => fail('INSPECTION_FINDINGS_INVALID', { reasonZh, reason });
  if (findings.length === 0) bad('至少填写一项检查结果', 'at least one point must be found');
  const seen = new Set<string>();
  const out = findings.map((f) => {
    const point = INSPECTION_POINTS.find((p) => p === f.point) ?? bad(`未知检查项 ${f.point}`, `unknown point ${f.point}`);
    if (seen.has(point)) bad(`检查项 ${point} 重复`, `${point} is found twice`);
    seen.add(point);
    const note = f.note.trim();
    if (!f.passed && note.length === 0) bad(`不合格的检查项 ${point} 须写明情况`, `the failed point ${point} needs its note`);
    return { point, passed: f.passed, note };
  });
  // kept in the policy's order, whatever order they were typed in
  return out.sort((a, b) => INSPECTION_POINTS.indexOf(a.point) - INSPECTION_POINTS.indexOf(b.point));
}
