import type { Ctx } from '../lib/context';
import { inKeyOrder } from '../lib/context';
import { intArray } from '../lib/db';
import { parseDay } from '../lib/dates';
import { readScope } from '../lib/scope';
import { outstandingNowSql, portfolioRatios, ratiosWithData } from './loan.rules';
import { borrowersSql, FIGURE_COLUMNS, figuresSql, PAR_DAYS_SQL } from './portfolio.rules';
import { ACCOUNT_NAMES, type Account } from './ledger.rules';
import { FUND_SCOPE, toFundBalances, type Balances } from './ledger.service';
import type { FundBalances } from './ledger.type';
import type { Portfolio } from './portfolio.type';
import { PORTFOLIO_SNAPSHOT } from './portfolio.entity';
import type { RowOf } from '../lib/table';

/** The stored figures of one cooperative as of a date (portfolio_snapshot columns). */
type Figures = Pick<RowOf<typeof PORTFOLIO_SNAPSHOT>, 'cooperative_id' | (typeof FIGURE_COLUMNS)[number]>;

/**
 * Compute figures as of `asOf` with the region's PAR days (one statement for any number of
 * cooperatives; {@link figuresSql}).
 */
async function computeFigures(ctx: Ctx, asOf: string, ids: number[]): Promise<(Figures & { par_days: number })[]> {
  const rows = await ctx.read<(Figures & { par_days: number })[]>(
    `with p as (select ?::date as_of, ${PAR_DAYS_SQL} par_days, ?::int[] ids),
     f as (${figuresSql({ ids: '(select ids from p)', asOf: '(select as_of from p)', parDays: '(select par_days from p)' })})
     -- one row even when no cooperative has figures, so the PAR days always come back
     select f.*, p.par_days from p left join f on true`,
    [asOf, intArray(ids)],
  );
  const parDays = rows[0]!.par_days;
  const byId = new Map(rows.map((r) => [r.cooperative_id, r]));
  return ids.map((id) => {
    const r = byId.get(id);
    return {
      cooperative_id: id,
      par_days: parDays,
      outstanding: String(r?.outstanding ?? 0),
      active_loans: r?.active_loans ?? 0,
      borrowers: r?.borrowers ?? 0,
      overdue_loans: r?.overdue_loans ?? 0,
      overdue_outstanding: String(r?.overdue_outstanding ?? 0),
      par_outstanding: String(r?.par_outstanding ?? 0),
      principal_due: String(r?.principal_due ?? 0),
      repaid_on_due: String(r?.repaid_on_due ?? 0),
      lendable_fund: String(r?.lendable_fund ?? 0),
      loans_disbursed: r?.loans_disbursed ?? 0,
      amount_disbursed: String(r?.amount_disbursed ?? 0),
    };
  });
}

/** One column per account (`"BANK"`, …) over the fund's balance rows: a cooperative is one row, not eleven. */
const BALANCE_COLUMNS = ACCOUNT_NAMES.map((a) => `sum(b.balance_fen) filter (where b.account = '${a}') "${a}"`).join(', ');

/** The snapshot `s` of fund `f` for the date bound to `?`, when it is current: same version as the
 * fund and computed with the region's PAR days of now. */
const CURRENT_SNAPSHOT = `left join portfolio_snapshot s on s.as_of = ? and s.cooperative_id = f.cooperative_id and s.version = f.version
  and s.par_days = ${PAR_DAYS_SQL}`;

/** A fund's row: location, version, balances per account and, for an as-of date, its stored figures (`hit`). */
type FundRow = Figures & Partial<Record<Account, string | null>> & { county_id: number; version: string; hit: boolean; par_days: number };

/**
 * The visible funds of some cooperatives in ONE statement: balances pivoted
 * to one row per fund and, when `asOf` is given, the portfolio snapshot of that date when it is
 * current (its version equals the fund's, which every ledger transaction bumps). Snapshots that are
 * missing or stale are computed once and stored (read-through cache in PostgreSQL).
 */
async function fundRows(ctx: Ctx, asOf: string | null, cooperativeIds: readonly number[]): Promise<FundRow[]> {
  const scope = readScope(ctx.caller, FUND_SCOPE);
  const snapshot = asOf
    ? { cols: `, s.cooperative_id is not null hit, ${PAR_DAYS_SQL} par_days, ${FIGURE_COLUMNS.map((c) => `s.${c}`).join(', ')}`, join: CURRENT_SNAPSHOT, params: [asOf] }
    : { cols: '', join: '', params: [] };
  const rows = await ctx.read<FundRow[]>(
    `select f.cooperative_id, f.county_id, f.version::text, b.*${snapshot.cols}
       from fund f
       cross join lateral (select ${BALANCE_COLUMNS} from fund_balance b where b.cooperative_id = f.cooperative_id) b
       ${snapshot.join}
      where f.cooperative_id = any(?::int[]) and ${scope.sql}
      order by f.cooperative_id`,
    [...snapshot.params, intArray(cooperativeIds), ...scope.params],
  );
  if (!asOf) return rows;
  const missing = rows.filter((r) => !r.hit);
  if (missing.length === 0) return rows;
  const fresh = await computeMissing(ctx, asOf, missing.map((r) => `${r.cooperative_id}:${r.version}`));
  const byId = new Map(fresh.map((f) => [f.cooperative_id, f]));
  return rows.map((r) => (r.hit ? r : { ...r, ...byId.get(r.cooperative_id)!, hit: true }));
}

/** Figures of `cooperativeId:version` keys through {@link computedFigures}, in key order; the first failure is thrown. */
async function computeMissing(ctx: Ctx, asOf: string, keys: readonly string[]): Promise<(Figures & { par_days: number })[]> {
  if (keys.length === 0) return [];
  return (await computedFigures(ctx, asOf).loadMany(keys)).map((f) => {
    if (f instanceof Error) throw f;
    return f;
  });
}

/**
 * Figures missing from the snapshots, computed and stored once per request whatever asks for them
 * (a region dashboard asks per county and per cooperative at once), keyed `cooperativeId:version`
 * (the fund version read with the miss). Stored in cooperative order, so concurrent requests lock
 * snapshot rows in the same order and cannot deadlock.
 */
function computedFigures(ctx: Ctx, asOf: string) {
  return ctx.loaders.get<string, Figures & { par_days: number }>(`computedFigures:${asOf}`, async (keys) => {
    const wanted = keys.map((k) => {
      const [id, version] = k.split(':');
      return { id: Number(id), version: version! };
    }).sort((a, b) => a.id - b.id);
    const computed = await computeFigures(ctx, asOf, wanted.map((w) => w.id));
    const cols = ['cooperative_id', 'as_of', 'version', 'par_days', ...FIGURE_COLUMNS];
    // the cache fill is a write: on the ORM's connection, not the read path
    await ctx.em.execute(
      `insert into portfolio_snapshot (${cols.join(', ')})
       select * from unnest(?::int[], ?::date[], ?::bigint[], ?::int[], ?::bigint[], ?::int[], ?::int[], ?::int[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::int[], ?::bigint[])
       on conflict (as_of, cooperative_id) do update set ${cols.slice(2).map((c) => `${c} = excluded.${c}`).join(', ')}, computed_at = now()`,
      [
        pgArray(computed.map((c) => c.cooperative_id)),
        pgArray(computed.map(() => asOf)),
        pgArray(wanted.map((w) => w.version)),
        pgArray(computed.map((c) => c.par_days)),
        ...FIGURE_COLUMNS.map((col) => pgArray(computed.map((c) => c[col]))),
      ],
    );
    const byId = new Map(computed.map((c) => [c.cooperative_id, c]));
    return keys.map((k) => byId.get(Number(k.split(':')[0]))!);
  });
}

/**
 * Portfolio snapshots of one date for every fund without a current one, `batch` cooperatives per
 * statement (the same computation and storage as a reader's miss), until none is missing; returns
 * how many were computed. The loans service runs it for "today" in the background (snapshot-job.ts)
 * so that the first dashboard of a day does not compute the whole region (about a minute).
 */
export async function precomputeSnapshots(newCtx: () => Ctx, asOf: string, batch = 50, pause: () => Promise<void> = async () => {}): Promise<number> {
  let done = 0;
  for (;;) {
    const ctx = newCtx();
    const missing = await ctx.read<{ cooperative_id: number; version: string }[]>(
      `select f.cooperative_id, f.version::text from fund f
         ${CURRENT_SNAPSHOT}
        where s.cooperative_id is null order by f.cooperative_id limit ?`,
      [asOf, batch],
    );
    if (missing.length === 0) return done;
    await computeMissing(ctx, asOf, missing.map((m) => `${m.cooperative_id}:${m.version}`));
    done += missing.length;
    await pause();
  }
}

/**
 * Cooperative.fund and Cooperative.portfolio(asOf) of every cooperative of a request through one
 * loader, keyed `asOf:id` (`:id` for the fund alone): both fields of a dashboard come from one
 * statement. Fund-only keys ride on the first date's statement; with no date, one fund statement.
 */
function fundRowLoader(ctx: Ctx) {
  return ctx.loaders.get<string, FundRow | null>('fundRows', async (keys) => {
    const byDate = new Map<string, Set<number>>();
    for (const k of keys) {
      const i = k.lastIndexOf(':');
      const date = k.slice(0, i);
      let set = byDate.get(date);
      if (!set) byDate.set(date, (set = new Set()));
      set.add(Number(k.slice(i + 1)));
    }
    const fundOnly = byDate.get('') ?? new Set<number>();
    byDate.delete('');
    const found = new Map<string, FundRow>();
    if (byDate.size === 0) {
      for (const r of await fundRows(ctx, null, [...fundOnly])) found.set(`:${r.cooperative_id}`, r);
    }
    let first = true;
    for (const [date, ids] of byDate) {
      const rows = await fundRows(ctx, date, [...new Set([...ids, ...(first ? fundOnly : [])])]);
      for (const r of rows) {
        found.set(`${date}:${r.cooperative_id}`, r);
        if (first) found.set(`:${r.cooperative_id}`, r);
      }
      first = false;
    }
    return keys.map((k) => found.get(k) ?? null);
  });
}

/** Cooperative.fund: balances per account, from the request's fund rows. */
export async function cooperativeFund(ctx: Ctx, cooperativeId: number): Promise<FundBalances | null> {
  const r = await fundRowLoader(ctx).load(`:${cooperativeId}`);
  if (!r) return null;
  const b: Balances = {};
  for (const a of ACCOUNT_NAMES) {
    const v = r[a];
    if (v != null) b[a] = BigInt(v);
  }
  return toFundBalances(b);
}

/** Cooperative.portfolio(asOf): from the request's fund rows of that date. */
export async function cooperativePortfolio(ctx: Ctx, cooperativeId: number, asOfRaw: string): Promise<Portfolio | null> {
  const asOf = parseDay(asOfRaw);
  const r = await fundRowLoader(ctx).load(`${asOf}:${cooperativeId}`);
  return r ? toPortfolio(asOf, r.par_days, r) : null;
}

const pgArray = (xs: readonly (string | number)[]): string => `{${xs.join(',')}}`;

function toPortfolio(asOf: string, parDays: number, f: Omit<Figures, 'cooperative_id'>): Portfolio {
  const outstanding = BigInt(f.outstanding);
  const par = BigInt(f.par_outstanding);
  const principalDue = BigInt(f.principal_due);
  const repaidOnDue = BigInt(f.repaid_on_due);
  const lendable = BigInt(f.lendable_fund);
  const ratios = portfolioRatios({ principalDueFen: principalDue, repaidOnDueFen: repaidOnDue, outstandingFen: outstanding, parOutstandingFen: par, fundTotalFen: lendable });
  return {
    asOf,
    parDays,
    outstanding,
    activeLoans: f.active_loans,
    borrowers: f.borrowers,
    overdueLoans: f.overdue_loans,
    overdueOutstanding: BigInt(f.overdue_outstanding),
    parOutstanding: par,
    par30Outstanding: par,
    principalDue,
    repaidOnDue,
    lendableFund: lendable,
    loansDisbursed: f.loans_disbursed,
    amountDisbursed: BigInt(f.amount_disbursed),
    repaymentRateBp: ratios.repaymentRateBp,
    parBp: ratios.parBp,
    par30Bp: ratios.parBp,
    utilisationBp: ratios.utilisationBp,
  };
}

/** Sum figures (a county's cooperatives, all computed with the same PAR days); ratios are recomputed from the sums. */
function sumFigures(xs: readonly Omit<Figures, 'cooperative_id'>[]): Omit<Figures, 'cooperative_id'> {
  const total = (k: (typeof FIGURE_COLUMNS)[number]) => xs.reduce((s, x) => s + BigInt(x[k]), 0n).toString();
  const count = (k: 'active_loans' | 'borrowers' | 'overdue_loans' | 'loans_disbursed') => xs.reduce((s, x) => s + Number(x[k]), 0);
  return {
    outstanding: total('outstanding'),
    active_loans: count('active_loans'),
    borrowers: count('borrowers'),
    overdue_loans: count('overdue_loans'),
    overdue_outstanding: total('overdue_outstanding'),
    par_outstanding: total('par_outstanding'),
    principal_due: total('principal_due'),
    repaid_on_due: total('repaid_on_due'),
    lendable_fund: total('lendable_fund'),
    loans_disbursed: count('loans_disbursed'),
    amount_disbursed: total('amount_disbursed'),
  };
}

/**
 * County.portfolio(asOf): the totals of the county's cooperatives visible to the caller. The sums
 * of the current snapshots are taken in SQL (one row per county, not one per cooperative); the
 * cooperatives without a current snapshot come back as ids and are computed (once per request).
 */
export function countyPortfolioLoader(ctx: Ctx, asOfRaw: string) {
  const asOf = parseDay(asOfRaw);
  return ctx.loaders.get<string, Portfolio | null>(`countyPortfolio:${asOf}`, async (countyIds) => {
    const scope = readScope(ctx.caller, FUND_SCOPE);
    const rows = await ctx.read<(Omit<Figures, 'cooperative_id'> & { county_id: number; par_days: number; missing: string[] | null })[]>(
      `select f.county_id, ${PAR_DAYS_SQL} par_days,
              array_agg(f.cooperative_id || ':' || f.version) filter (where s.cooperative_id is null) missing,
              ${FIGURE_COLUMNS.map((c) => `coalesce(sum(s.${c}), 0)::text ${c}`).join(', ')}
         from fund f ${CURRENT_SNAPSHOT}
        where f.county_id = any(?::int[]) and ${scope.sql}
        group by f.county_id`,
      [asOf, intArray(countyIds), ...scope.params],
    );
    const keys = rows.flatMap((r) => (r.missing ?? []).map((key) => ({ key, county: r.county_id })));
    const computed = await computeMissing(ctx, asOf, keys.map((k) => k.key));
    const extra = new Map<number, Omit<Figures, 'cooperative_id'>[]>();
    computed.forEach((f, i) => {
      const county = keys[i]!.county;
      let list = extra.get(county);
      if (!list) extra.set(county, (list = []));
      list.push(f);
    });
    return inKeyOrder(countyIds, rows, (r) => r.county_id).map((r) =>
      r ? toPortfolio(asOf, r.par_days, sumFigures([r, ...(extra.get(r.county_id) ?? [])])) : null,
    );
  });
}

/** Member.outstanding: current principal outstanding per member, one statement per batch. */
export function memberOutstandingLoader(ctx: Ctx) {
  return ctx.loaders.get<string, bigint>('memberOutstanding', async (memberIds) => {
    const scope = readScope(ctx.caller, { county: 'l.county_id', township: 'l.township_id', cooperative: 'l.cooperative_id', member: 'l.member_id' });
    const rows = await ctx.read<{ member_id: number; outstanding: string }[]>(
      `select l.member_id, sum(${outstandingNowSql('l')}) outstanding
         from loan l where l.member_id = any(?::int[]) and l.status = 'DISBURSED' and ${scope.sql} group by l.member_id`,
      [intArray(memberIds), ...scope.params],
    );
    return inKeyOrder(memberIds, rows, (r) => r.member_id).map((r) => BigInt(r?.outstanding ?? 0));
  });
}

/** What a rating reads from loans for one cooperative on a day (the union's rateCounty). */
export interface RatingLoanFactsRow {
  cooperativeId: number;
  /** the portfolio's ratios on the day, null where there is nothing to divide by */
  repaymentRateBp: number | null;
  parBp: number | null;
  utilisationBp: number | null;
  borrowerIds: number[];
}

/**
 * A county's funds on a day as its rating reads them: the portfolio ratios (through the snapshots,
 * computed and kept where missing) and the households with principal outstanding. Two statements
 * beside the snapshot fill, whatever the county's size.
 */
export async function ratingLoanFacts(ctx: Ctx, countyId: number, asOfRaw: string): Promise<RatingLoanFactsRow[]> {
  const asOf = parseDay(asOfRaw);
  const scope = readScope(ctx.caller, FUND_SCOPE);
  const ids = (await ctx.read<{ cooperative_id: number }[]>(
    `select f.cooperative_id from fund f where f.county_id = ? and ${scope.sql} order by 1`, [countyId, ...scope.params],
  )).map((r) => r.cooperative_id);
  if (ids.length === 0) return [];
  const rows = await fundRows(ctx, asOf, ids);
  const byCoop = new Map((await ctx.read<{ cooperative_id: number; member_ids: number[] }[]>(
    `with arg as (select ?::date d) ${borrowersSql({ ids: '?', asOf: '(select d from arg)' })}`, [asOf, intArray(ids)],
  )).map((r) => [r.cooperative_id, r.member_ids]));
  return rows.map((r) => {
    const p = toPortfolio(asOf, r.par_days, r);
    return {
      cooperativeId: r.cooperative_id,
      ...ratiosWithData({ principalDueFen: p.principalDue, repaidOnDueFen: p.repaidOnDue, outstandingFen: p.outstanding, parOutstandingFen: p.parOutstanding, fundTotalFen: p.lendableFund }),
      borrowerIds: byCoop.get(r.cooperative_id) ?? [],
    };
  });
}
