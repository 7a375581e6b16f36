import { Client } from 'pg';
import { openDatabase } from '../subgraphs/lib/db';
import { loansMigrations } from '../subgraphs/loans/migrations';
import { PURPOSES } from '../demo/names';
import { PURPOSES_BY_PROFILE } from '../demo/region';
import { purposeOfText, purposeOfTextSql } from '../subgraphs/loans/purpose.rules';

/** The migration classifies existing loans in SQL; it must agree with the rule the seed and tests use. */
it('purposeOfTextSql agrees with purposeOfText on every text the seed draws and on edge cases', async () => {
  const texts = [
    ...new Set([...PURPOSES, ...Object.values(PURPOSES_BY_PROFILE).flat()].map(([t]) => t)),
    '看病', '', "it's 羊", '羊牛鸡', '运输农机', '购买饲料喂牛',
  ];
  const c = new Client({ connectionString: `${process.env.TEST_PG_URL}/postgres` });
  await c.connect();
  try {
    const r = await c.query<{ t: string; p: string }>(`select t, ${purposeOfTextSql('t')} p from unnest($1::text[]) t`, [texts]);
    expect(Object.fromEntries(r.rows.map((x) => [x.t, x.p]))).toEqual(Object.fromEntries(texts.map((t) => [t, purposeOfText(t)])));
  } finally {
    await c.end();
  }
});

it('the migration moves existing loans onto the closed list and keeps their text as the note', async () => {
  const admin = new Client({ connectionString: `${process.env.TEST_PG_URL}/postgres` });
  await admin.connect();
  const db = `t_purpose_${process.pid}`;
  await admin.query(`create database ${db}`);
  await admin.end();
  const url = `${process.env.TEST_PG_URL}/${db}`;
  const before = loansMigrations.slice(0, loansMigrations.findIndex((m) => m.name === 'Migration0003Privacy'));
  await (await openDatabase({ url, entities: [], migrations: before, poolMax: 1 })).close(true);
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`insert into fund (cooperative_id, county_id, township_id) values (1, 1, 11)`);
    for (const [i, text] of ['滩羊养殖', '运输经营', '给孩子看病'].entries()) {
      await c.query(
        `insert into loan (cooperative_id, county_id, township_id, member_id, borrower_name, amount_fen, fee_rate_bp, term_months, repayment_mode,
                           purpose, status, is_first_loan, requested_by, applied_on)
         values (1, 1, 11, $1, '马万福', 100000, 600, 12, 'BULLET', $2, 'APPLIED', true, 'board:1', '2024-03-01')`,
        [i + 1, text],
      );
    }
    await (await openDatabase({ url, entities: [], migrations: loansMigrations, poolMax: 1 })).close(true);
    const r = await c.query(`select purpose, purpose_note from loan order by member_id`);
    expect(r.rows).toEqual([
      { purpose: 'SHEEP', purpose_note: '滩羊养殖' },
      { purpose: 'TRANSPORT', purpose_note: '运输经营' },
      { purpose: 'OTHER', purpose_note: '给孩子看病' },
    ]);
    await expect(c.query(`update loan set purpose = '滩羊养殖'`)).rejects.toThrow(/loan_purpose_known/);
  } finally {
    await c.end();
  }
});
