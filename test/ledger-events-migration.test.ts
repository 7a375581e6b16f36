import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { openDatabase } from '../subgraphs/lib/db';
import { loansMigrations } from '../subgraphs/loans/migrations';
import { BACKFILL_POSTER } from '../subgraphs/loans/migrations/Migration0007LedgerEvents';
import { volumeMismatchSql } from '../subgraphs/loans/ledger.service';

/**
 * Migration0007LedgerEvents on books written before it: migrations up to 0006, rows as the old
 * writers and the old seed left them, then 0007. Every transaction gets a unique event ref
 * (repayments matched to their repayment rows, identical ones in id order, an unmatched one a
 * fallback), the system poster, and volumes that equal a rescan of the lines.
 */
let url: string;
let c: Client;

beforeAll(async () => {
  const admin = new Client({ connectionString: `${process.env.TEST_PG_URL}/postgres` });
  await admin.connect();
  const db = `t_${randomBytes(4).toString('hex')}_mig7`;
  await admin.query(`create database ${db}`);
  await admin.end();
  url = `${process.env.TEST_PG_URL}/${db}`;
  const before = loansMigrations.slice(0, loansMigrations.findIndex((m) => m.name === 'Migration0007LedgerEvents'));
  await (await openDatabase({ url, entities: [], migrations: before, poolMax: 1 })).close(true);
  c = new Client({ connectionString: url });
  await c.connect();
  await c.query(`insert into fund (cooperative_id, county_id, township_id) values (1, 1, 11)`);
  await c.query(`insert into loan (id, cooperative_id, county_id, township_id, member_id, borrower_name, amount_fen, fee_rate_bp, term_months, repayment_mode,
      purpose, status, is_first_loan, requested_by, applied_on, disbursed_on) values
      (7, 1, 1, 11, 70, '马成林', 300000, 600, 12, 'MONTHLY', 'SHEEP', 'DISBURSED', true, 'board:1', '2024-01-01', '2024-01-05')`);
  // two identical repayments on one day (interchangeable), one other
  await c.query(`insert into repayment (id, loan_id, cooperative_id, member_id, paid_on, principal_fen, fee_fen, channel) values
      (21, 7, 1, 70, '2024-02-05', 25000, 1000, 'BANK'), (22, 7, 1, 70, '2024-02-05', 25000, 1000, 'BANK'), (23, 7, 1, 70, '2024-03-05', 25000, 900, 'BANK')`);
  const txn = async (id: number, kind: string, on: string, refType: string | null, refId: string | null, lines: [string, number][]) => {
    await c.query(`insert into ledger_txn (id, cooperative_id, kind, occurred_on, memo, ref_type, ref_id) values ($1, 1, $2, $3, 'm', $4, $5)`, [id, kind, on, refType, refId]);
    for (const [a, v] of lines) {
      await c.query(`insert into ledger_line (txn_id, cooperative_id, account, amount_fen) values ($1, 1, $2, $3)`, [id, a, v]);
      await c.query(`insert into fund_balance (cooperative_id, account, balance_fen) values (1, $1, $2)
                      on conflict (cooperative_id, account) do update set balance_fen = fund_balance.balance_fen + excluded.balance_fen`, [a, v]);
    }
  };
  await txn(1, 'CAPITAL', '2024-01-01', 'cooperative', '1', [['BANK', 1_000_000], ['GOVERNMENT_CAPITAL', -1_000_000]]);
  await txn(2, 'CAPITAL', '2024-01-02', 'capital', 'cap-key', [['BANK', 50_000], ['DONATIONS', -50_000]]);
  await txn(3, 'DISBURSEMENT', '2024-01-05', 'loan', '7', [['LOANS_RECEIVABLE', 300_000], ['BANK', -300_000]]);
  const rep = (fee: number): [string, number][] => [['BANK', 25_000 + fee], ['LOANS_RECEIVABLE', -25_000], ['RETAINED_CAPITAL', -fee]];
  await txn(4, 'REPAYMENT', '2024-02-05', 'loan', '7', rep(1000));
  await txn(5, 'REPAYMENT', '2024-02-05', 'loan', '7', rep(1000));
  await txn(6, 'REPAYMENT', '2024-03-05', 'loan', '7', rep(900));
  await txn(7, 'REPAYMENT', '2024-04-05', 'loan', '7', rep(800)); // no repayment row: fallback
  await txn(8, 'CONTRIBUTION', '2024-01-03', 'contribution', 'contribution:5', [['BANK', 40_000], ['MEMBER_CONTRIBUTIONS', -40_000]]);
  await txn(9, 'CONTRIBUTION', '2024-01-03', 'contribution', '6', [['BANK', 40_000], ['MEMBER_CONTRIBUTIONS', -40_000]]);
  await txn(10, 'CONTRIBUTION_RETURN', '2024-05-03', 'contribution', 'contribution:5', [['MEMBER_CONTRIBUTIONS', 40_000], ['BANK', -40_000]]);
  await txn(11, 'WRITE_OFF', '2024-06-01', 'loan', '7', [['RETAINED_CAPITAL', 1_000], ['LOANS_RECEIVABLE', -1_000]]);
  await txn(12, 'WRITE_OFF', '2024-06-02', 'loan', '7', [['RETAINED_CAPITAL', 1_000], ['LOANS_RECEIVABLE', -1_000]]); // a repeat: suffixed
  await c.query(`select setval(pg_get_serial_sequence('ledger_txn', 'id'), 100)`);
  await (await openDatabase({ url, entities: [], migrations: loansMigrations, poolMax: 1 })).close(true);
});
afterAll(() => c?.end());

it('fills a unique event ref for every transaction, deterministically', async () => {
  const rows = (await c.query(`select id::int, event_ref, posted_by from ledger_txn order by id`)).rows;
  expect(rows.map((r) => r.event_ref)).toEqual([
    'capital:txn-1', 'capital:cap-key', 'disbursement:7', 'repayment:21', 'repayment:22', 'repayment:23', 'repayment:txn-7',
    'contribution:5', 'contribution:6', 'contribution-return:5', 'write-off:7', 'write-off:7:txn-12',
  ]);
  expect(new Set(rows.map((r) => r.posted_by))).toEqual(new Set([BACKFILL_POSTER]));
  await expect(c.query(`insert into ledger_txn (cooperative_id, kind, occurred_on, memo, event_ref, posted_by) values (1, 'X', '2024-07-01', 'm', 'repayment:21', 't')`))
    .rejects.toThrow(/ledger_txn_event_ref/);
  await expect(c.query(`insert into ledger_txn (cooperative_id, kind, occurred_on, memo, posted_by) values (1, 'X', '2024-07-01', 'm', 't')`)).rejects.toThrow(/event_ref/);
});

it('backfills the volumes: they equal a rescan of the lines, balance = debits - credits', async () => {
  expect((await c.query(volumeMismatchSql('null::int[]'))).rows).toEqual([]);
  const bank = (await c.query(`select balance_fen::int b, debit_fen::int d, credit_fen::int cr from fund_balance where account = 'BANK'`)).rows[0];
  expect(bank).toEqual({ d: 1_000_000 + 50_000 + 26_000 + 26_000 + 25_900 + 25_800 + 80_000, cr: 340_000, b: bank.d - bank.cr });
  expect((await c.query(`select count(*)::int n from repayment where reversed_txn_id is not null`)).rows[0].n).toBe(0);
});
