/**
 * Inspections (检查指导): recorded by a union of the cooperative or by its county office, read by
 * whoever reads the cooperative's union rows except its households.
 */
import { pagesByKey, toConnection, type Page } from '../lib/connection';
import type { Ctx } from '../lib/context';
import { parseDay } from '../lib/dates';
import { parseId } from '../lib/ids';
import { actingUnion, readScope, requireWrite, type Sql } from '../lib/scope';
import { selectList, type RowOf } from '../lib/table';
import { audit, inTransaction } from '../lib/tx';
import { fail } from './codes';
import type { RecordInspectionInput } from './inspection.inputs';
import { Inspection, type InspectionConnection, type InspectionFinding } from './inspection.type';
import { checkFindings, INSPECTION_POINTS } from './inspection.rules';
import { INSPECTION } from './union.entity';
import { cooperativeFacts, currentMembersOf } from './union.service';

type InspectionRow = RowOf<typeof INSPECTION> & { findings: InspectionFinding[] };
const COLUMNS = `${selectList(INSPECTION, 'i')},
  (select coalesce(json_agg(json_build_object('point', f.point, 'passed', f.passed, 'note', f.note)
            order by array_position(array[${INSPECTION_POINTS.map((p) => `'${p}'`).join(',')}], f.point)), '[]')
     from inspection_finding f where f.inspection_id = i.id) findings`;

/** Whose inspections the caller reads: its scope's cooperatives; a UNION token its current members'. */
export function inspectionScope(ctx: Ctx, alias = 'i'): Sql {
  return readScope(ctx.caller, { county: `${alias}.county_id`, township: `${alias}.township_id`, cooperative: `${alias}.cooperative_id`, unionMembers: currentMembersOf });
}

const toInspection = (r: InspectionRow): Inspection => Object.assign(new Inspection(), {
  id: String(r.id), cooperative: { id: String(r.cooperative_id) }, inspectorKind: r.inspector_kind, unionId: r.union_id === null ? null : String(r.union_id),
  inspectedOn: r.inspected_on, summary: r.summary, findings: r.findings,
});

/** A cooperative's inspections, oldest first, one statement per request and page. */
export function inspectionsOf(ctx: Ctx, cooperativeId: number, page: Page): Promise<InspectionConnection> {
  return ctx.loaders
    .get<number, InspectionConnection>(`inspectionsOf:${page.limit}:${page.afterId}`, async (ids) => {
      const pages = await pagesByKey<InspectionRow>(ctx.read, { select: COLUMNS, from: 'inspection i', idCol: 'i.id', keyCol: 'i.cooperative_id', keys: ids, where: [inspectionScope(ctx)] }, page);
      return pages.map((p) => toConnection(p.rows.map(toInspection), page, p.totalCount) as InspectionConnection);
    })
    .load(cooperativeId);
}

/**
 * An inspection by the caller: a UNION token inspects its members on the day (NOT_IN_UNION
 * otherwise), a county office the cooperatives of its counties (OUT_OF_SCOPE otherwise).
 */
export async function recordInspection(ctx: Ctx, input: RecordInspectionInput): Promise<Inspection> {
  const cooperativeId = parseId(input.cooperativeId, 'cooperativeId');
  const inspectedOn = parseDay(input.inspectedOn);
  const findings = checkFindings(input.findings);
  const summary = input.summary.trim();
  const coop = await cooperativeFacts(ctx, cooperativeId);
  const unionId = actingUnion(ctx);
  const id = await inTransaction(ctx, async (em) => {
    if (unionId !== null) {
      const [m] = await em.execute<{ n: number }[]>(
        `select 1 n from union_membership where union_id = ? and cooperative_id = ? and joined_on <= ? and (left_on is null or left_on > ?)`,
        [unionId, cooperativeId, inspectedOn, inspectedOn],
      );
      if (!m) fail('NOT_IN_UNION');
    } else requireWrite(ctx, { cooperativeId, countyId: coop.countyId, townshipId: coop.townshipId });
    const [row] = await em.execute<{ id: number }[]>(
      `insert into inspection (cooperative_id, township_id, county_id, inspector_kind, union_id, inspected_on, inspected_by, summary)
       values (?, ?, ?, ?, ?, ?, ?, ?) returning id`,
      [cooperativeId, coop.townshipId, coop.countyId, unionId === null ? 'COUNTY' : 'UNION', unionId, inspectedOn, ctx.caller!.sub, summary],
    );
    for (const f of findings) {
      await em.execute(`insert into inspection_finding (inspection_id, point, passed, note) values (?, ?, ?, ?)`, [row!.id, f.point, f.passed, f.note]);
    }
    await audit(em, ctx, 'recordInspection', 'Cooperative', cooperativeId, null, { inspectionId: row!.id, inspectedOn, unionId, findings, summary });
    return row!.id;
  });
  const [r] = await ctx.read<InspectionRow[]>(`select ${COLUMNS} from inspection i where i.id = ?`, [id]);
  return toInspection(r!);
}
