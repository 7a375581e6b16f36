import { SignJWT } from 'jose';
import { createSecretKey, randomBytes } from 'node:crypto';
import { createWorld, tokens, WORLD } from './fixtures';
import { expectCode } from './support/expect';
import { startStack, type Stack } from './support/stack';

/**
 * Points 6 and 9 of "First contact": no token is told to sign in, field by field, in the gateway
 * and in each subgraph alike; a token that does not verify is refused everywhere, never read as
 * anonymous; roles with nothing to read here are told so.
 */
let stack: Stack;
let t: Awaited<ReturnType<typeof tokens>>;
afterAll(() => stack?.stop());
beforeAll(async () => {
  stack = await startStack();
  await createWorld(stack);
  t = await tokens(stack);
});

const claims = { role: 'COUNTY', counties: [1] };
const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
async function badTokens(): Promise<Record<string, string>> {
  const now = Math.floor(Date.now() / 1000);
  const real = Buffer.from(process.env.JWT_SECRET!, 'base64');
  const sign = (key: Buffer, exp: number) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('county:1').setIssuer('ningxia-mutual-aid').setAudience('mutual-aid-api')
      .setIssuedAt(now - 7200).setExpirationTime(exp).sign(createSecretKey(key));
  const good = await stack.token({ sub: 'county:1', role: 'COUNTY', counties: [1] });
  const [h, p, s] = good.split('.');
  return {
    'wrong signature': await sign(randomBytes(48), now + 3600),
    expired: await sign(real, now - 60),
    'alg none': `${b64({ alg: 'none', typ: 'JWT' })}.${p}.`,
    'payload changed': `${h}.${b64({ ...JSON.parse(Buffer.from(p!, 'base64url').toString()), role: 'REGION' })}.${s}`,
    'not a JWT': 'hello',
  };
}

async function raw(url: string, query: string, authorization?: string) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) }, body: JSON.stringify({ query }) });
  return { status: res.status, body: (await res.json()) as { data?: any; errors?: any[] } };
}

describe('a token that does not verify', () => {
  const targets = () => [
    ['gateway', stack.gatewayUrl, '{ counties { id } }'],
    ['members', stack.subgraphs.members!.url, '{ counties { id } }'],
    ['loans', stack.subgraphs.loans!.url, `{ disclosureBoard(cooperativeId: "${WORLD.coopA}") { totalCount } }`],
  ] as const;
  it('is UNAUTHENTICATED (HTTP 401) at the gateway and at each subgraph called directly, even for the public board', async () => {
    const bad = await badTokens();
    for (const [where, url, query] of targets()) {
      for (const [kind, token] of Object.entries(bad)) {
        const r = await raw(url, query, `Bearer ${token}`);
        expect([where, kind, r.status, r.body.errors?.[0]?.extensions?.code]).toEqual([where, kind, 401, 'UNAUTHENTICATED']);
        expect([where, kind, r.body.data ?? null]).toEqual([where, kind, null]);
      }
      const r = await raw(url, query, 'Basic dXNlcjpwYXNz');
      expect([where, r.status, r.body.errors?.[0]?.extensions?.code]).toEqual([where, 401, 'UNAUTHENTICATED']);
    }
  });
  it('a valid token passes at every one of them', async () => {
    for (const [where, url, query] of targets()) {
      const r = await raw(url, query, `Bearer ${t.county1}`);
      expect([where, r.status, r.body.errors]).toEqual([where, 200, undefined]);
    }
  });
});

describe('no token', () => {
  it('gets the public board and UNAUTHENTICATED for each protected field of the same query', async () => {
    const r = await stack.gql(`{ disclosureBoard(cooperativeId: "${WORLD.coopA}") { totalCount } counties { id } loans { totalCount } cooperative(id: "${WORLD.coopA}") { id } }`);
    expect(r.data).toEqual({ disclosureBoard: { totalCount: expect.any(Number) }, counties: null, loans: null, cooperative: null });
    expect(r.errors!.map((e) => [e.path?.[0], e.extensions?.code]).sort()).toEqual([['cooperative', 'UNAUTHENTICATED'], ['counties', 'UNAUTHENTICATED'], ['loans', 'UNAUTHENTICATED']]);
    for (const e of r.errors!) expect(e.extensions?.messageZh).toMatch(/[\u4e00-\u9fff]/);
  });
  it('is told the same by each subgraph called directly, entity references included', async () => {
    const members = await stack.subgraphGql('members', `{ counties { id } _entities(representations: [{ __typename: "Cooperative", id: "${WORLD.coopA}" }]) { ... on Cooperative { nameZh } } }`);
    expect(members.errors!.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED']);
    expect(JSON.stringify(members.data)).not.toMatch(/互助社/);
    const loans = await stack.subgraphGql('loans', `{ loans { totalCount } _entities(representations: [{ __typename: "Cooperative", id: "${WORLD.coopA}" }]) { ... on Cooperative { fund { bankDeposit } } } }`);
    expect(loans.errors!.map((e) => e.extensions?.code).sort()).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED']);
  });
  it('a write is UNAUTHENTICATED too', async () => {
    expectCode(await stack.gql(`mutation { injectCapital(input: { idempotencyKey: "anon", cooperativeId: "${WORLD.coopA}", amount: "1", source: DONATION, on: "2024-01-01" }) }`), 'UNAUTHENTICATED');
  });
});

describe('roles that read nothing here yet', () => {
  it('BANK and ENTERPRISE are FORBIDDEN, not handed empty lists; the board stays open to them', async () => {
    for (const token of [t.bank, t.enterprise]) {
      const r = await stack.gql(`{ disclosureBoard(cooperativeId: "${WORLD.coopA}") { totalCount } cooperatives { totalCount } loans { totalCount } }`, {}, token);
      expect(r.data).toEqual({ disclosureBoard: { totalCount: expect.any(Number) }, cooperatives: null, loans: null });
      expect(r.errors!.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN', 'FORBIDDEN']);
      expect(r.errors![0].extensions?.details).toMatchObject({ role: expect.stringMatching(/BANK|ENTERPRISE/) });
    }
  });
  it('a MEMBER may not read the internal books (ledger memos, trial balance)', async () => {
    const me = await stack.token({ sub: 'member:1', role: 'MEMBER', member: 1, cooperatives: [WORLD.coopA] });
    expectCode(await stack.gql(`{ fundLedger(cooperativeId: "${WORLD.coopA}") { totalCount } }`, {}, me), 'FORBIDDEN');
    expectCode(await stack.gql(`{ trialBalance(cooperativeId: "${WORLD.coopA}") { net } }`, {}, me), 'FORBIDDEN');
  });
});
