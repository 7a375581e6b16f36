import type { GqlResult } from './stack';

/** Codes seen by this test file (error-code coverage is asserted from these). */
export const seenCodes = new Set<string>();

/** Assert a refusal: the code, both languages, and nothing internal leaked. */
export function expectCode(r: GqlResult<unknown>, code: string): void {
  const e = r.errors?.[0];
  if (!e) throw new Error(`expected ${code}, got data ${JSON.stringify(r.data)}`);
  if (e.extensions?.code !== code) throw new Error(`expected ${code}, got ${JSON.stringify(r.errors)}`);
  const text = JSON.stringify(r.errors);
  if (/stacktrace|\bat \w+ \(|node_modules|\.ts:\d+/.test(text)) throw new Error(`error leaks internals: ${text}`);
  if (!e.extensions?.messageZh || !e.extensions?.messageEn) throw new Error(`no Chinese and English message: ${text}`);
  seenCodes.add(code);
}

export function ok<T>(r: GqlResult<T>): T {
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data as T;
}
