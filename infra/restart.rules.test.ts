import { restartDecision, type RestartPolicy } from './restart.rules';

const p: RestartPolicy = { maxCrashes: 3, windowMs: 60_000, firstDelayMs: 250, maxDelayMs: 800 };
const NOW = 1_000_000;

it.each<[string, number[], ReturnType<typeof restartDecision>]>([
  ['first crash: restart after the first pause', [NOW], { restart: true, delayMs: 250, crashesInWindow: 1 }],
  ['second crash within the window: double the pause', [NOW - 5_000, NOW], { restart: true, delayMs: 500, crashesInWindow: 2 }],
  ['old crashes do not count', [NOW - 120_000, NOW - 61_000, NOW], { restart: true, delayMs: 250, crashesInWindow: 1 }],
  ['a crash exactly one window ago no longer counts', [NOW - 60_000, NOW], { restart: true, delayMs: 250, crashesInWindow: 1 }],
  ['too many crashes in the window: give up', [NOW - 2_000, NOW - 1_000, NOW], { restart: false, crashesInWindow: 3 }],
])('%s', (_name, crashes, expected) => expect(restartDecision(crashes, NOW, p)).toEqual(expected));

it('caps the pause', () => {
  const wide: RestartPolicy = { ...p, maxCrashes: 10 };
  expect(restartDecision([1, 2, 3, 4, 5, 6].map((i) => NOW - i), NOW, wide)).toEqual({ restart: true, delayMs: 800, crashesInWindow: 6 });
});
