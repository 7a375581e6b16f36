import type { Details } from './errors';
import { Migration } from './db';

/**
 * The saga outbox's table (`saga_step`, a shared migration every subgraph database has) and its row
 * as the mechanism (lib/saga.ts) and the operators' views (lib/saga-operators.ts) read it.
 */

/** The outbox, in every subgraph database (after SharedTables0001). */
export class SharedSagaSteps0002 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table saga_step (
      id bigint generated always as identity primary key,
      saga_id text not null,
      seq int not null check (seq > 0),
      event text not null,
      target text not null,
      county_id int,
      idempotency_key text not null unique,
      payload jsonb not null,
      status text not null default 'PENDING' check (status in ('PENDING', 'DONE', 'COMPENSATED', 'FAILED')),
      attempts int not null default 0 check (attempts >= 0),
      next_attempt_at timestamptz not null default now(),
      last_error jsonb,
      result text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (saga_id, seq))`);
    // the runner's poll every half second reads only this
    this.addSql(`create index saga_step_due on saga_step (next_attempt_at) where status = 'PENDING'`);
    // operators list the steps that gave up or wait (FAILED, PENDING), by county
    this.addSql(`create index saga_step_open on saga_step (county_id, id) where status in ('PENDING', 'FAILED')`);
  }
}

export type SagaStatus = 'PENDING' | 'DONE' | 'COMPENSATED' | 'FAILED';

/** What `last_error` holds: where it failed and the error, coded or not (never shown to clients as is). */
export interface StepError {
  phase: 'decode' | 'send' | 'done' | 'compensate';
  code: string | null;
  messageZh: string | null;
  message: string;
  details: Details;
}

export interface SagaStepRow {
  id: number;
  sagaId: string;
  seq: number;
  event: string;
  target: string;
  /** the county the business change belongs to (operators see their counties' steps), if any */
  countyId: number | null;
  idempotencyKey: string;
  /** as stored (bigint fields as strings) */
  payload: unknown;
  status: SagaStatus;
  attempts: number;
  nextAttemptAt: Date;
  lastError: StepError | null;
  result: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface DbRow {
  id: string; saga_id: string; seq: number; event: string; target: string; county_id: number | null; idempotency_key: string; payload: unknown;
  status: SagaStatus; attempts: number; next_attempt_at: string; last_error: StepError | null; result: string | null;
  created_at: string; updated_at: string;
}

// MikroORM hands timestamptz over as PostgreSQL's text; JSON's form of it is ISO 8601, which Date parses
const iso = (col: string) => `to_json(s.${col}) #>> '{}' as ${col}`;
export const COLUMNS = `s.id, s.saga_id, s.seq, s.event, s.target, s.county_id, s.idempotency_key, s.payload, s.status, s.attempts, s.last_error, s.result,
  ${iso('next_attempt_at')}, ${iso('created_at')}, ${iso('updated_at')}`;
export const PRIOR_DONE = `not exists (select 1 from saga_step p where p.saga_id = s.saga_id and p.seq < s.seq and p.status <> 'DONE')`;

export const toRow = (r: DbRow): SagaStepRow => ({
  id: Number(r.id), sagaId: r.saga_id, seq: r.seq, event: r.event, target: r.target, countyId: r.county_id, idempotencyKey: r.idempotency_key,
  payload: r.payload, status: r.status, attempts: r.attempts, nextAttemptAt: new Date(r.next_attempt_at), lastError: r.last_error,
  result: r.result, createdAt: new Date(r.created_at), updatedAt: new Date(r.updated_at),
});
