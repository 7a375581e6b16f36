import { loadKey, ROLES, signToken, type Role, type TokenClaims } from '../subgraphs/lib/auth';
import { DATA_DIR } from '../subgraphs/lib/config';

/**
 * `npm run token -- --role COUNTY --county 1` prints a development token.
 * Flags: --role, --sub, --county/--township/--cooperative (repeatable or comma lists),
 * --bank, --enterprise, --member, --ttl (default 12h).
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
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
  if (!ROLES.includes(role)) {
    console.error(`usage: npm run token -- --role <${ROLES.join('|')}> [--county N] [--township N] [--cooperative N] [--member N] [--bank N] [--enterprise N]`);
    process.exit(2);
  }
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
  if (num('--member') !== undefined) claims.member = num('--member');
  console.log(await signToken(loadKey(DATA_DIR), claims, one('--ttl') ?? '12h'));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
