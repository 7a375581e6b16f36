import type { Client } from 'pg';
import { DEFAULT_AS_OF } from '../demo/county';
import { seedCounty } from '../demo';
import { addDays } from '../subgraphs/lib/dates';
import { fundTotal, fundTotalSql, idleMoney, idleMoneySql, moneyOnHand, moneyOnHandSql, type Account } from '../subgraphs/loans/ledger.rules';
import {
  atRiskSql, buildSchedule, committedAsOfSql, daysOverdueSql, firstUnpaidDueSql, instalmentsDueSql, isAtRisk, isCommittedAsOf,
  isOpenLoan, loanCap, loanOverdueAsOf, openLoanSql, outstandingAsOfSql, outstandingNow, outstandingNowSql, overdueAsOfSql, overdueStatus,
  principalFallenDue, repaidByAsOf, repaidByAsOfSql, type Instalment, type LoanStatus, type RepaymentMode,
} from '../subgraphs/loans/loan.rules';
import { figuresSql } from '../subgraphs/loans/portfolio.rules';
import { ALLOCATION_STATUSES, allocationOverdueSql, isAllocationOverdue } from '../subgraphs/lib/allocation.rules';
import { createTestDatabases, sql } from './support/db';

/**
 * Each business term of loans is defined once, as a rule over loaded rows with its SQL beside it.
 * Here both run over the demo county, day by day for the 30 as-of dates ending at the seed's
 * reference date, and must agree loan by loan (fund by fund for the lendable terms); and the seeded
 * loans must pass the same rules the application applies.
 */
jest.setTimeout(120_000);

const DAYS = Array.from({ length: 30 }, (_, k) => addDays(DEFAULT_AS_OF, k - 29));
const PAR_DAYS = [1, 30, 90];

interface LoanFacts {
  id: number; cooperativeId: number; memberId: number; status: LoanStatus; amountFen: bigint; feeRateBp: number; termMonths: number;
  mode: RepaymentMode; isFirst: boolean; isShuangdao: boolean; principalRepaidFen: bigint; writtenOffFen: bigint;
  approvedOn: string | null; disbursedOn: string | null; writtenOffOn: string | null; closedOn: string | null;
}

let loans: Client;
let members: Client;
let facts: LoanFacts[];
const instalments = new Map<number, Instalment[]>();
const repayments = new Map<number, { paidOn: string; principalFen: bigint; reversed: boolean }[]>();
let lines: { cooperativeId: number; on: string; account: Account; amountFen: bigint }[];

beforeAll(async () => {
  const dbs = await createTestDatabases();
  await seedCounty(dbs);
  loans = await sql(dbs.loans!);
  members = await sql(dbs.members!);
  const d = (c: string) => `to_char(${c}, 'YYYY-MM-DD') ${c}`;
  const rows = (await loans.query(
    `select id, cooperative_id, member_id, status, amount_fen, fee_rate_bp, term_months, repayment_mode, is_first_loan, is_shuangdao,
            principal_repaid_fen, written_off_fen, ${d('approved_on')}, ${d('disbursed_on')}, ${d('written_off_on')}, ${d('closed_on')}
       from loan order by id`,
  )).rows;
  facts = rows.map((r) => ({
    id: r.id, cooperativeId: r.cooperative_id, memberId: r.member_id, status: r.status, amountFen: BigInt(r.amount_fen),
    feeRateBp: r.fee_rate_bp, termMonths: r.term_months, mode: r.repayment_mode, isFirst: r.is_first_loan, isShuangdao: r.is_shuangdao,
    principalRepaidFen: BigInt(r.principal_repaid_fen), writtenOffFen: BigInt(r.written_off_fen),
    approvedOn: r.approved_on, disbursedOn: r.disbursed_on, writtenOffOn: r.written_off_on, closedOn: r.closed_on,
  }));
  for (const r of (await loans.query(`select loan_id, seq, ${d('due_on')}, principal_fen, fee_fen from loan_instalment order by loan_id, seq`)).rows) {
    let list = instalments.get(r.loan_id);
    if (!list) instalments.set(r.loan_id, (list = []));
    list.push({ seq: r.seq, dueOn: r.due_on, principalFen: BigInt(r.principal_fen), feeFen: BigInt(r.fee_fen) });
  }
  for (const r of (await loans.query(`select loan_id, ${d('paid_on')}, principal_fen, reversed_txn_id is not null reversed from repayment order by loan_id, id`)).rows) {
    let list = repayments.get(r.loan_id);
    if (!list) repayments.set(r.loan_id, (list = []));
    list.push({ paidOn: r.paid_on, principalFen: BigInt(r.principal_fen), reversed: r.reversed });
  }
  lines = (await loans.query(
    `select t.cooperative_id, ${d('t.occurred_on').replace(' t.occurred_on', ' occurred_on')}, l.account, l.amount_fen
       from ledger_line l join ledger_txn t on t.id = l.txn_id`,
  )).rows.map((r) => ({ cooperativeId: r.cooperative_id, on: r.occurred_on, account: r.account, amountFen: BigInt(r.amount_fen) }));
});

afterAll(async () => {
  await loans?.end();
  await members?.end();
});

const repaidBy = (loanId: number, asOf: string): bigint => repaidByAsOf(repayments.get(loanId) ?? [], asOf);

/** What the rules say of one loan at a date. */
function ruleOf(l: LoanFacts, asOf: string) {
  const inst = instalments.get(l.id) ?? [];
  const repaid = repaidBy(l.id, asOf);
  const o = loanOverdueAsOf(l, inst, repaid, asOf);
  const disbursed = l.disbursedOn !== null && l.disbursedOn <= asOf;
  return {
    id: l.id,
    outstanding: o.outstandingFen.toString(),
    principalDue: disbursed ? principalFallenDue(inst, asOf).toString() : null,
    overdue: o.overdue,
    days: o.daysOverdue,
    atRisk: PAR_DAYS.map((n) => o.overdue && isAtRisk(o.daysOverdue, n)),
    committed: isCommittedAsOf(l, asOf),
  };
}

it('the seed produces a county with every term in play over the month', () => {
  expect(facts.length).toBeGreaterThan(10_000);
  const last = facts.map((l) => ruleOf(l, DEFAULT_AS_OF));
  expect(last.filter((r) => r.overdue).length).toBeGreaterThan(100);
  for (const k of PAR_DAYS.keys()) expect(last.filter((r) => r.atRisk[k]).length).toBeGreaterThan(10);
  expect(facts.filter((l) => DAYS.some((d) => isCommittedAsOf(l, d))).length).toBeGreaterThan(10);
});

it('overdue, days overdue, outstanding, principal due, PAR-N and committed: rule and SQL agree loan by loan on each of 30 days', async () => {
  const out = outstandingAsOfSql('l', 'rp.p', '$1::date');
  const text = `
    select l.id, ${out}::text outstanding, case when l.disbursed_on <= $1::date then d.principal_due::text end principal_due,
           ${overdueAsOfSql(out, 'd.first_unpaid')} overdue,
           case when ${overdueAsOfSql(out, 'd.first_unpaid')} then ${daysOverdueSql('d.first_unpaid', '$1::date')} else 0 end days,
           array[${PAR_DAYS.map((_, k) => `${overdueAsOfSql(out, 'd.first_unpaid')} and ${atRiskSql('d.first_unpaid', '$1::date', `$${k + 2}`)}`).join(', ')}] at_risk,
           ${committedAsOfSql('l', '$1::date')} committed
      from loan l cross join lateral (select ${repaidByAsOfSql('l.id', '$1::date')} p) rp
      left join lateral (${instalmentsDueSql('l.id', 'rp.p', '$1::date')}) d on true
     order by l.id`;
  for (const asOf of DAYS) {
    const { rows } = await loans.query(text, [asOf, ...PAR_DAYS]);
    const want = facts.map((l) => ruleOf(l, asOf));
    const got = rows.map((r) => ({
      id: r.id, outstanding: r.outstanding, principalDue: r.principal_due, overdue: r.overdue, days: r.days, atRisk: r.at_risk, committed: r.committed,
    }));
    const diff = got.filter((r, i) => JSON.stringify(r) !== JSON.stringify(want[i])).map((r) => ({ sql: r, rule: want.find((w) => w.id === r.id) }));
    expect([asOf, diff.slice(0, 3)]).toEqual([asOf, []]);
    expect(rows).toHaveLength(want.length);
  }
});

it('the portfolio figures (figuresSql, what snapshots store) equal the rules summed per cooperative on each of 30 days', async () => {
  const ids = [...new Set(facts.map((l) => l.cooperativeId))].sort((a, b) => a - b);
  for (const asOf of DAYS) {
    const { rows } = await loans.query(
      `select cooperative_id, outstanding::text, overdue_loans, overdue_outstanding::text, par_outstanding::text, principal_due::text, lendable_fund::text
         from (${figuresSql({ ids: '$1::int[]', asOf: '$2::date', parDays: '$3' })}) f where cooperative_id = any($1::int[]) order by cooperative_id`,
      [ids, asOf, 30],
    );
    const want = new Map<number, { outstanding: bigint; overdue_loans: number; overdue_outstanding: bigint; par_outstanding: bigint; principal_due: bigint }>();
    for (const l of facts) {
      const r = ruleOf(l, asOf);
      if (r.principalDue === null) continue;
      const w = want.get(l.cooperativeId) ?? { outstanding: 0n, overdue_loans: 0, overdue_outstanding: 0n, par_outstanding: 0n, principal_due: 0n };
      want.set(l.cooperativeId, w);
      w.outstanding += BigInt(r.outstanding);
      w.principal_due += BigInt(r.principalDue);
      if (r.overdue) ((w.overdue_loans += 1), (w.overdue_outstanding += BigInt(r.outstanding)));
      if (r.atRisk[1]) w.par_outstanding += BigInt(r.outstanding);
    }
    const balances = balancesAsOf(asOf);
    expect(rows.map((r) => r.cooperative_id)).toEqual(ids);
    for (const r of rows) {
      const w = want.get(r.cooperative_id)!;
      expect({ asOf, ...r }).toEqual({
        asOf, cooperative_id: r.cooperative_id, outstanding: w.outstanding.toString(), overdue_loans: w.overdue_loans,
        overdue_outstanding: w.overdue_outstanding.toString(), par_outstanding: w.par_outstanding.toString(),
        principal_due: w.principal_due.toString(), lendable_fund: fundTotal(balances.get(r.cooperative_id) ?? {}).toString(),
      });
    }
  }
});

/** Signed balances per cooperative from the loaded ledger lines up to a date. */
function balancesAsOf(asOf: string): Map<number, Partial<Record<Account, bigint>>> {
  const out = new Map<number, Partial<Record<Account, bigint>>>();
  for (const l of lines) {
    if (l.on > asOf) continue;
    let b = out.get(l.cooperativeId);
    if (!b) out.set(l.cooperativeId, (b = {}));
    b[l.account] = (b[l.account] ?? 0n) + l.amountFen;
  }
  return out;
}

it('money on hand, fund total and idle money: rule and SQL agree fund by fund on each of 30 days', async () => {
  const c = { account: 'll.account', amount: 'll.amount_fen' };
  const committed = `(select coalesce(sum(l.amount_fen), 0) from loan l where l.cooperative_id = t.cooperative_id and ${committedAsOfSql('l', '$1::date')})`;
  const text = `
    select t.cooperative_id, ${moneyOnHandSql(c)}::text on_hand, ${fundTotalSql(c)}::text fund_total, ${idleMoneySql(c, committed)}::text idle
      from ledger_txn t join ledger_line ll on ll.txn_id = t.id
     where t.occurred_on <= $1::date group by t.cooperative_id order by t.cooperative_id`;
  let someIdleBelowOnHand = false;
  for (const asOf of DAYS) {
    const { rows } = await loans.query(text, [asOf]);
    const balances = balancesAsOf(asOf);
    const committedBy = new Map<number, bigint>();
    for (const l of facts) if (isCommittedAsOf(l, asOf)) committedBy.set(l.cooperativeId, (committedBy.get(l.cooperativeId) ?? 0n) + l.amountFen);
    const want = [...balances.keys()].sort((a, b) => a - b).map((id) => {
      const b = balances.get(id)!;
      return { cooperative_id: id, on_hand: moneyOnHand(b).toString(), fund_total: fundTotal(b).toString(), idle: idleMoney(b, committedBy.get(id) ?? 0n).toString() };
    });
    expect({ asOf, rows }).toEqual({ asOf, rows: want });
    someIdleBelowOnHand ||= want.some((w) => BigInt(w.idle) < BigInt(w.on_hand));
  }
  expect(someIdleBelowOnHand).toBe(true);
});

it('open loan and outstanding now: rule and SQL agree loan by loan', async () => {
  const { rows } = await loans.query(`select id, ${openLoanSql('l.status')} open, ${outstandingNowSql('l')}::text outstanding from loan l order by id`);
  expect(rows).toEqual(facts.map((l) => ({ id: l.id, open: isOpenLoan(l.status), outstanding: outstandingNow(l).toString() })));
  expect(rows.filter((r) => r.open).length).toBeGreaterThan(100);
});

it('days overdue of a current loan: the scalar fragment agrees with overdueStatus on the maintained repaid total', async () => {
  for (const asOf of [DAYS[0]!, DEFAULT_AS_OF]) {
    const { rows } = await loans.query(
      `select id, ${daysOverdueSql(firstUnpaidDueSql('l.id', 'l.principal_repaid_fen', '$1::date'), '$1::date')} days from loan l where l.status = 'DISBURSED' order by id`,
      [asOf],
    );
    const want = facts.filter((l) => l.status === 'DISBURSED').map((l) => ({ id: l.id, days: overdueStatus(instalments.get(l.id)!, l.principalRepaidFen, asOf).daysOverdue }));
    expect(rows).toEqual(want);
  }
});

describe('the seeded loans pass the application rules', () => {
  it('status, maintained totals and schedule agree with the rules at the reference date', () => {
    const bad: unknown[] = [];
    for (const l of facts) {
      const inst = instalments.get(l.id) ?? [];
      const repaid = repaidBy(l.id, DEFAULT_AS_OF);
      if (repaid !== l.principalRepaidFen) bad.push({ id: l.id, repaid, maintained: l.principalRepaidFen });
      const o = loanOverdueAsOf(l, inst, repaid, DEFAULT_AS_OF);
      // DISBURSED exactly when the rules see principal outstanding, and then the maintained total says the same
      if ((l.status === 'DISBURSED') !== o.outstandingFen > 0n) bad.push({ id: l.id, status: l.status, outstanding: o.outstandingFen });
      if (outstandingNow(l) !== (l.status === 'DISBURSED' ? o.outstandingFen : 0n)) bad.push({ id: l.id, outstandingNow: outstandingNow(l) });
      if (l.status === 'DISBURSED' && o.overdue !== overdueStatus(inst, l.principalRepaidFen, DEFAULT_AS_OF).overdue) bad.push({ id: l.id, overdue: o });
      if (l.disbursedOn) {
        const schedule = buildSchedule({ amountFen: l.amountFen, feeRateBp: l.feeRateBp, termMonths: l.termMonths, mode: l.mode, disbursedOn: l.disbursedOn });
        if (JSON.stringify(schedule, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)) !== JSON.stringify(inst, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))) {
          bad.push({ id: l.id, schedule: 'differs from buildSchedule' });
        }
      }
      if (l.status === 'WRITTEN_OFF') {
        // write-off: only overdue loans, and the whole outstanding at that day
        const at = loanOverdueAsOf({ ...l, writtenOffOn: null }, inst, repaidBy(l.id, l.writtenOffOn!), l.writtenOffOn!);
        if (!at.overdue || at.outstandingFen !== l.writtenOffFen) bad.push({ id: l.id, writtenOff: l.writtenOffFen, at });
      }
    }
    expect(bad.slice(0, 5)).toEqual([]);
  });

  it('one open loan per household, within the cap of the cooperative\'s policy', async () => {
    const open = new Map<number, number>();
    for (const l of facts) if (isOpenLoan(l.status)) open.set(l.memberId, (open.get(l.memberId) ?? 0) + 1);
    expect([...open.values()].filter((n) => n > 1)).toEqual([]);
    const policy = new Map((await members.query(
      `select id, max_first_loan_fen, max_later_loan_fen, shuangdao_loan_cap_fen from cooperative`,
    )).rows.map((r) => [r.id, { maxFirstLoanFen: BigInt(r.max_first_loan_fen), maxLaterLoanFen: BigInt(r.max_later_loan_fen), shuangdaoLoanCapFen: BigInt(r.shuangdao_loan_cap_fen) }]));
    const above = facts.filter((l) => l.amountFen > loanCap(policy.get(l.cooperativeId)!, { isFirstLoan: l.isFirst, isShuangdao: l.isShuangdao }).capFen);
    expect(above.map((l) => l.id)).toEqual([]);
  });

  it('no loan of a guarantee group was disbursed while a member of the group was overdue on its application day', async () => {
    const groupOf = new Map<number, number[]>();
    const { rows } = await members.query(`select group_id, array_agg(member_id) members from guarantee_group_member group by group_id`);
    for (const r of rows) for (const m of r.members as number[]) groupOf.set(m, [...(groupOf.get(m) ?? []), ...(r.members as number[])]);
    const byMember = new Map<number, LoanFacts[]>();
    for (const l of facts) byMember.set(l.memberId, [...(byMember.get(l.memberId) ?? []), l]);
    const applied = (await loans.query(`select id, to_char(applied_on, 'YYYY-MM-DD') applied_on from loan where disbursed_on is not null`)).rows;
    let checked = 0;
    const blocked: unknown[] = [];
    const byId = new Map(facts.map((l) => [l.id, l]));
    for (const a of applied) {
      const l = byId.get(a.id)!;
      for (const m of new Set(groupOf.get(l.memberId) ?? [l.memberId])) {
        for (const other of byMember.get(m) ?? []) {
          if (other.id === l.id || !other.disbursedOn || other.disbursedOn > a.applied_on) continue;
          checked++;
          if (loanOverdueAsOf(other, instalments.get(other.id) ?? [], repaidBy(other.id, a.applied_on), a.applied_on).overdue) blocked.push({ loan: l.id, overdue: other.id });
        }
      }
    }
    expect(checked).toBeGreaterThan(1_000);
    expect(blocked.slice(0, 5)).toEqual([]);
  });
});

it('allocation overdue (lib/allocation.rules): rule and SQL agree on every status, due date and as-of date', async () => {
  const statuses = ALLOCATION_STATUSES;
  const dues = [null, '2026-07-01'];
  const asOfs = ['2026-06-30', '2026-07-01', '2026-07-02'];
  const rows = statuses.flatMap((status) => dues.flatMap((dueOn) => asOfs.map((asOf) => ({ status, dueOn, asOf }))));
  const { rows: got } = await loans.query(
    `select ${allocationOverdueSql('a', 'a.as_of')} overdue from unnest($1::text[], $2::date[], $3::date[]) with ordinality a(status, due_on, as_of, n) order by n`,
    [rows.map((r) => r.status), rows.map((r) => r.dueOn), rows.map((r) => r.asOf)],
  );
  expect(got.map((g: { overdue: boolean }) => g.overdue)).toEqual(rows.map((r) => isAllocationOverdue(r, r.asOf)));
  expect(got.some((g: { overdue: boolean }) => g.overdue)).toBe(true);
});
