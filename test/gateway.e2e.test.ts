import { join } from 'node:path';
import { ROOT } from '../subgraphs/lib/config';
import { parseCorsOrigins } from '../gateway/cors';
import { startGateway, type RunningGateway } from '../gateway/server';
import { startStack, type Stack } from './support/stack';
import { expectCode } from './support/expect';
import { withSql } from './fixtures';

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

describe('CORS', () => {
  const allowed = 'http://localhost:5173';
  let cors: RunningGateway;
  let corsBase: string;
  beforeAll(async () => {
    // a second gateway on the same subgraphs, with an allow-list (the stack's gateway has none, the default)
    cors = await startGateway({
      supergraphPath: join(ROOT, 'schema', 'supergraph.graphql'),
      port: 0,
      subgraphUrls: Object.fromEntries(Object.entries(stack.subgraphs).map(([n, s]) => [n, s.url])),
      corsOrigins: parseCorsOrigins(` ${allowed}, https://app.example.cn `),
    });
    corsBase = `http://127.0.0.1:${cors.port}`;
  });
  afterAll(() => cors?.stop());

  const preflight = (b: string, origin: string) =>
    fetch(`${b}/graphql`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, authorization' },
    });
  const board = (b: string, origin: string) =>
    fetch(`${b}/graphql`, {
      method: 'POST',
      headers: { origin, 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ disclosureBoard(cooperativeId: "1") { totalCount } }' }),
    });
  const corsHeaders = (r: Response) => [...r.headers.keys()].filter((k) => k.startsWith('access-control-'));

  it('answers a listed origin\'s preflight with 204 and the allowed methods and headers', async () => {
    const r = await preflight(corsBase, allowed);
    expect(r.status).toBe(204);
    expect(r.headers.get('access-control-allow-origin')).toBe(allowed);
    expect(r.headers.get('access-control-allow-methods')).toBe('GET, POST, OPTIONS');
    expect(r.headers.get('access-control-allow-headers')).toBe('content-type, authorization, x-request-id');
    expect(r.headers.get('access-control-allow-credentials')).toBeNull();
    expect(r.headers.get('vary')).toBe('Origin');
    expect(await r.text()).toBe('');
  });

  it('lets a listed origin read the answer (and its request id), with Vary: Origin', async () => {
    const r = await board(corsBase, 'https://app.example.cn');
    expect(r.status).toBe(200);
    expect(((await r.json()) as any).data.disclosureBoard.totalCount).toBe(0);
    expect(r.headers.get('access-control-allow-origin')).toBe('https://app.example.cn');
    expect(r.headers.get('access-control-expose-headers')).toBe('x-request-id');
    expect(r.headers.get('vary')).toBe('Origin');
    // a refused request (no valid token) is readable too, so the page can show the coded error
    const bad = await fetch(`${corsBase}/graphql`, { method: 'POST', headers: { origin: allowed, 'content-type': 'application/json', authorization: 'Bearer nope' }, body: '{"query":"{ counties { id } }"}' });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('access-control-allow-origin')).toBe(allowed);
  });

  it('gives another origin no CORS header, on the preflight or the answer', async () => {
    const pre = await preflight(corsBase, 'https://evil.example.com');
    expect(pre.status).not.toBe(204);
    expect(corsHeaders(pre)).toEqual([]);
    const r = await board(corsBase, 'http://localhost:5174');
    expect(corsHeaders(r)).toEqual([]);
    expect(((await r.json()) as any).data.disclosureBoard.totalCount).toBe(0); // the request itself is served as before
    expect(corsHeaders(await fetch(`${corsBase}/health`, { headers: { origin: allowed } }))).toEqual([]);
  });

  it('is off by default: no CORS header for any origin', async () => {
    const pre = await preflight(base, allowed);
    expect(pre.status).not.toBe(204);
    expect(corsHeaders(pre)).toEqual([]);
    const r = await board(base, allowed);
    expect(corsHeaders(r)).toEqual([]);
    expect(r.headers.get('vary')).toBeNull();
  });

  it('refuses an allow-list entry that is not an exact origin', () => {
    expect(parseCorsOrigins(undefined)).toEqual([]);
    expect(parseCorsOrigins(' , ')).toEqual([]);
    for (const bad of ['*', 'localhost:5173', 'http://localhost:5173/', 'https://app.example.cn/path', 'https://*.example.cn']) {
      expect(() => parseCorsOrigins(`http://localhost:5173,${bad}`)).toThrow(/CORS_ORIGINS/);
    }
  });
});
