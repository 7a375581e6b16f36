import { seedCounty } from '../demo';
import { sqlStats } from '../subgraphs/lib/db';
import { withSql } from './fixtures';
import { expectCode, ok } from './support/expect';
import { startStack, type Stack } from './support/stack';

/**
 * Issue 14, ratings (动态评级) on the demo county: the seed's four quarters rated again give the same records; the
 * indicators are the foundation's own figures on the period's end; an inspection in the period
 * decides its two points, its absence is "no data" (B at best), never a zero; an override keeps
 * both classes and the reason; a county's own thresholds; every refusal; who reads ratings.
 */
jest.setTimeout(120_000);

let stack: Stack;
let county: string;
afterAll(() => stack?.stop());
beforeAll(async () => {
  stack = await startStack();
  await seedCounty(stack.urls);
  county = await stack.token({ sub: 'county:1:rater', role: 'COUNTY', counties: [1] });
});

const Q3 = { kind: 'QUARTER', year: 2026, quarter: 3 };
const RATING = `id periodKind periodStart periodEnd ratingClass computedClass overrideReason score inspectionId cooperative { id }
  indicators { name valueBp passed missing ratingClass } thresholds { source failedPointClass missingClass bounds { name a b c lowerIsBetter } }`;
const RATE = `mutation($i: RateCountyInput!) { rateCounty(input: $i) { countyId periodStart periodEnd counts { ratingClass count } ranking { ${RATING} } } }`;
const COUNTY_RATINGS = `query($c: ID!, $p: RatingPeriodInput!) { countyRatings(countyId: $c, period: $p) { counts { ratingClass count } ranking { cooperative { id } ratingClass score } } }`;
const OVERRIDE = `mutation($i: OverrideRatingInput!) { overrideRating(input: $i) { ${RATING} } }`;
const rate = (period: object = Q3, token = county, countyId = '1') => stack.gql(RATE, { i: { countyId, period } }, token);
/** The stored records without ids and timestamps. */
const records = () => withSql(stack.urls.union!, async (c) => (await c.query(
  `select cooperative_id, period_kind, period_start::text, period_end::text, indicators, indicator_classes, missing, thresholds, thresholds_source,
          inspection_id, computed_class, score, rating_class, override_reason from rating order by cooperative_id, period_kind, period_start`)).rows);

let first: any;

it('the seed\'s four quarters are what rateCounty computes: rated again they give the same records; no inspection in the period is no data for its two points, never a zero', async () => {
  const seeded = await records();
  const quarters = [...new Set(seeded.map((r: any) => r.period_start))];
  expect(quarters).toEqual(['2025-10-01', '2026-01-01', '2026-04-01', '2026-07-01']);
  for (const start of quarters) {
    const [year, month] = start.split('-').map(Number);
    const r = ok(await rate({ kind: 'QUARTER', year, quarter: (month! - 1) / 3 + 1 })).rateCounty;
    if (start === '2026-07-01') first = r;
  }
  expect(await records()).toEqual(seeded);
  expect(first).toMatchObject({ countyId: '1', periodStart: '2026-07-01', periodEnd: '2026-09-30' });
  const n = first.ranking.length;
  expect(n).toBeGreaterThanOrEqual(40);
  expect(first.ranking.map((r: any) => r.cooperative.id)).not.toContain('22'); // 二步坑村 exited
  expect(first.counts.reduce((s: number, c: any) => s + c.count, 0)).toBe(n);
  // the demo's funds are not all alike: most sound, some weak
  const by = Object.fromEntries(first.counts.map((c: any) => [c.ratingClass, c.count]));
  expect(by.B).toBeGreaterThan(n / 3);
  expect(by.C + by.D).toBeGreaterThan(0);
  // in the four quarters some cooperatives were not inspected: no data, B at best ("no evidence, no A")
  const uninspected = seeded.filter((r: any) => r.inspection_id === null);
  expect(uninspected.length).toBeGreaterThan(5);
  for (const r of uninspected) {
    expect([r.indicators.bankOnly, r.indicators.disclosureTimely, r.indicator_classes.bankOnly, r.indicator_classes.disclosureTimely]).toEqual([null, null, 'B', 'B']);
    expect(r.missing).toEqual(expect.arrayContaining(['bankOnly', 'disclosureTimely']));
    expect(r.computed_class).not.toBe('A');
  }
  for (const r of first.ranking) {
    expect(r.indicators.map((i: any) => i.name)).toEqual(['repaymentRateBp', 'parBp', 'utilisationBp', 'poorMemberShareBp', 'poorBorrowerShareBp', 'insuranceCoverageBp', 'bankOnly', 'disclosureTimely']);
    expect(r.thresholds.source).toBe('DEFAULT');
  }
  // ranked: class, then score
  const order = first.ranking.map((r: any) => 'ABCD'.indexOf(r.ratingClass) * 100_000 - (r.score ?? -1));
  expect([...order].sort((a, b) => a - b)).toEqual(order);
});

it('reads the foundation\'s own figures on the period\'s end', async () => {
  const r = first.ranking.find((x: any) => x.cooperative.id === '20');
  const p = ok(await stack.gql(`{ cooperative(id: "20") { memberCount portfolio(asOf: "2026-09-30") { repaymentRateBp parBp utilisationBp } } }`, {}, county)).cooperative.portfolio;
  const value = (name: string) => r.indicators.find((i: any) => i.name === name).valueBp;
  expect([value('repaymentRateBp'), value('parBp'), value('utilisationBp')]).toEqual([p.repaymentRateBp, p.parBp, p.utilisationBp]);
  // registered-poor share of the members on that day, counted in members' own tables
  const m = await withSql(stack.urls.members, async (c) => (await c.query(
    `select count(*) filter (where s.status = 'REGISTERED_POOR')::int poor, count(*)::int n from member m
       cross join lateral (select p.status from poverty_status_change p where p.member_id = m.id and p.effective_on <= date '2026-09-30' order by p.effective_on desc, p.id desc limit 1) s
      where m.cooperative_id = 20 and m.joined_on <= date '2026-09-30' and (m.left_on is null or m.left_on > date '2026-09-30')`)).rows[0]);
  expect(value('poorMemberShareBp')).toBe(Math.round((m.poor * 10_000) / m.n));
});

it('gives identical records when rated again from the same data, in a fixed number of statements', async () => {
  const before = await records();
  const n0 = sqlStats.statements;
  ok(await rate());
  const statements = sqlStats.statements - n0;
  expect(await records()).toEqual(before);
  // a few per subgraph (loans: the funds, their figures, the borrowers; members: one; the union: thresholds, inspections,
  // the one write with its audit, the read-back), none per cooperative: 47 of them here
  expect(statements).toBe(11);
});

it('an inspection in the period decides its points; an override keeps both classes and the reason, also through a new rating', async () => {
  const union = await stack.token({ sub: 'union:1:officer', role: 'UNION', union: 1 });
  ok(await stack.gql(`mutation($i: RecordInspectionInput!) { recordInspection(input: $i) { id } }`, { i: {
    cooperativeId: '20', inspectedOn: '2026-09-29', summary: '三季度检查 / third-quarter inspection', // after the seed's own of the quarter: the period's latest
    findings: [{ point: 'BANK_ONLY', passed: true, note: '' }, { point: 'DISCLOSURE_UP_TO_DATE', passed: false, note: '公示栏停留在二季度' }],
  } }, union));
  const again = ok(await rate()).rateCounty;
  const r20 = again.ranking.find((x: any) => x.cooperative.id === '20');
  expect(r20.indicators.filter((i: any) => i.name === 'bankOnly' || i.name === 'disclosureTimely')).toEqual([
    { name: 'bankOnly', valueBp: null, passed: true, missing: false, ratingClass: 'A' },
    { name: 'disclosureTimely', valueBp: null, passed: false, missing: false, ratingClass: 'C' },
  ]);
  expect(['C', 'D']).toContain(r20.computedClass);
  expect(r20.inspectionId).not.toBeNull();
  const target = r20.computedClass === 'C' ? 'B' : 'C';
  const o = ok(await stack.gql(OVERRIDE, { i: { ratingId: r20.id, ratingClass: target, reason: '公示栏已于10月初更新,经县扶贫办复核 / board updated in early October' } }, county)).overrideRating;
  expect(o).toMatchObject({ ratingClass: target, computedClass: r20.computedClass, overrideReason: '公示栏已于10月初更新,经县扶贫办复核 / board updated in early October' });
  const third = ok(await rate()).rateCounty.ranking.find((x: any) => x.cooperative.id === '20');
  expect(third).toMatchObject({ ratingClass: target, computedClass: r20.computedClass, overrideReason: o.overrideReason });
  const trail = await withSql(stack.urls.union!, async (c) => (await c.query(`select actor, before, after from audit_log where action = 'overrideRating'`)).rows);
  expect(trail).toEqual([{ actor: 'county:1:rater', before: { ratingClass: r20.computedClass, overrideReason: null }, after: { ratingClass: target, overrideReason: o.overrideReason, computedClass: r20.computedClass } }]);
  // the cooperative's rating in force, and its history
  const c = ok(await stack.gql(`{ cooperative(id: "20") { rating { ratingClass computedClass periodEnd } ratings { totalCount } } }`, {}, county)).cooperative;
  expect(c).toEqual({ rating: { ratingClass: target, computedClass: r20.computedClass, periodEnd: '2026-09-30' }, ratings: { totalCount: 4 } });
});

it('a county\'s own thresholds are used by its next rating and kept on each record', async () => {
  const bounds = [
    { name: 'repaymentRateBp', a: 9_000, b: 8_000, c: 7_000 }, { name: 'parBp', a: 500, b: 1_000, c: 2_000 },
    { name: 'utilisationBp', a: 5_000, b: 3_000, c: 1_000 }, { name: 'poorMemberShareBp', a: 2_000, b: 1_000, c: 500 },
    { name: 'poorBorrowerShareBp', a: 2_000, b: 1_000, c: 500 }, { name: 'insuranceCoverageBp', a: 8_000, b: 6_000, c: 4_000 },
  ];
  const SET = `mutation($i: SetRatingThresholdsInput!) { setRatingThresholds(input: $i) { source missingClass } }`;
  const set = (extra: object = {}, token = county) => stack.gql(SET, { i: { countyId: '1', bounds, failedPointClass: 'C', missingClass: 'B', documentNo: '盐扶发〔2026〕40号', ...extra } }, token);
  expectCode(await set({ bounds: [...bounds.slice(1), { name: 'repaymentRateBp', a: 7_000, b: 8_000, c: 9_000 }] }), 'RATING_THRESHOLDS_INVALID');
  expectCode(await set({ bounds: bounds.slice(1) }), 'RATING_THRESHOLDS_INVALID');
  expectCode(await set({}, await stack.token({ sub: 'county:2', role: 'COUNTY', counties: [2] })), 'OUT_OF_SCOPE');
  expect(ok(await set()).setRatingThresholds).toEqual({ source: 'COUNTY', missingClass: 'B' });
  const q2 = ok(await rate({ kind: 'QUARTER', year: 2026, quarter: 2 })).rateCounty;
  expect(q2.ranking.every((r: any) => r.thresholds.source === 'COUNTY' && r.thresholds.bounds[0].a === 9_000)).toBe(true);
  // the third quarter's records keep the defaults they were computed with
  const q3 = ok(await stack.gql(`query { countyRatings(countyId: "1", period: { kind: QUARTER, year: 2026, quarter: 3 }) { ranking { thresholds { source } } } }`, {}, county)).countyRatings;
  expect(q3.ranking.every((r: any) => r.thresholds.source === 'DEFAULT')).toBe(true);
});

it('refuses with a code and writes nothing: a period not ended, a bad period, an override without reason or to the same class, the wrong role or county', async () => {
  const before = await records();
  expectCode(await rate({ kind: 'QUARTER', year: 2026, quarter: 4 }), 'RATING_PERIOD_NOT_ENDED');
  expectCode(await rate({ kind: 'YEAR', year: 2026 }), 'RATING_PERIOD_NOT_ENDED');
  expectCode(await rate({ kind: 'QUARTER', year: 2026, quarter: 5 }), 'RATING_PERIOD_INVALID');
  expectCode(await rate({ kind: 'YEAR', year: 2025, quarter: 1 }), 'RATING_PERIOD_INVALID');
  expectCode(await rate(Q3, await stack.token({ sub: 'county:2', role: 'COUNTY', counties: [2] })), 'OUT_OF_SCOPE');
  expectCode(await rate(Q3, await stack.token({ sub: 'board:20', role: 'COOPERATIVE', cooperatives: [20] })), 'FORBIDDEN');
  expectCode(await rate(Q3, await stack.token({ sub: 'union:1', role: 'UNION', union: 1 })), 'FORBIDDEN');
  const any = first.ranking[0];
  expectCode(await stack.gql(OVERRIDE, { i: { ratingId: any.id, ratingClass: any.computedClass === 'A' ? 'B' : 'A', reason: '情况特殊' } }, county), 'RATING_OVERRIDE_REASON_REQUIRED');
  expectCode(await stack.gql(OVERRIDE, { i: { ratingId: any.id, ratingClass: any.computedClass, reason: '县扶贫办复核后维持原评级结果' } }, county), 'RATING_OVERRIDE_SAME_CLASS');
  expectCode(await stack.gql(OVERRIDE, { i: { ratingId: '999999', ratingClass: 'A', reason: '县扶贫办复核后维持原评级结果' } }, county), 'NOT_FOUND');
  expectCode(await stack.gql(OVERRIDE, { i: { ratingId: any.id, ratingClass: 'A', reason: '县扶贫办复核后维持原评级结果' } }, await stack.token({ sub: 'county:2', role: 'COUNTY', counties: [2] })), 'OUT_OF_SCOPE');
  expect(await records()).toEqual(before);
});

it('who reads ratings: the county, a union its members, a board its own, a household its cooperative\'s; at the union subgraph too', async () => {
  const seen = async (token: string) => ok(await stack.gql(COUNTY_RATINGS, { c: '1', p: Q3 }, token)).countyRatings.ranking.map((r: any) => r.cooperative.id);
  const all = await seen(county);
  expect(all.length).toBe(first.ranking.length);
  // union 2 is 大水坑镇's: its six villages only
  const township = await seen(await stack.token({ sub: 'union:2', role: 'UNION', union: 2 }));
  expect(township.map(Number).sort((a: number, b: number) => a - b)).toEqual([7, 8, 9, 10, 11, 12]);
  expect(await seen(await stack.token({ sub: 'board:20', role: 'COOPERATIVE', cooperatives: [20] }))).toEqual(['20']);
  expect(await seen(await stack.token({ sub: 'county:2', role: 'COUNTY', counties: [2] }))).toEqual([]);
  const household = await stack.token({ sub: 'member:2476', role: 'MEMBER', member: 2476, cooperatives: [20] });
  const own = ok(await stack.gql(`{ cooperative(id: "20") { rating { ratingClass } } }`, {}, household)).cooperative;
  expect(own.rating).not.toBeNull();
  expectCode(await stack.gql(RATE, { i: { countyId: '1', period: Q3 } }, household), 'FORBIDDEN');
  const ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Cooperative { id rating { ratingClass } } } }`;
  const reps = [{ __typename: 'Cooperative', id: '20' }, { __typename: 'Cooperative', id: '8' }];
  const direct = async (token: string) => ok(await stack.subgraphGql('union', ENTITIES, { r: reps }, token))._entities.map((e: any) => e.rating !== null);
  expect(await direct(county)).toEqual([true, true]);
  expect(await direct(await stack.token({ sub: 'union:2', role: 'UNION', union: 2 }))).toEqual([false, true]);
  expect(await direct(await stack.token({ sub: 'board:20', role: 'COOPERATIVE', cooperatives: [20] }))).toEqual([true, false]);
  expect(await direct(household)).toEqual([true, false]);
});

it('a union\'s ranking (考核评比): its current members\' ratings in the county\'s order, one statement for every union asked', async () => {
  const RANKING = `query($p: RatingPeriodInput!) { cooperativeUnions(countyId: "1") { edges { node { id ranking(period: $p) { cooperative { id } ratingClass score } } } } }`;
  const n0 = sqlStats.statements;
  const unions = ok(await stack.gql(RANKING, { p: Q3 }, county)).cooperativeUnions.edges.map((e: any) => e.node);
  const statements = sqlStats.statements - n0;
  expect(unions.length).toBe(3);
  // the union subgraph: the unions' page (rows, count) and one statement for every union's ranking
  expect(statements).toBeLessThanOrEqual(3);
  const countyOrder = ok(await stack.gql(COUNTY_RATINGS, { c: '1', p: Q3 }, county)).countyRatings.ranking.map((r: any) => r.cooperative.id);
  for (const u of unions) {
    const members = (await withSql(stack.urls.union!, (c) => c.query(`select cooperative_id::text id from union_membership where union_id = $1 and left_on is null`, [Number(u.id)]))).rows.map((r) => r.id);
    const ids = u.ranking.map((r: any) => r.cooperative.id);
    expect(ids).toEqual(countyOrder.filter((id: string) => members.includes(id)));
  }
  // union 2 reads its own ranking; a household none
  const own = ok(await stack.gql(`query($p: RatingPeriodInput!) { cooperativeUnion(id: "2") { ranking(period: $p) { cooperative { id } } } }`, { p: Q3 }, await stack.token({ sub: 'union:2', role: 'UNION', union: 2 }))).cooperativeUnion;
  expect(own.ranking.map((r: any) => Number(r.cooperative.id)).sort((a: number, b: number) => a - b)).toEqual([7, 8, 9, 10, 11, 12]);
  const household = await stack.token({ sub: 'member:2476', role: 'MEMBER', member: 2476, cooperatives: [20] });
  const seen = await stack.gql(`query($p: RatingPeriodInput!) { cooperativeUnion(id: "1") { ranking(period: $p) { id } } }`, { p: Q3 }, household);
  expect(seen.data?.cooperativeUnion?.ranking ?? null).toBeNull();
});

it('the internal current rating for a write elsewhere: in the order asked, for services only', async () => {
  const Q = `query($ids: [Int!]!) { _currentRatings(cooperativeIds: $ids) { cooperativeId ratingClass periodEnd rectifying exited } }`;
  const service = await stack.token({ sub: 'service:wholesale', role: 'SERVICE' });
  const r20 = ok(await stack.gql(`{ cooperative(id: "20") { rating { ratingClass periodEnd } } }`, {}, county)).cooperative.rating;
  const got = ok(await stack.subgraphGql('union', Q, { ids: [20, 22, 999_999, 20] }, service))._currentRatings;
  expect(got).toEqual([
    { cooperativeId: 20, ratingClass: r20.ratingClass, periodEnd: r20.periodEnd, rectifying: false, exited: false },
    { cooperativeId: 22, ratingClass: null, periodEnd: null, rectifying: false, exited: true }, // exited (the paper files' decision) before it was ever rated
    { cooperativeId: 999_999, ratingClass: null, periodEnd: null, rectifying: false, exited: false },
    { cooperativeId: 20, ratingClass: r20.ratingClass, periodEnd: r20.periodEnd, rectifying: false, exited: false },
  ]);
  expectCode(await stack.subgraphGql('union', Q, { ids: [20] }, county), 'FORBIDDEN');
  expectCode(await stack.gql(Q, { ids: [20] }, county), 'GRAPHQL_VALIDATION_FAILED');
  expectCode(await stack.subgraphGql('union', Q, { ids: Array.from({ length: 1001 }, (_, i) => i + 1) }, service), 'INVALID_INPUT');
});

it('the dashboards\' rating: each cooperative\'s class in force on the day and the county\'s counts per class, two statements whatever the number of counties and cooperatives', async () => {
  const region = await stack.token({ sub: 'region', role: 'REGION' });
  const WITH = `query($d: LocalDate!) { counties { id ratingCounts(asOf: $d) { ratingClass count } cooperatives(first: 500) { edges { node { id rating(asOf: $d) { ratingClass periodEnd } } } } } }`;
  const WITHOUT = `query { counties { id cooperatives(first: 500) { edges { node { id } } } } }`;
  const statements = async (q: string, v: object) => {
    const n0 = sqlStats.statements;
    const data = ok(await stack.gql(q, v, region));
    return { data, n: sqlStats.statements - n0 };
  };
  const without = await statements(WITHOUT, {});
  const q3 = await statements(WITH, { d: '2026-09-30' });
  expect(q3.n - without.n).toBe(2);
  const county1 = q3.data.counties.find((c: any) => c.id === '1');
  const ranked = ok(await stack.gql(COUNTY_RATINGS, { c: '1', p: Q3 }, county)).countyRatings;
  // on 30 September the Q3 ratings are in force: the counts are the period's
  expect(county1.ratingCounts).toEqual(ranked.counts);
  const classOf = new Map(ranked.ranking.map((r: any) => [r.cooperative.id, r.ratingClass]));
  for (const e of county1.cooperatives.edges) expect(e.node.rating?.ratingClass ?? null).toBe(classOf.get(e.node.id) ?? null);
  // in mid-July the Q2 ratings were in force, none before the first quarter the demo rated had ended
  const q2 = ok(await stack.gql(WITH, { d: '2026-07-15' }, region)).counties.find((c: any) => c.id === '1');
  expect(q2.cooperatives.edges.filter((e: any) => e.node.rating).every((e: any) => e.node.rating.periodEnd === '2026-06-30')).toBe(true);
  const before = ok(await stack.gql(WITH, { d: '2025-12-30' }, region)).counties.find((c: any) => c.id === '1');
  expect(before.ratingCounts.every((c: any) => c.count === 0)).toBe(true);
  // counted over what the caller reads: a board its own cooperative, at the union subgraph too
  const ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) { ... on County { ratingCounts { count } } } }`;
  const sum = async (token: string) => ok(await stack.subgraphGql('union', ENTITIES, { r: [{ __typename: 'County', id: '1' }] }, token))._entities[0].ratingCounts
    .reduce((s: number, c: any) => s + c.count, 0);
  expect(await sum(await stack.token({ sub: 'board:20', role: 'COOPERATIVE', cooperatives: [20] }))).toBe(1);
  expect(await sum(county)).toBe(ranked.ranking.length);
  // a dashboard's class is read without the indicators and thresholds; asked for, they come, in the same request too
  const both = ok(await stack.gql(`{ a: cooperative(id: "20") { rating { ratingClass } } b: cooperative(id: "21") { rating { ratingClass indicators { name valueBp } thresholds { source } } } }`, {}, county));
  expect(both.a.rating.ratingClass).toMatch(/^[ABCD]$/);
  expect(both.b.rating.indicators).toHaveLength(8);
  expect(both.b.rating.thresholds.source).toBe('DEFAULT');
  expect(await sum(await stack.token({ sub: 'county:2', role: 'COUNTY', counties: [2] }))).toBe(0);
});
