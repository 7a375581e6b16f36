import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../subgraphs/lib/config';

/** A named operation committed under schema/operations/ (the same text users and the benchmark run). */
export const operation = (name: string): string => readFileSync(join(ROOT, 'schema', 'operations', `${name}.graphql`), 'utf8');
