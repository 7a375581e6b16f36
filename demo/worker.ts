/**
 * Worker thread of the seed: generates the batches and hands them to the main thread (which
 * streams them into PostgreSQL), at most two ahead of what the main thread has taken.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { batches, toWire } from './rows';
import type { PlanOptions } from './county';

const AHEAD = 2;

async function main(): Promise<void> {
  const port = parentPort!;
  const { planOpts, batchChars } = workerData as { planOpts: PlanOptions; batchChars: number };
  let credits = AHEAD;
  let wake: (() => void) | null = null;
  port.on('message', () => {
    credits++;
    const w = wake;
    wake = null;
    w?.();
  });
  for (const b of batches(planOpts, batchChars)) {
    while (credits === 0) await new Promise<void>((r) => (wake = r));
    credits--;
    const wire = toWire(b);
    port.postMessage({ type: 'batch', batch: wire }, wire.tables.map((t) => t.data.buffer as ArrayBuffer));
  }
  port.postMessage({ type: 'done' }); // the main thread terminates the worker
}

void main();
