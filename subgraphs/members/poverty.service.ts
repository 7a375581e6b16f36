/**
 * A household's poverty status over time: the township's or county's changes (贫困状况变更), the
 * history they leave, and the status as of a date (for the household's page, the union's rating and
 * the loans subgraph's re-checks). The history is append-only; `member.poverty_status` is its latest entry.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Ctx } from '../lib/context';
import { groupInKeyOrder, inKeyOrder } from '../lib/context';
import { intArray } from '../lib/db';
import { parseDay } from '../lib/dates';
import { todayInChina } from '../lib/input-check';
import { requireWrite } from '../lib/scope';
import { audit, inTransaction } from '../lib/tx';
import { checkPovertyChange, povertyStatusAsOfSql, type PovertyStatus } from './member.rules';
import { MEMBER_FROM, memberForWrite, memberLocation, reloadMember } from './member.service';
import type { Member } from './member.type';
import type { ChangePovertyStatusInput } from './poverty.inputs';
import { appendChange } from './poverty.history';
import { PovertyStatusAsOf, PovertyStatusChange } from './poverty.type';
import { memberScope, parseId } from './shared';
import { POVERTY_STATUS_CHANGE } from './poverty.entity';
import { selectList, type RowOf } from '../lib/table';

const CHANGE_READ = [
  'id', 'member_id', 'status', 'previous_status', 'effective_on', 'reason', 'document_no', 'changed_by', 'recorded_at',
] as const satisfies readonly (keyof typeof POVERTY_STATUS_CHANGE.columns)[];
type ChangeRow = Pick<RowOf<typeof POVERTY_STATUS_CHANGE>, (typeof CHANGE_READ)[number]>;
const CHANGE_COLUMNS = selectList(POVERTY_STATUS_CHANGE, 'p', CHANGE_READ);

const toChange = (r: ChangeRow): PovertyStatusChange => Object.assign(new PovertyStatusChange(), {
  id: r.id, status: r.status, previousStatus: r.previous_status, effectiveOn: r.effective_on, reason: r.reason,
  documentNo: r.document_no, changedBy: r.changed_by, recordedAt: r.recorded_at,
});

/**
 * The township or county changes a household's status (the catalogue keeps the board and the
 * household out): one transaction with the member row locked, so two officers' changes queue.
 */
export async function changePovertyStatus(ctx: Ctx, input: ChangePovertyStatusInput): Promise<Member> {
  const id = parseId(input.memberId, 'memberId');
  const effectiveOn = parseDay(input.effectiveOn);
  await inTransaction(ctx, async (em) => {
    const m = await memberForWrite(em, id, true);
    const caller = requireWrite(ctx, memberLocation(m));
    const [latest] = await em.execute<{ effective_on: string }[]>(
      `select to_char(effective_on, 'YYYY-MM-DD') effective_on from poverty_status_change where member_id = ? order by effective_on desc, id desc limit 1`,
      [id],
    );
    const c = checkPovertyChange(
      { memberStatus: m.status, current: m.poverty_status, joinedOn: m.joined_on, latestOn: latest?.effective_on ?? null },
      { status: input.status, effectiveOn, reason: input.reason ?? null, documentNo: input.documentNo ?? null },
      todayInChina(),
    );
    // effective today or earlier (the rule allows nothing later), so the register's value changes now
    await em.execute(`update member set poverty_status = ? where id = ?`, [c.status, id]);
    await appendChange(em, m, caller.sub, { ...c, previous: m.poverty_status });
    await audit(em, ctx, 'changePovertyStatus', 'Member', id, { povertyStatus: m.poverty_status }, {
      povertyStatus: c.status, effectiveOn: c.effectiveOn, reason: c.reason, documentNo: c.documentNo,
    });
  });
  return reloadMember(ctx, id);
}

// ---- reads ---------------------------------------------------------------------------------

/** A household's history, newest first, batched per request and scoped like the member. */
export function povertyHistoryOf(ctx: Ctx, memberId: number): Promise<PovertyStatusChange[]> {
  return ctx.loaders
    .get<number, PovertyStatusChange[]>('povertyHistory', async (ids) => {
      const s = memberScope(ctx);
      const rows = await ctx.read<ChangeRow[]>(
        `select ${CHANGE_COLUMNS} from poverty_status_change p join ${MEMBER_FROM} on m.id = p.member_id
          where p.member_id = any(?::int[]) and ${s.sql} order by p.member_id, p.effective_on desc, p.id desc`,
        [intArray(ids), ...s.params],
      );
      return groupInKeyOrder(ids, rows, (r) => r.member_id).map((g) => g.map(toChange));
    })
    .load(memberId);
}

/** A household's status as of a day, batched per request and day, scoped like the member. */
export function povertyStatusOn(ctx: Ctx, memberId: number, on: string): Promise<PovertyStatus | null> {
  const day = parseDay(on);
  return ctx.loaders
    .get<number, PovertyStatus | null>(`povertyStatusOn:${day}`, async (ids) => {
      const s = memberScope(ctx);
      const rows = await ctx.read<{ id: number; status: PovertyStatus | null }[]>(
        `select m.id, ${povertyStatusAsOfSql('m.id', '?::date')} status from ${MEMBER_FROM} where m.id = any(?::int[]) and ${s.sql}`,
        [day, intArray(ids), ...s.params],
      );
      return inKeyOrder(ids, rows, (r) => r.id).map((r) => r?.status ?? null);
    })
    .load(memberId);
}

/** Internal (SERVICE): many households' status as of a day, in one statement, in the order asked; unknown ids are left out. */
export async function povertyStatusesAsOf(ctx: Ctx, memberIds: readonly number[], asOf: string): Promise<PovertyStatusAsOf[]> {
  const ids = [...new Set(memberIds.map((i) => parseId(i, 'memberIds')))];
  const day = parseDay(asOf);
  const s = memberScope(ctx);
  const rows = await ctx.read<{ id: number; status: PovertyStatus | null; current: PovertyStatus }[]>(
    `select m.id, ${povertyStatusAsOfSql('m.id', '?::date')} status, m.poverty_status current
       from ${MEMBER_FROM} where m.id = any(?::int[]) and ${s.sql} order by m.id`,
    [day, intArray(ids), ...s.params],
  );
  return rows.map((r) => Object.assign(new PovertyStatusAsOf(), { memberId: r.id, status: r.status, current: r.current }));
}
