import type { Ctx } from '../lib/context';
import { parseDay } from '../lib/dates';
import { fail, invalid } from './codes';
import { requireRole } from '../lib/auth';
import { audit, once } from '../lib/tx';
import { contribution, type ContributionKind } from './ledger.rules';
import { ensureFund, lockFund, post } from './ledger.service';
import type { PostContributionInput } from './loan.inputs';

const KINDS: ContributionKind[] = ['HOUSEHOLD', 'GOVERNMENT_SUBSIDY', 'SHUANGDAO', 'HOUSEHOLD_WITHDRAWAL'];

const MEMO: Record<ContributionKind, string> = {
  HOUSEHOLD: '社员交纳互助金 / Member contribution',
  GOVERNMENT_SUBSIDY: '政府配股补助 / Government share subsidy',
  SHUANGDAO: '“双到”资金入股 / 双到 money as contribution',
  HOUSEHOLD_WITHDRAWAL: '退还社员互助金 / Contribution returned',
};

/**
 * Internal step of the members subgraph's contribution saga: the owner of the money posts it.
 * Idempotent by key, so the saga (and `npm run reconcile`) can repeat it safely.
 */
export async function postContribution(ctx: Ctx, input: PostContributionInput): Promise<string> {
  requireRole(ctx.caller, ['SERVICE']);
  const kind = input.kind as ContributionKind;
  if (!KINDS.includes(kind)) invalid('未知的互助金类型', 'unknown contribution kind');
  if (input.amount <= 0n) invalid('金额必须大于零', 'amount must be positive');
  const paidOn = parseDay(input.paidOn);
  return once(ctx, input.idempotencyKey, 'postContribution', input, async (em) => {
    await ensureFund(em, { cooperativeId: input.cooperativeId, countyId: input.countyId, townshipId: input.townshipId });
    const balances = await lockFund(em, input.cooperativeId);
    if (kind === 'HOUSEHOLD_WITHDRAWAL') {
      const open = await em.execute(`select 1 from loan where member_id = ? and status not in ('CLOSED','WRITTEN_OFF','REJECTED') limit 1`, [input.memberId]);
      if (open.length) fail('MEMBER_HAS_OUTSTANDING');
      if ((balances.BANK ?? 0n) < input.amount) fail('INSUFFICIENT_FUND');
    }
    const txn = await post(em, {
      cooperativeId: input.cooperativeId,
      kind: kind === 'HOUSEHOLD_WITHDRAWAL' ? 'CONTRIBUTION_RETURN' : 'CONTRIBUTION',
      occurredOn: paidOn,
      memo: MEMO[kind],
      refType: 'contribution',
      refId: input.idempotencyKey,
      nameMasked: input.nameMasked?.trim() || null,
      lines: contribution(kind, input.amount),
    });
    await audit(em, ctx, 'postContribution', 'fund', input.cooperativeId, null, { kind, amount: input.amount.toString(), memberId: input.memberId, txn });
    return txn;
  });
}
