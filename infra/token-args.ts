import { ROLES, type Role, type TokenClaims } from '../subgraphs/lib/auth';

export const TOKEN_USAGE = `usage: npm run token -- --role <${ROLES.join('|')}> [--county N] [--township N] [--cooperative N] [--member N] [--bank N] [--enterprise N] [--union N]`;

/**
 * The claims of `npm run token -- <args>`. Its own module so the tests turn the README's and
 * GraphiQL's token lines into claims with the same code the command uses. Null for an unknown role.
 */
export function claimsFromArgs(args: readonly string[]): { claims: TokenClaims; ttl: string } | null {
  const list = (flag: string): number[] => {
    const out: number[] = [];
    args.forEach((a, i) => {
      if (a === flag && args[i + 1]) out.push(...args[i + 1]!.split(',').map(Number).filter(Number.isSafeInteger));
    });
    return out;
  };
  const one = (flag: string): string | undefined => {
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const role = (one('--role') ?? '').toUpperCase() as Role;
  if (!ROLES.includes(role)) return null;
  const claims: TokenClaims = {
    sub: one('--sub') ?? `dev:${role.toLowerCase()}`,
    role,
    counties: list('--county'),
    townships: list('--township'),
    cooperatives: list('--cooperative'),
  };
  const num = (f: string) => (one(f) !== undefined ? Number(one(f)) : undefined);
  if (num('--bank') !== undefined) claims.bank = num('--bank');
  if (num('--enterprise') !== undefined) claims.enterprise = num('--enterprise');
  if (num('--union') !== undefined) claims.union = num('--union');
  if (num('--member') !== undefined) claims.member = num('--member');
  return { claims, ttl: one('--ttl') ?? '12h' };
}
