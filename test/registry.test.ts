import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT, subgraphPort } from '../subgraphs/lib/config';
import { REGISTRY } from '../subgraphs/registry';

/**
 * A subgraph is its folder plus one registry entry: the runners read the registry, and the shared
 * code (lib, infra, the gateway, the test support) names no subgraph, so a new one needs no edit there.
 */
const SHARED = ['subgraphs/lib', 'infra', 'gateway', 'test/support'];
/** Everything that starts, builds, fills or measures the federation. */
const RUNNERS = [
  'infra/start.ts', // npm start
  'infra/service.ts', // one subgraph's process
  'infra/compose-lib.ts', // npm run compose: SDL, supergraph, ERRORS.md
  'infra/reconcile.ts', // npm run reconcile
  'infra/seed/index.ts', // npm run seed
  'infra/seed/load.ts', // the seed's loader (npm start's demo county too)
  'test/support/db.ts', // the test databases
  'test/support/stack.ts', // the in-process test stack
  'test/bench/run.ts', // npm run bench
];

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(ROOT, dir))) {
    const rel = join(dir, e);
    if (statSync(join(ROOT, rel)).isDirectory()) out.push(...sources(rel));
    else if (rel.endsWith('.ts')) out.push(rel);
  }
  return out;
}

const folders = readdirSync(join(ROOT, 'subgraphs')).filter((f) => f !== 'lib' && statSync(join(ROOT, 'subgraphs', f)).isDirectory());

it('every subgraph folder is one registry entry, declared in its own index.ts, with its own name, port and database', () => {
  expect(REGISTRY.map((d) => d.name).sort()).toEqual([...folders].sort());
  for (const d of REGISTRY) {
    expect([d.name, existsSync(join(ROOT, 'subgraphs', d.name, 'index.ts'))]).toEqual([d.name, true]);
    expect(subgraphPort(d.name)).toBe(Number(process.env[`${d.name.toUpperCase()}_PORT`] ?? d.port));
  }
  for (const key of ['name', 'port', 'database'] as const) expect(new Set(REGISTRY.map((d) => d[key])).size).toBe(REGISTRY.length);
});

it('every runner reads the registry', () => {
  for (const file of RUNNERS) {
    expect([file, /from '(\.\.\/)+subgraphs\/registry'/.test(readFileSync(join(ROOT, file), 'utf8'))]).toEqual([file, true]);
  }
});

it('lib, infra, the gateway and the test support import no subgraph folder and spell no subgraph name', () => {
  const names = [...new Set([...REGISTRY.map((d) => d.name), ...folders])];
  const importOf = new RegExp(`subgraphs/(${names.join('|')})/`);
  const literal = new RegExp(`(['"\`])(${names.join('|')})\\1`);
  const found: string[] = [];
  for (const file of SHARED.flatMap(sources)) {
    readFileSync(join(ROOT, file), 'utf8').split('\n').forEach((line, i) => {
      if (importOf.test(line) || literal.test(line)) found.push(`${relative(ROOT, join(ROOT, file))}:${i + 1}: ${line.trim()}`);
    });
  }
  expect(found).toEqual([]);
  expect(SHARED.flatMap(sources).length).toBeGreaterThan(40); // the scan did read the folders
});
