import {
  ACCOUNTS,
  EXIT_POSTING_KINDS,
  countyEquityFen,
  exitReturned,
  memberContributionsFen,
  ALLOCATION_POSTING_KINDS,
  allocationMade,
  allocationRepaid,
  ACCOUNT_NAMES,
  assertBalanced,
  capitalInjection,
  contribution,
  disbursement,
  displayBalance,
  LEDGER_EVENTS,
  ledgerEventPosting,
  type LedgerEvent,
  fundTotal,
  idleMoney,
  moneyOnHand,
  repayment,
  reversal,
  checkReversal,
  loanAfterRepaymentReversal,
  reversalPosting,
  reversalReason,
  REVERSAL_REASON_MAX,
  type ReversalRequest,
  splitFee,
  writeOff,
  type Account,
  type FeeSplitPolicy,
  type Line,
} from './ledger.rules';

import { errorOf } from '../../test/support/domain';

const net = (lines: readonly Line[]) => lines.reduce((s, l) => s + l.amountFen, 0n);
/** The posting as a map account -> signed amount (debit positive). */
const byAccount = (lines: readonly Line[]) => Object.fromEntries(lines.map((l) => [l.account, l.amountFen]));

const policy: FeeSplitPolicy = { splitRiskReserveBp: 3000, splitWelfareBp: 1000, splitManagementBp: 2000, splitCapitalBp: 4000 };
const fee = (feeFen: bigint) => splitFee(feeFen, policy);

describe('posting builders balance and hit the right accounts with the right signs', () => {
  it.each<[string, () => Line[], Partial<Record<Account, bigint>>]>([
    ['government capital', () => capitalInjection(15_000_000n, 'GOVERNMENT'), { BANK: 15_000_000n, GOVERNMENT_CAPITAL: -15_000_000n }],
    ['donation', () => capitalInjection(50_000n, 'DONATION'), { BANK: 50_000n, DONATIONS: -50_000n }],
    ['household contribution', () => contribution('HOUSEHOLD', 40_000n), { BANK: 40_000n, MEMBER_CONTRIBUTIONS: -40_000n }],
    ['government share subsidy', () => contribution('GOVERNMENT_SUBSIDY', 60_000n), { BANK: 60_000n, GOVERNMENT_CAPITAL: -60_000n }],
    ['双到 money', () => contribution('SHUANGDAO', 100_000n), { BANK: 100_000n, SHUANGDAO_CAPITAL: -100_000n }],
    ['household withdrawal', () => contribution('HOUSEHOLD_WITHDRAWAL', 40_000n), { MEMBER_CONTRIBUTIONS: 40_000n, BANK: -40_000n }],
    ['disbursement by bank', () => disbursement(300_000n, 'BANK'), { LOANS_RECEIVABLE: 300_000n, BANK: -300_000n }],
    ['disbursement in cash', () => disbursement(100_000n, 'CASH'), { LOANS_RECEIVABLE: 100_000n, CASH: -100_000n }],
    [
      'repayment by bank with fee split',
      () => repayment(100_000n, fee(1_001n), 'BANK'),
      { BANK: 101_001n, LOANS_RECEIVABLE: -100_000n, RISK_RESERVE: -300n, WELFARE_FUND: -100n, MANAGEMENT_FUND: -200n, RETAINED_CAPITAL: -401n },
    ],
    [
      'repayment in cash',
      () => repayment(50_000n, fee(10_000n), 'CASH'),
      { CASH: 60_000n, LOANS_RECEIVABLE: -50_000n, RISK_RESERVE: -3_000n, WELFARE_FUND: -1_000n, MANAGEMENT_FUND: -2_000n, RETAINED_CAPITAL: -4_000n },
    ],
    ['repayment of principal only: no zero fee lines', () => repayment(50_000n, fee(0n), 'BANK'), { BANK: 50_000n, LOANS_RECEIVABLE: -50_000n }],
    [
      'repayment of fee only: no zero principal line',
      () => repayment(0n, fee(3n), 'BANK'),
      { BANK: 3n, RETAINED_CAPITAL: -3n }, // 3 fen: every floored share is 0, all to retained capital
    ],
    ['write-off against the risk reserve', () => writeOff(80_000n), { RISK_RESERVE: 80_000n, LOANS_RECEIVABLE: -80_000n }],
    ['zero amount posts nothing', () => disbursement(0n, 'BANK'), {}],
  ])('%s', (_name, build, want) => {
    const lines = build();
    expect(net(lines)).toBe(0n);
    expect(() => assertBalanced(lines)).not.toThrow();
    expect(byAccount(lines)).toEqual(want);
    expect(lines.every((l) => l.amountFen !== 0n)).toBe(true);
    expect(new Set(lines.map((l) => l.account)).size).toBe(lines.length);
  });
});

describe('ledger events posted by other subgraphs', () => {
  it.each<[LedgerEvent, 'CONTRIBUTION' | 'CONTRIBUTION_RETURN', Partial<Record<Account, bigint>>]>([
    [{ event: 'CONTRIBUTION_RECEIVED', source: 'HOUSEHOLD', amountFen: 40_000n }, 'CONTRIBUTION', { BANK: 40_000n, MEMBER_CONTRIBUTIONS: -40_000n }],
    [{ event: 'CONTRIBUTION_RECEIVED', source: 'GOVERNMENT_SUBSIDY', amountFen: 60_000n }, 'CONTRIBUTION', { BANK: 60_000n, GOVERNMENT_CAPITAL: -60_000n }],
    [{ event: 'CONTRIBUTION_RECEIVED', source: 'SHUANGDAO', amountFen: 100_000n }, 'CONTRIBUTION', { BANK: 100_000n, SHUANGDAO_CAPITAL: -100_000n }],
    [{ event: 'CONTRIBUTION_RETURNED', amountFen: 40_000n }, 'CONTRIBUTION_RETURN', { MEMBER_CONTRIBUTIONS: 40_000n, BANK: -40_000n }],
  ])('%o', (event, kind, want) => {
    const p = ledgerEventPosting(event);
    expect(p.txnKind).toBe(kind);
    expect(byAccount(p.lines)).toEqual(want);
    expect(net(p.lines)).toBe(0n);
  });

  it('the closed list names exactly the events with a posting', () => {
    // contributions post through ledgerEventPosting; allocations post two funds at once (allocationMade, allocationRepaid)
    expect([...LEDGER_EVENTS]).toEqual(['CONTRIBUTION_RECEIVED', 'CONTRIBUTION_RETURNED', 'ALLOCATION_MADE', 'ALLOCATION_REPAID', 'EXIT_RETURNED']);
  });
});

describe('splitFee', () => {
  const odd: FeeSplitPolicy = { splitRiskReserveBp: 3333, splitWelfareBp: 3333, splitManagementBp: 3333, splitCapitalBp: 1 };
  it.each<[string, bigint, FeeSplitPolicy]>([
    ['zero', 0n, policy],
    ['one fen', 1n, policy],
    ['odd amount', 1_001n, policy],
    ['odd amount', 9_999n, policy],
    ['large', 123_456_789n, policy],
    ['thirds', 10n, odd],
    ['thirds, odd amount', 7_777n, odd],
    ['all to the risk reserve', 999n, { splitRiskReserveBp: 10_000, splitWelfareBp: 0, splitManagementBp: 0, splitCapitalBp: 0 }],
    ['all to capital', 999n, { splitRiskReserveBp: 0, splitWelfareBp: 0, splitManagementBp: 0, splitCapitalBp: 10_000 }],
  ])('%s: %s fen parts sum to the fee, none negative', (_name, feeFen, p) => {
    const s = splitFee(feeFen, p);
    expect(s.riskReserveFen + s.welfareFen + s.managementFen + s.capitalFen).toBe(feeFen);
    for (const v of Object.values(s)) expect(v >= 0n).toBe(true);
  });

  it.each<[bigint, FeeSplitPolicy, [bigint, bigint, bigint, bigint]]>([
    [10_000n, policy, [3_000n, 1_000n, 2_000n, 4_000n]],
    [1_001n, policy, [300n, 100n, 200n, 401n]], // floored shares, remainder to retained capital
    [10n, odd, [3n, 3n, 3n, 1n]],
    [0n, policy, [0n, 0n, 0n, 0n]],
  ])('splitFee(%s) = %o', (feeFen, p, [r, w, m, c]) => {
    expect(splitFee(feeFen, p)).toEqual({ riskReserveFen: r, welfareFen: w, managementFen: m, capitalFen: c });
  });

  it('every fee from 0 to 500 fen splits exactly', () => {
    for (let f = 0n; f <= 500n; f++) {
      const s = splitFee(f, odd);
      expect(s.riskReserveFen + s.welfareFen + s.managementFen + s.capitalFen).toBe(f);
    }
  });
});

describe('reversal', () => {
  it.each<[string, Line[]]>([
    ['disbursement', disbursement(300_000n, 'BANK')],
    ['repayment', repayment(100_000n, fee(1_001n), 'CASH')],
    ['write-off', writeOff(5n)],
    ['empty', []],
  ])('negates every line of a %s and still balances', (_name, lines) => {
    const r = reversal(lines);
    expect(r).toEqual(lines.map((l) => ({ account: l.account, amountFen: -l.amountFen })));
    expect(net(r)).toBe(0n);
    // original plus reversal nets to zero per account
    const sum: Record<string, bigint> = {};
    for (const l of [...lines, ...r]) sum[l.account] = (sum[l.account] ?? 0n) + l.amountFen;
    for (const v of Object.values(sum)) expect(v).toBe(0n);
    expect(reversal(r)).toEqual(lines);
  });

  it('refuses to reverse an unbalanced set of lines', () => {
    expect(() => reversal([{ account: 'BANK', amountFen: 5n }])).toThrow(/unbalanced/);
  });
});

describe('assertBalanced', () => {
  it.each<[string, Line[], boolean]>([
    ['empty', [], true],
    ['balanced', [{ account: 'BANK', amountFen: 7n }, { account: 'CASH', amountFen: -7n }], true],
    ['balanced, three lines', [{ account: 'BANK', amountFen: 10n }, { account: 'CASH', amountFen: -3n }, { account: 'DONATIONS', amountFen: -7n }], true],
    ['debit short by 1 fen', [{ account: 'BANK', amountFen: 6n }, { account: 'CASH', amountFen: -7n }], false],
    ['single line', [{ account: 'BANK', amountFen: 1n }], false],
  ])('%s', (_name, lines, ok) => {
    if (ok) expect(() => assertBalanced(lines)).not.toThrow();
    else expect(() => assertBalanced(lines)).toThrow(/unbalanced posting/);
  });
});

describe('displayBalance', () => {
  it.each(ACCOUNT_NAMES.map((a) => [a, ACCOUNTS[a].normal] as const))('%s (%s normal side)', (account, normal) => {
    const sign = normal === 'DEBIT' ? 1n : -1n;
    expect(displayBalance(account, 1_234n)).toBe(sign * 1_234n);
    expect(displayBalance(account, -1_234n)).toBe(-sign * 1_234n);
    expect(displayBalance(account, 0n)).toBe(0n);
  });

  it('a capital account credited by a posting shows positive', () => {
    const b = byAccount(capitalInjection(15_000_000n, 'GOVERNMENT'));
    expect(displayBalance('GOVERNMENT_CAPITAL', b.GOVERNMENT_CAPITAL!)).toBe(15_000_000n);
    expect(displayBalance('BANK', b.BANK!)).toBe(15_000_000n);
  });
});

describe('moneyOnHand (lendableNow) / fundTotal (lendableFund)', () => {
  it.each<[string, Partial<Record<Account, bigint>>, bigint, bigint]>([
    ['empty books', {}, 0n, 0n],
    ['bank only', { BANK: 1_000n }, 1_000n, 1_000n],
    ['bank and cash', { BANK: 1_000n, CASH: 200n }, 1_200n, 1_200n],
    ['with loans out', { BANK: 1_000n, CASH: 200n, LOANS_RECEIVABLE: 5_000n }, 1_200n, 6_200n],
    ['capital and reserve accounts are ignored', { BANK: 1_000n, GOVERNMENT_CAPITAL: -6_000n, RISK_RESERVE: -300n, LOANS_RECEIVABLE: 5_300n }, 1_000n, 6_300n],
    ['loans only', { LOANS_RECEIVABLE: 700n }, 0n, 700n],
    ['lent through the union is still the fund\'s; borrowed money is on hand', { BANK: 1_000n, UNION_RECEIVABLE: 400n, UNION_PAYABLE: -300n }, 1_000n, 1_400n],
  ])('%s', (_name, balances, now, fund) => {
    expect(moneyOnHand(balances)).toBe(now);
    expect(fundTotal(balances)).toBe(fund);
  });

  it('a disbursement moves money from lendable-now into loans, the fund unchanged', () => {
    const books: Partial<Record<Account, bigint>> = {};
    for (const l of [...capitalInjection(1_000_000n, 'GOVERNMENT'), ...disbursement(300_000n, 'BANK')]) {
      books[l.account] = (books[l.account] ?? 0n) + l.amountFen;
    }
    expect(moneyOnHand(books)).toBe(700_000n);
    expect(fundTotal(books)).toBe(1_000_000n);
  });
});

describe('idleMoney', () => {
  it.each<[string, Partial<Record<Account, bigint>>, bigint, bigint]>([
    ['nothing kept, nothing promised', { BANK: 1_000n, CASH: 200n }, 0n, 1_200n],
    ['reserves are kept', { BANK: 1_000n, RISK_RESERVE: -300n, WELFARE_FUND: -50n, MANAGEMENT_FUND: -20n, RETAINED_CAPITAL: -400n }, 0n, 630n],
    ['approved loans are promised', { BANK: 1_000n, LOANS_RECEIVABLE: 9_000n }, 600n, 400n],
    ['never below zero', { BANK: 100n, RISK_RESERVE: -300n }, 0n, 0n],
  ])('%s', (_name, balances, committed, idle) => {
    expect(idleMoney(balances, committed)).toBe(idle);
  });
});

describe('reversal (红字冲销): the reason', () => {
  it.each<[string, string, string | undefined, string | undefined]>([
    ['a reason is trimmed', '  录入金额错误  ', undefined, '录入金额错误'],
    ['blank refused', '   ', 'INVALID_INPUT', undefined],
    ['empty refused', '', 'INVALID_INPUT', undefined],
    ['at the limit', '错'.repeat(REVERSAL_REASON_MAX), undefined, '错'.repeat(REVERSAL_REASON_MAX)],
    ['over the limit refused', '错'.repeat(REVERSAL_REASON_MAX + 1), 'INVALID_INPUT', undefined],
  ])('%s', (_n, reason, code, out) => {
    expect(errorOf(() => reversalReason(reason))?.code).toBe(code);
    if (out !== undefined) expect(reversalReason(reason)).toBe(out);
  });
});

describe('reversal: who may reverse what, along which route', () => {
  const base: ReversalRequest = { kind: 'CAPITAL', postedBy: 'county:1:a', reversesTxnId: null, reversedByTxnId: null, reverser: 'county:1:b', route: 'GENERIC' };
  it.each<[string, Partial<ReversalRequest>, string | undefined]>([
    ['capital by another officer', {}, undefined],
    ['a seeded or migrated posting (system poster)', { postedBy: 'system:seed' }, undefined],
    ['a reversal is never reversed', { kind: 'REVERSAL', reversesTxnId: '7' }, 'REVERSAL_NOT_REVERSIBLE'],
    ['reversing twice', { reversedByTxnId: '9' }, 'ALREADY_REVERSED'],
    ['the poster reverses its own', { reverser: 'county:1:a' }, 'SELF_REVERSAL'],
    ['a disbursement through the generic route', { kind: 'DISBURSEMENT' }, 'LOAN_POSTING_NEEDS_LOAN_REVERSAL'],
    ['a repayment through the generic route', { kind: 'REPAYMENT' }, 'LOAN_POSTING_NEEDS_LOAN_REVERSAL'],
    ['a write-off through the generic route', { kind: 'WRITE_OFF' }, 'LOAN_POSTING_NEEDS_LOAN_REVERSAL'],
    ['a contribution', { kind: 'CONTRIBUTION' }, 'CONTRIBUTION_POSTING_NOT_REVERSIBLE'],
    ['a contribution return', { kind: 'CONTRIBUTION_RETURN' }, 'CONTRIBUTION_POSTING_NOT_REVERSIBLE'],
    ['a repayment through reverseRepayment', { kind: 'REPAYMENT', route: 'REPAYMENT' }, undefined],
    ['reverseRepayment still refuses twice', { kind: 'REPAYMENT', route: 'REPAYMENT', reversedByTxnId: '9' }, 'ALREADY_REVERSED'],
    ['reverseRepayment still refuses the poster', { kind: 'REPAYMENT', route: 'REPAYMENT', reverser: 'county:1:a' }, 'SELF_REVERSAL'],
  ])('%s', (_n, o, code) => {
    expect(errorOf(() => checkReversal({ ...base, ...o }))?.code).toBe(code);
  });
  it('points a repayment to reverseRepayment, a disbursement nowhere', () => {
    expect(errorOf(() => checkReversal({ ...base, kind: 'REPAYMENT' }))?.details).toMatchObject({ use: 'reverseRepayment' });
    expect(errorOf(() => checkReversal({ ...base, kind: 'DISBURSEMENT' }))?.details).toMatchObject({ use: null });
  });
});

describe('reversal: the negation, never overdrawing money on hand', () => {
  const capital = capitalInjection(1_000_000n, 'GOVERNMENT');
  it.each<[string, Line[], Partial<Record<Account, bigint>>, string | undefined]>([
    ['capital still on hand', capital, { BANK: 1_000_000n, GOVERNMENT_CAPITAL: -1_000_000n }, undefined],
    ['capital partly lent out', capital, { BANK: 400_000n, LOANS_RECEIVABLE: 600_000n }, 'INSUFFICIENT_FUND'],
    ['a cash repayment whose cash went out again', repayment(50_000n, fee(1_000n), 'CASH'), { CASH: 10_000n }, 'INSUFFICIENT_FUND'],
    ['a bank repayment still in the bank', repayment(50_000n, fee(1_000n), 'BANK'), { BANK: 51_000n }, undefined],
    ['a posting that adds money back (a return reversed)', contribution('HOUSEHOLD_WITHDRAWAL', 40_000n), {}, undefined],
  ])('%s', (_n, lines, balances, code) => {
    expect(errorOf(() => reversalPosting(lines, balances))?.code).toBe(code);
    if (!code) expect(reversalPosting(lines, balances)).toEqual(reversal(lines));
  });
});

describe('reversal: the loan a reversed repayment restores', () => {
  const loan = { status: 'CLOSED', principalRepaidFen: 300_000n, feePaidFen: 9_000n };
  const rep = { principalFen: 200_000n, feeFen: 6_000n, isLatest: true };
  it.each<[string, Partial<typeof loan>, Partial<typeof rep>, string | undefined]>([
    ['a repaid (closed) loan opens again', {}, {}, undefined],
    ['a disbursed loan stays disbursed', { status: 'DISBURSED' }, {}, undefined],
    ['not the latest standing repayment', {}, { isLatest: false }, 'NOT_LATEST_REPAYMENT'],
    ['a written-off loan', { status: 'WRITTEN_OFF' }, {}, 'INVALID_TRANSITION'],
  ])('%s', (_n, l, r, code) => {
    expect(errorOf(() => loanAfterRepaymentReversal({ ...loan, ...l }, { ...rep, ...r }))?.code).toBe(code);
    if (!code) expect(loanAfterRepaymentReversal({ ...loan, ...l }, { ...rep, ...r })).toEqual({ status: 'DISBURSED', principalRepaidFen: 100_000n, feePaidFen: 3_000n });
  });
});

describe('allocations between cooperatives (有偿调剂)', () => {
  it('made: the lender\'s bank becomes a union receivable, the borrower\'s bank a union payable', () => {
    const m = allocationMade(500_000n);
    expect(byAccount(m.lender)).toEqual({ UNION_RECEIVABLE: 500_000n, BANK: -500_000n });
    expect(byAccount(m.borrower)).toEqual({ BANK: 500_000n, UNION_PAYABLE: -500_000n });
    // the lender's fund total does not shrink: the money is still its own
    expect(fundTotal(byAccount(m.lender))).toBe(0n);
  });
  it('repaid: the borrower pays principal and the whole fee, the lender gets principal and its part split into its four funds', () => {
    const r = allocationRepaid(100_000n, 1_000n, fee(701n));
    expect(net(r.borrower)).toBe(0n);
    expect(net(r.lender)).toBe(0n);
    expect(byAccount(r.borrower)).toEqual({ UNION_PAYABLE: 100_000n, ALLOCATION_FEE_EXPENSE: 1_000n, BANK: -101_000n });
    expect(byAccount(r.lender)).toMatchObject({ BANK: 100_701n, UNION_RECEIVABLE: -100_000n });
    const f = fee(701n);
    expect(byAccount(r.lender)).toMatchObject({ RISK_RESERVE: -f.riskReserveFen, WELFARE_FUND: -f.welfareFen, MANAGEMENT_FUND: -f.managementFen, RETAINED_CAPITAL: -f.capitalFen });
    // what the borrower paid less what the lender received is the union's part, outside both books
    expect(-byAccount(r.borrower).BANK! - byAccount(r.lender).BANK!).toBe(299n);
    expect(allocationRepaid(100_000n, 0n, fee(0n)).borrower.map((l) => l.account)).toEqual(['UNION_PAYABLE', 'BANK']);
  });
  it('the lender\'s part can never exceed the fee', () => {
    expect(() => allocationRepaid(1n, 10n, fee(11n))).toThrow(/cannot exceed/);
  });
  it.each(Object.values(ALLOCATION_POSTING_KINDS))('a %s posting is never reversed alone, on either route', (kind) => {
    for (const route of ['GENERIC', 'REPAYMENT'] as const) {
      expect(errorOf(() => checkReversal({ kind, postedBy: 'a', reversesTxnId: null, reversedByTxnId: null, reverser: 'b', route }))?.code).toBe('ALLOCATION_POSTING_NOT_REVERSIBLE');
    }
  });
});

describe('exit: the fund back to its households and its county', () => {
  // credit balances are negative
  const b = { BANK: 900_000n, MEMBER_CONTRIBUTIONS: -400_000n, GOVERNMENT_CAPITAL: -300_000n, SHUANGDAO_CAPITAL: -50_000n, RISK_RESERVE: -100_000n, RETAINED_CAPITAL: -50_000n, MANAGEMENT_FUND: 20_000n };
  it('counts what each side may recover; a debit balance recovers nothing', () => {
    expect(memberContributionsFen(b)).toBe(400_000n);
    expect(countyEquityFen(b)).toBe(500_000n);
    expect(memberContributionsFen({})).toBe(0n);
  });
  it.each<[string, bigint, bigint, [string, bigint][], [string, bigint][]]>([
    ['households only', 400_000n, 0n, [['MEMBER_CONTRIBUTIONS', 400_000n], ['BANK', -400_000n]], []],
    ['the county takes government capital first', 0n, 320_000n, [], [['GOVERNMENT_CAPITAL', 300_000n], ['SHUANGDAO_CAPITAL', 20_000n], ['BANK', -320_000n]]],
    ['then the reserves, in order', 100n, 500_000n, [['MEMBER_CONTRIBUTIONS', 100n], ['BANK', -100n]],
      [['GOVERNMENT_CAPITAL', 300_000n], ['SHUANGDAO_CAPITAL', 50_000n], ['RISK_RESERVE', 100_000n], ['RETAINED_CAPITAL', 50_000n], ['BANK', -500_000n]]],
    ['nothing', 0n, 0n, [], []],
  ])('%s', (_n, h, c, households, county) => {
    const out = exitReturned(h, c, b);
    expect(out.households.map((l) => [l.account, l.amountFen])).toEqual(households);
    expect(out.county.map((l) => [l.account, l.amountFen])).toEqual(county);
    for (const lines of [out.households, out.county]) assertBalanced(lines);
  });
  it.each(Object.values(EXIT_POSTING_KINDS))('a %s posting is never reversed alone, on either route', (kind) => {
    for (const route of ['GENERIC', 'REPAYMENT'] as const) {
      expect(errorOf(() => checkReversal({ kind, postedBy: 'a', reversesTxnId: null, reversedByTxnId: null, reverser: 'b', route }))?.code).toBe('EXIT_POSTING_NOT_REVERSIBLE');
    }
  });
  it('never more than the fund holds for a side', () => {
    expect(() => exitReturned(400_001n, 0n, b)).toThrow(/more than the fund holds/);
    expect(() => exitReturned(0n, 500_001n, b)).toThrow(/more than the fund holds/);
  });
});
