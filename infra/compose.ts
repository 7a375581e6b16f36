import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../subgraphs/lib/config';
import { compose } from './compose-lib';

/** `npm run compose`: schema/subgraphs/*.graphql, schema/supergraph.graphql, schema/ERRORS.md. */
compose()
  .then(({ subgraphs, supergraph, errorsMd }) => {
    mkdirSync(join(ROOT, 'schema', 'subgraphs'), { recursive: true });
    for (const [name, sdl] of Object.entries(subgraphs)) writeFileSync(join(ROOT, 'schema', 'subgraphs', `${name}.graphql`), sdl);
    writeFileSync(join(ROOT, 'schema', 'supergraph.graphql'), supergraph);
    writeFileSync(join(ROOT, 'schema', 'ERRORS.md'), errorsMd);
    console.log(`composed ${Object.keys(subgraphs).join(', ')} → schema/supergraph.graphql`);
    process.exit(0);
  })
  .catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
