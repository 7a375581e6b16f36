import { loadKey, signToken } from '../subgraphs/lib/auth';
import { DATA_DIR } from '../subgraphs/lib/config';
import { claimsFromArgs, TOKEN_USAGE } from './token-args';

/**
 * `npm run token -- --role COUNTY --county 1` prints a development token.
 * Flags: --role, --sub, --county/--township/--cooperative (repeatable or comma lists),
 * --bank, --enterprise, --union, --member, --ttl (default 12h).
 */
async function main(): Promise<void> {
  const parsed = claimsFromArgs(process.argv.slice(2));
  if (!parsed) {
    console.error(TOKEN_USAGE);
    process.exit(2);
  }
  console.log(await signToken(loadKey(DATA_DIR), parsed.claims, parsed.ttl));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
