import type { Ctx } from '../lib/context';
import { parseDay } from '../lib/dates';
import { audit, once } from '../lib/tx';
import { fail, invalid } from './codes';
import { ledgerEventPosting, type ContributionSource, type LedgerEvent } from './ledger.rules';
import { ensureFund, lockFund, post } from './ledger.service';
import { openLoanSql } from './loan.rules';
import type { LedgerEventInput } from './ledger.inputs';
import { postAllocationMade, postAllocationRepaid } from './allocation-event.service';
import { postExitReturned } from './exit-event.service';

const SOURCES: readonly ContributionSource[] = ['HOUSEHOLD', 'GOVERNMENT_SUBSIDY', 'SHUANGDAO'];

const MEMO: Record<ContributionSource | 'RETURNED', string> = {
  HOUSEHOLD: '社员交纳互助金 / Member contribution',
  GOVERNMENT_SUBSIDY: '政府配股补助 / Government share subsidy',
  SHUANGDAO: '“双到”资金入股 / 双到 money as contribution',
  RETURNED: '退还社员互助金 / Contribution returned',
};

interface Parsed {
  event: LedgerEvent;
  facts: { cooperativeId: number; countyId: number; townshipId: number; memberId: number; nameMasked?: string | null };
  on: string;
  memo: string;
}

function parse(input: LedgerEventInput): Parsed {
  if (input.contributionReceived) {
    const e = input.contributionReceived;
    const source = e.source as ContributionSource;
    if (!SOURCES.includes(source)) invalid('未知的互助金来源', 'unknown contribution source', { field: 'source' });
    return { event: { event: 'CONTRIBUTION_RECEIVED', source, amountFen: e.amount }, facts: e, on: parseDay(e.paidOn), memo: MEMO[source] };
  }
  const e = input.contributionReturned!;
  return { event: { event: 'CONTRIBUTION_RETURNED', amountFen: e.amount }, facts: e, on: parseDay(e.returnedOn), memo: MEMO.RETURNED };
}

/**
 * Internal: another subgraph's saga step posts a business event to the fund ledger it does not
 * own. Idempotent by the step's key, so the saga runner (and `npm run reconcile`) may repeat it;
 * a refusal is a coded DomainError the sender compensates.
 */
export async function postLedgerEvent(ctx: Ctx, input: LedgerEventInput): Promise<string> {
  const set = [input.contributionReceived, input.contributionReturned, input.allocationMade, input.allocationRepaid, input.exitReturned].filter((x) => x != null);
  if (set.length !== 1) invalid('须且只能给出一个记账事件', 'exactly one ledger event must be given');
  if (input.allocationMade) return postAllocationMade(ctx, input.idempotencyKey, input.allocationMade);
  if (input.allocationRepaid) return postAllocationRepaid(ctx, input.idempotencyKey, input.allocationRepaid);
  if (input.exitReturned) return postExitReturned(ctx, input.idempotencyKey, input.exitReturned);
  const { event, facts, on, memo } = parse(input);
  if (event.amountFen <= 0n) invalid('金额必须大于零', 'amount must be positive', { field: 'amount' });
  return once(ctx, input.idempotencyKey, 'postLedgerEvent', input, async (em) => {
    await ensureFund(em, { cooperativeId: facts.cooperativeId, countyId: facts.countyId, townshipId: facts.townshipId });
    const balances = await lockFund(em, facts.cooperativeId);
    if (event.event === 'CONTRIBUTION_RETURNED') {
      const open = await em.execute(`select 1 from loan l where l.member_id = ? and ${openLoanSql('l.status')} limit 1`, [facts.memberId]);
      if (open.length) fail('MEMBER_HAS_OUTSTANDING');
      if ((balances.BANK ?? 0n) < event.amountFen) fail('INSUFFICIENT_FUND');
    }
    const { txnKind, lines } = ledgerEventPosting(event);
    const txn = await post(em, {
      cooperativeId: facts.cooperativeId,
      kind: txnKind,
      occurredOn: on,
      memo,
      refType: 'contribution',
      refId: input.idempotencyKey,
      // the saga's key is `contribution:<contribution id>`: one event per contribution row
      eventRef: `${txnKind === 'CONTRIBUTION' ? 'contribution' : 'contribution-return'}:${input.idempotencyKey.replace(/^contribution:/, '')}`,
      postedBy: ctx.caller!.sub,
      nameMasked: facts.nameMasked?.trim() || null,
      lines,
    });
    await audit(em, ctx, 'postLedgerEvent', 'fund', facts.cooperativeId, null, { event: event.event, amount: event.amountFen.toString(), memberId: facts.memberId, txn });
    return txn;
  });
}
