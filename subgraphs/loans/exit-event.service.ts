/**
 * An exited cooperative's fund recovered (退出清算) in the books loans keeps: one recovery run of the
 * union posts what goes back to the households (their own part) and what goes back to the county,
 * from the bank account, under the fund's lock; the checks that depend on money are made again
 * there. A refusal is a coded DomainError: the union's run is REFUSED with it and the ledger has
 * not changed.
 */
import type { Ctx } from '../lib/context';
import { audit, once } from '../lib/tx';
import { fail, invalid } from './codes';
import { countyEquityFen, EXIT_EVENT_REFS, EXIT_MEMOS, EXIT_POSTING_KINDS, exitReturned, memberContributionsFen } from './ledger.rules';
import type { ExitReturnedInput } from './ledger.inputs';
import { lockFreeBalances, lockFund, post } from './ledger.service';

export async function postExitReturned(ctx: Ctx, key: string, e: ExitReturnedInput): Promise<string> {
  if (e.households < 0n || e.county < 0n || e.households + e.county === 0n) invalid('退还金额无效', 'the amounts must be non-negative and not both zero', { field: 'households' });
  return once(ctx, key, 'postExitReturned', e, async (em) => {
    const b = await lockFund(em, e.cooperativeId);
    if ((b.BANK ?? 0n) < e.households + e.county) fail('INSUFFICIENT_FUND');
    // the union divides from these same balances (_exitFundFacts) under its own lock: more than they hold is a bug there
    if (e.households > memberContributionsFen(b)) invalid('退还社员的金额超过基金中的社员互助金', 'the households\' return exceeds their contributions in the fund', { field: 'households' });
    if (e.county > countyEquityFen(b)) invalid('收回县级的金额超过基金中的财政资金和各项基金', 'the county\'s return exceeds its capital and the reserves in the fund', { field: 'county' });
    const lines = exitReturned(e.households, e.county, b);
    const common = { cooperativeId: e.cooperativeId, occurredOn: e.returnedOn, refType: 'exit-run', refId: String(e.runId), postedBy: ctx.caller!.sub };
    const txns: string[] = [];
    if (lines.households.length) {
      txns.push(await post(em, { ...common, kind: EXIT_POSTING_KINDS.households, memo: `${EXIT_MEMOS.households}(${e.householdCount} 户)`, eventRef: EXIT_EVENT_REFS.households(e.runId), lines: lines.households }));
    }
    if (lines.county.length) {
      txns.push(await post(em, { ...common, kind: EXIT_POSTING_KINDS.county, memo: EXIT_MEMOS.county, eventRef: EXIT_EVENT_REFS.county(e.runId), lines: lines.county }));
    }
    await audit(em, ctx, 'postExitReturned', 'fund', e.cooperativeId, null, { runId: e.runId, households: e.households.toString(), householdCount: e.householdCount, county: e.county.toString(), txns });
    return txns.join(',');
  });
}

/** What a recovery run may take from a fund now: its bank money, the households' part and the county's still in it, what is still out. */
export async function exitFundFacts(ctx: Ctx, cooperativeId: number): Promise<{ bank: bigint; households: bigint; county: bigint; loansOutstanding: bigint; unionReceivable: bigint; unionPayable: bigint }> {
  const b = await lockFreeBalances(ctx, cooperativeId);
  return {
    bank: b.BANK ?? 0n, households: memberContributionsFen(b), county: countyEquityFen(b),
    loansOutstanding: b.LOANS_RECEIVABLE ?? 0n, unionReceivable: b.UNION_RECEIVABLE ?? 0n, unionPayable: -(b.UNION_PAYABLE ?? 0n),
  };
}
