import { SignJWT, jwtVerify } from 'jose';
import { createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { GraphQLError } from 'graphql';
import { domainError, fail } from './error-codes';

export const ROLES = ['REGION', 'COUNTY', 'TOWNSHIP', 'COOPERATIVE', 'UNION', 'BANK', 'ENTERPRISE', 'AUDITOR', 'MEMBER', 'SERVICE'] as const;
export type Role = (typeof ROLES)[number];

/** A verified caller. Scope lists hold ids as numbers; an empty list means "none" (not "all"). */
export interface Caller {
  readonly sub: string;
  readonly role: Role;
  readonly counties: readonly number[];
  readonly townships: readonly number[];
  readonly cooperatives: readonly number[];
  readonly bank: number | null;
  readonly enterprise: number | null;
  /** The union (联合会) of a UNION token: its cooperatives are the ones granted to it (lib/scope). */
  readonly union: number | null;
  readonly member: number | null;
}

export interface TokenClaims {
  sub: string;
  role: Role;
  counties?: number[];
  townships?: number[];
  cooperatives?: number[];
  bank?: number;
  enterprise?: number;
  union?: number;
  member?: number;
}

const ISSUER = 'ningxia-mutual-aid';
const AUDIENCE = 'mutual-aid-api';

/**
 * The signing key: JWT_SECRET (base64, at least 32 bytes) when set, otherwise a development key
 * generated once under the data directory. Production injects JWT_SECRET.
 */
export function loadKey(dataDir: string): KeyObject {
  const env = process.env.JWT_SECRET;
  if (env) return createSecretKey(Buffer.from(env, 'base64'));
  const file = `${dataDir}/keys/jwt-dev.key`;
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, randomBytes(48).toString('base64'), { mode: 0o600 });
  }
  return createSecretKey(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64'));
}

export async function signToken(key: KeyObject, claims: TokenClaims, ttl = '12h'): Promise<string> {
  const { sub, ...rest } = claims;
  return new SignJWT({ ...rest })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(ttl)
    .sign(key);
}

const ids = (v: unknown): number[] => (Array.isArray(v) ? v.map(Number).filter(Number.isSafeInteger) : []);
const id = (v: unknown): number | null => (v == null || !Number.isSafeInteger(Number(v)) ? null : Number(v));

/**
 * Tokens already verified with a key, until they expire: the gateway and every subgraph see the
 * same token on every request of a session, and an HMAC check plus claim parsing is a measurable
 * part of a small request. Callers are frozen (shared between requests). Bounded: the oldest
 * entry goes first.
 */
const verified = new WeakMap<KeyObject, Map<string, { caller: Caller; expiresAtMs: number }>>();
const VERIFIED_MAX = 10_000;

/** Verify a bearer header; null when absent; UNAUTHENTICATED when present but bad. */
export async function verifyAuthorization(key: KeyObject, header: string | undefined | null): Promise<Caller | null> {
  if (!header) return null;
  const m = /^Bearer\s+(.+)$/i.exec(header);
  if (!m) return fail('UNAUTHENTICATED');
  const token = m[1]!;
  let cache = verified.get(key);
  if (!cache) verified.set(key, (cache = new Map()));
  const hit = cache.get(token);
  if (hit) {
    if (hit.expiresAtMs > Date.now()) return hit.caller;
    cache.delete(token);
  }
  let caller: Caller;
  let expiresAtMs: number;
  try {
    const { payload } = await jwtVerify(token, key, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] });
    const role = payload.role as Role;
    if (!ROLES.includes(role) || typeof payload.sub !== 'string') return fail('UNAUTHENTICATED');
    caller = Object.freeze({
      sub: payload.sub,
      role,
      counties: Object.freeze(ids(payload.counties)) as number[],
      townships: Object.freeze(ids(payload.townships)) as number[],
      cooperatives: Object.freeze(ids(payload.cooperatives)) as number[],
      bank: id(payload.bank),
      enterprise: id(payload.enterprise),
      union: id(payload.union),
      member: id(payload.member),
    });
    // jose refuses a token without exp only if asked to; without one, re-verify after a minute
    expiresAtMs = typeof payload.exp === 'number' ? payload.exp * 1000 : Date.now() + 60_000;
  } catch {
    return fail('UNAUTHENTICATED');
  }
  if (cache.size >= VERIFIED_MAX) cache.delete(cache.keys().next().value!);
  cache.set(token, { caller, expiresAtMs });
  return caller;
}

/**
 * The person a SERVICE call is made for: the bearer header lib/service-client forwards as
 * `x-caller-authorization`, verified like the caller's own (a bad one refuses the request). Only a
 * SERVICE caller may speak for someone else: for any other caller the header is ignored (null).
 */
export async function forwardedRequester(key: KeyObject, caller: Caller | null, header: string | undefined | null): Promise<Caller | null> {
  if (caller?.role !== 'SERVICE' || !header) return null;
  return requestCaller(key, header);
}

/**
 * The caller of an HTTP request, for the gateway and every subgraph alike: no header is anonymous,
 * a header that does not verify (bad signature, expired, `alg: none`, malformed) refuses the whole
 * request with UNAUTHENTICATED and HTTP 401 — never a silent fall-back to anonymous, also when a
 * subgraph is called directly.
 */
export async function requestCaller(key: KeyObject, header: string | undefined | null): Promise<Caller | null> {
  try {
    return await verifyAuthorization(key, header);
  } catch {
    const e = domainError('UNAUTHENTICATED');
    throw new GraphQLError(e.message, {
      extensions: { code: e.code, messageZh: e.messageZh, messageEn: e.messageEn, details: e.details, http: { status: 401 } },
    });
  }
}
