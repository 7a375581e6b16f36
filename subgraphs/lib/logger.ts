import pino from 'pino';

/** Structured JSON logs; LOG_LEVEL=silent in tests. Every request line carries `reqId`. */
export const logger = pino({
  level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'silent' : 'info'),
  base: { service: process.env.SERVICE_NAME ?? 'app' },
  timestamp: pino.stdTimeFunctions.isoTime,
});
export type Logger = typeof logger;
