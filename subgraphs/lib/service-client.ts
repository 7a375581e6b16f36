import { Agent, request } from 'node:http';
import { loadKey, signToken } from './auth';
import { DATA_DIR, subgraphUrl } from './config';
import type { Ctx } from './context';
import { fail } from './error-codes';
import { DomainError } from './errors';

const agent = new Agent({ keepAlive: true, maxSockets: 16 });
let serviceToken: { value: string; until: number } | null = null;

async function token(): Promise<string> {
  const now = Date.now();
  if (!serviceToken || serviceToken.until < now) {
    const value = await signToken(loadKey(DATA_DIR), { sub: `service:${process.env.SERVICE_NAME ?? 'subgraph'}`, role: 'SERVICE' }, '1h');
    serviceToken = { value, until: now + 50 * 60_000 };
  }
  return serviceToken.value;
}

/**
 * Call another subgraph's internal (@inaccessible) operation directly, with a SERVICE token and
 * the current request id. A DomainError from the other side is re-thrown as the same DomainError;
 * transport failures become SAGA_STEP_FAILED.
 */
export async function callSubgraph<T>(ctx: Ctx | null, name: string, query: string, variables: Record<string, unknown>): Promise<T> {
  const url = new URL(subgraphUrl(name));
  const body = JSON.stringify({ query, variables }, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
  const auth = await token();
  let text: string;
  try {
    text = await new Promise<string>((resolve, reject) => {
      const req = request(
        url,
        {
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            authorization: `Bearer ${auth}`,
            'x-request-id': ctx?.requestId ?? 'internal',
            // the person this call is made for travels with it, so the other side can scope and audit by them
            ...(ctx?.authorization ? { 'x-caller-authorization': ctx.authorization } : {}),
          },
          timeout: 10_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', reject);
      req.end(body);
    });
  } catch (e) {
    ctx?.log.warn({ err: e, subgraph: name }, 'service call failed');
    return fail('SAGA_STEP_FAILED', { service: name });
  }
  let json: { data?: T; errors?: { message: string; extensions?: { code?: string; messageZh?: string; messageEn?: string; details?: Record<string, string | number | boolean | null> } }[] };
  try {
    json = JSON.parse(text);
  } catch {
    return fail('SAGA_STEP_FAILED', { service: name });
  }
  const err = json.errors?.[0];
  if (err) {
    const x = err.extensions ?? {};
    if (x.code && x.code !== 'INTERNAL_SERVER_ERROR' && x.messageZh && x.messageEn) {
      throw new DomainError(x.code, x.messageZh, x.messageEn, x.details ?? {});
    }
    ctx?.log.warn({ error: err, subgraph: name }, 'service call returned an error');
    return fail('SAGA_STEP_FAILED', { service: name });
  }
  return json.data as T;
}
