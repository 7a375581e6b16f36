import { readPathOf, sqlStats } from '../subgraphs/lib/db';
import { ReadPath, readPathOptions, readPathStats } from '../subgraphs/lib/read-path';
import { REGISTRY } from '../subgraphs/registry';
import { addGroup, addMembers, createWorld, inject, loanThrough, tokens, WORLD } from './fixtures';
import { ok } from './support/expect';
import { operation } from './support/operations';
import { startStack, type Stack } from './support/stack';

/**
 * The read path (lib/read-path): reads outside write transactions go as named prepared statements on
 * a pool of their own, prepared once per connection, and every subgraph's reads take it.
 */
let stack: Stack;
let t: Awaited<ReturnType<typeof tokens>>;
let member: number;
afterAll(() => stack?.stop());

beforeAll(async () => {
  stack = await startStack();
  await createWorld(stack);
  t = await tokens(stack);
  const ms = await addMembers(stack, WORLD.coopA, [{ name: '马有福' }, { name: '杨秀兰' }, { name: '丁文斌' }, { name: '海玉梅' }, { name: '白志强' }]);
  member = ms[0]!;
  await addGroup(stack, WORLD.coopA, ms);
  await inject(stack, t.county1, WORLD.coopA, 10_000_000n, 'cap-rp');
  await loanThrough(stack, t, { coop: WORLD.coopA, member: member!, amount: '300000', on: '2024-01-10', term: 6, key: 'RP1' });
});

describe('one pool, one preparation per statement and connection', () => {
  let rp: ReadPath;
  beforeAll(() => {
    rp = new ReadPath({ url: stack.urls.loans!, min: 1, max: 2, idleTimeoutMillis: 60_000, planCacheMode: 'force_generic_plan' });
  });
  afterAll(() => rp.close());

  it('prepares a statement at most once on each connection, however often it runs, and PostgreSQL then keeps its plan', async () => {
    const sql = 'select count(*)::int n from loan where cooperative_id = ? and status = ?';
    const before = readPathStats.prepares;
    for (let round = 0; round < 10; round++) {
      const rows = await Promise.all([1, 2, 3].map(() => rp.query<{ n: number }>(sql, [WORLD.coopA, 'DISBURSED'])));
      for (const r of rows) expect(r).toEqual([{ n: 1 }]);
    }
    expect(rp.size).toBeLessThanOrEqual(2);
    expect(readPathStats.prepares - before).toBeLessThanOrEqual(2);
    expect(readPathStats.prepares - before).toBeGreaterThanOrEqual(1);
    // PostgreSQL's own view of the session: the statement once, executed many times, on its generic plan from the first
    const prepared = await rp.query<{ statement: string; generic_plans: string; custom_plans: string }>(
      `select statement, generic_plans::text, custom_plans::text from pg_prepared_statements where statement like '%from loan where cooperative_id = $1%' and statement not like '%pg_prepared_statements%'`,
    );
    expect(prepared).toHaveLength(1);
    expect(Number(prepared[0]!.custom_plans)).toBe(0);
    expect(Number(prepared[0]!.generic_plans)).toBeGreaterThanOrEqual(10);
  });

  it("runs every subgraph's read connections on generic plans, and refuses a plan mode PostgreSQL does not have", async () => {
    for (const name of REGISTRY.map((d) => d.name)) {
      const rows = await readPathOf(stack.subgraphs[name]!.orm).query<{ mode: string }>(`select current_setting('plan_cache_mode') "mode"`);
      expect(rows).toEqual([{ mode: 'force_generic_plan' }]);
    }
    const saved = process.env.READ_PLAN_CACHE_MODE;
    try {
      process.env.READ_PLAN_CACHE_MODE = 'auto';
      expect(readPathOptions('postgres://x').planCacheMode).toBe('auto');
      process.env.READ_PLAN_CACHE_MODE = "auto'; drop table loan; --";
      expect(() => readPathOptions('postgres://x')).toThrow(/READ_PLAN_CACHE_MODE must be one of/);
    } finally {
      if (saved === undefined) delete process.env.READ_PLAN_CACHE_MODE;
      else process.env.READ_PLAN_CACHE_MODE = saved;
    }
  });

  it('gives rows as the ORM does: dates and timestamps as text, bigints as text, integers as numbers, arrays parsed', async () => {
    const sql = `select 7::int i, 9007199254740993::bigint b, '2024-01-10'::date d, '2024-01-10 08:00:00+08'::timestamptz ts,
      '{2024-01-10,2024-02-10}'::date[] ds, '{1,2}'::int[] is, true t, null::text n, '{"a":1}'::jsonb j`;
    const viaOrm = await readPathOf(stack.subgraphs.loans!.orm).query(sql);
    const viaEm = await stack.subgraphs.loans!.orm.em.fork().execute(sql);
    expect(viaOrm).toEqual(viaEm);
    expect(viaOrm[0]).toMatchObject({ i: 7, b: '9007199254740993', d: '2024-01-10', ds: ['2024-01-10', '2024-02-10'], is: [1, 2], t: true, n: null, j: { a: 1 } });
  });

  it('refuses a call whose parameters do not match its placeholders, and a bad statement leaves the connection usable', async () => {
    await expect(rp.query('select ?::int', [])).rejects.toThrow(/1 placeholders but 0 parameters/);
    await expect(rp.query('select ?::int x', ['not a number'])).rejects.toMatchObject({ code: '22P02' });
    expect(await rp.query('select ?::int x', [3])).toEqual([{ x: 3 }]);
  });
});

describe('every subgraph reads through it', () => {
  const variables = (name: string): object => ({
    MemberDetail: { memberId: String(member), asOf: '2024-08-15' },
    CooperativeDetail: { cooperativeId: String(WORLD.coopA), asOf: '2024-08-15', first: 10 },
    CountyDashboard: { countyId: String(WORLD.county1), asOf: '2024-08-15' },
  })[name]!;

  it.each(['MemberDetail', 'CooperativeDetail', 'CountyDashboard'])('%s: every statement of a repeated request is a read-path statement', async (name) => {
    const p = { name, variables: variables(name) };
    ok(await stack.gql(operation(p.name), p.variables, t.county1)); // the first may fill the snapshot cache, a write
    const statements = sqlStats.statements;
    const reads = readPathStats.reads;
    ok(await stack.gql(operation(p.name), p.variables, t.county1));
    expect(sqlStats.statements - statements).toBeGreaterThan(0);
    expect(readPathStats.reads - reads).toBe(sqlStats.statements - statements);
  });

  it('every subgraph of the registry answered those pages from its read path', async () => {
    const before = Object.fromEntries(REGISTRY.map((d) => [d.name, readPathOf(stack.subgraphs[d.name]!.orm).reads]));
    for (const name of ['MemberDetail', 'CooperativeDetail', 'CountyDashboard']) ok(await stack.gql(operation(name), variables(name), t.county1));
    // the union subgraph is on no dashboard yet: its own list
    ok(await stack.gql(`{ cooperativeUnions { totalCount } }`, {}, t.county1));
    for (const d of REGISTRY) expect({ [d.name]: readPathOf(stack.subgraphs[d.name]!.orm).reads - before[d.name]! > 0 }).toEqual({ [d.name]: true });
  });

  it('each subgraph keeps its idle minimum open from start-up', () => {
    for (const def of REGISTRY) expect(readPathOf(stack.subgraphs[def.name]!.orm).size).toBeGreaterThanOrEqual(readPathOf(stack.subgraphs[def.name]!.orm).options.min);
  });
});
