import { SignJWT, jwtVerify } from 'jose';
import { createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fail } from './error-codes';

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

/** Verify a bearer header; null when absent; UNAUTHENTICATED when present but bad. */
export async function verifyAuthorization(key: KeyObject, header: string | undefined | null): Promise<Caller | null> {
  if (!header) return null;
  const m = /^Bearer\s+(.+)$/i.exec(header);
  if (!m) return fail('UNAUTHENTICATED');
  try {
    const { payload } = await jwtVerify(m[1]!, key, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] });
    const role = payload.role as Role;
    if (!ROLES.includes(role) || typeof payload.sub !== 'string') return fail('UNAUTHENTICATED');
    return {
      sub: payload.sub,
      role,
      counties: ids(payload.counties),
      townships: ids(payload.townships),
      cooperatives: ids(payload.cooperatives),
      bank: id(payload.bank),
      enterprise: id(payload.enterprise),
      member: id(payload.member),
    };
  } catch {
    return fail('UNAUTHENTICATED');
  }
}

export function requireCaller(caller: Caller | null): Caller {
  return caller ?? fail('UNAUTHENTICATED');
}

export function requireRole(caller: Caller | null, roles: readonly Role[]): Caller {
  const c = requireCaller(caller);
  if (!roles.includes(c.role)) fail('FORBIDDEN', { role: c.role });
  return c;
}
