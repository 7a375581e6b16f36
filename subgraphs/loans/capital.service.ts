/** A fund's capital (资金注入): money that comes into a cooperative's fund from outside, not through a loan. */
import type { Ctx } from '../lib/context';
import { parseDay } from '../lib/dates';
import { fail, invalid } from './codes';
import { requireWrite } from '../lib/scope';
import { audit, once } from '../lib/tx';
import { capitalInjection } from './ledger.rules';
import { ensureFund, lockFund, post } from './ledger.service';
import { cooperativeFacts } from './members.client';
import type { InjectCapitalInput } from './ledger.inputs';

/** Government capital or a donation injected into a cooperative's fund (注入资金), posted once per key. */
export async function injectCapital(ctx: Ctx, input: InjectCapitalInput): Promise<string> {
  const on = parseDay(input.on);
  if (input.amount <= 0n) invalid('金额必须大于零', 'amount must be positive');
  if (!/^\d{1,9}$/.test(input.cooperativeId)) fail('NOT_FOUND', { cooperativeId: input.cooperativeId });
  const coop = await cooperativeFacts(ctx, Number(input.cooperativeId));
  if (!coop) fail('NOT_FOUND', { cooperativeId: input.cooperativeId });
  const loc = { cooperativeId: coop.cooperativeId, countyId: coop.countyId, townshipId: coop.townshipId };
  requireWrite(ctx, loc);
  if (coop.status === 'EXITED') fail('COOPERATIVE_EXITED');
  return once(ctx, input.idempotencyKey, 'injectCapital', input, async (em) => {
    await ensureFund(em, loc);
    await lockFund(em, loc.cooperativeId);
    const txn = await post(em, {
      cooperativeId: loc.cooperativeId,
      kind: 'CAPITAL',
      occurredOn: on,
      memo: input.source === 'DONATION' ? '社会捐赠 / Donation' : '财政扶贫资金注入 / Government capital',
      refType: 'capital',
      refId: input.idempotencyKey,
      eventRef: `capital:${input.idempotencyKey}`,
      postedBy: ctx.caller!.sub,
      lines: capitalInjection(input.amount, input.source),
    });
    await audit(em, ctx, 'injectCapital', 'fund', loc.cooperativeId, null, { amount: input.amount.toString(), source: input.source, on, txn });
    return txn;
  });
}
