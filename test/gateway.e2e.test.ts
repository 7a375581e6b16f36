import { startStack, type Stack } from './support/stack';
import { expectCode } from './support/expect';
import { withSql } from './support/fixtures';

/** The gateway's own duties: health, offline explorer, limits, request id, no leaks. */
let stack: Stack;
let base: string;
beforeAll(async () => {
  stack = await startStack();
  base = stack.gatewayUrl.replace(/\/graphql$/, '');
});
afterAll(() => stack?.stop());

it('answers /health and serves GraphiQL from local assets', async () => {
  expect(await (await fetch(`${base}/health`)).json()).toEqual({ status: 'ok' });
  const html = await (await fetch(`${base}/`)).text();
  expect(html).toContain('/explorer/graphiql.js');
  expect(html).not.toMatch(/https?:\/\/(?!localhost)/); // nothing from the internet
  for (const asset of ['react.js', 'react-dom.js', 'graphiql.js', 'graphiql.css']) {
    expect((await fetch(`${base}/explorer/${asset}`)).status).toBe(200);
  }
});

it('refuses queries nested deeper than the limit', async () => {
  const deep = `{ county(id: "1") { townships { county { townships { county { townships { county { townships { county { townships { county { townships { id } } } } } } } } } } } } }`;
  const r = await stack.gql(deep, {}, await stack.token({ sub: 'r', role: 'REGION' }));
  expect(r.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  expect(r.errors?.[0]?.message).toMatch(/depth/);
});

it('refuses oversized operations', async () => {
  const huge = `{ counties { id ${'nameZh '.repeat(4000)} } }`;
  const res = await fetch(stack.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: huge }) });
  expect(res.status).toBe(413);
});

it('echoes the caller\'s request id and carries it to the subgraphs', async () => {
  const res = await fetch(stack.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-request-id': 'req-test-123' },
    body: JSON.stringify({ query: '{ disclosureBoard(cooperativeId: "1") { totalCount } }' }),
  });
  expect(res.headers.get('x-request-id')).toBe('req-test-123');
  // a write through the gateway records the same id in the subgraph's audit trail
  await withSql(stack.urls.members, (c) =>
    c.query(`insert into county (id, code, city_zh, name_zh, name_en) values (1, '640323', '吴忠市', '盐池县', 'Yanchi');
             insert into township (id, county_id, name_zh, name_en) values (11, 1, '花马池镇', 'Huamachi');
             insert into village (id, township_id, county_id, name_zh, name_en, is_poor, is_migrant) values (1011, 11, 1, '柳杨堡村', 'Liuyangbao', true, false);
             insert into cooperative (id, village_id, township_id, county_id, name_zh, name_en, founded_on) values (101, 1011, 11, 1, '柳杨堡村互助社', 'Liuyangbao', '2015-01-01')`),
  );
  const token = await stack.token({ sub: 'county:1', role: 'COUNTY', counties: [1] });
  const w = await fetch(stack.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-request-id': 'req-audit-7', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: 'mutation { injectCapital(input: { idempotencyKey: "rid", cooperativeId: "101", amount: "100", source: DONATION, on: "2024-01-01" }) }' }),
  });
  expect(((await w.json()) as any).errors).toBeUndefined();
  const audit = await withSql(stack.urls.loans, (c) => c.query(`select request_id from audit_log where action = 'injectCapital'`));
  expect(audit.rows).toEqual([{ request_id: 'req-audit-7' }]);
});

it('turns malformed input into coded errors, never a stack trace', async () => {
  const bad = await fetch(stack.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{not json' });
  expect(bad.status).toBe(400);
  const money = await stack.gql(`mutation { injectCapital(input: { idempotencyKey: "x", cooperativeId: "1", amount: "12.50", source: GOVERNMENT, on: "2024-01-01" }) }`, {}, await stack.token({ sub: 'c', role: 'COUNTY', counties: [1] }));
  expect(JSON.stringify(money)).not.toMatch(/stacktrace|node_modules/);
  expect(['INVALID_INPUT', 'BAD_USER_INPUT', 'GRAPHQL_VALIDATION_FAILED']).toContain(money.errors?.[0]?.extensions?.code);
  const date = await stack.gql(`query { loans(first: 0) { totalCount } }`, {}, await stack.token({ sub: 'c', role: 'COUNTY', counties: [1] }));
  expectCode(date, 'INVALID_INPUT');
});
