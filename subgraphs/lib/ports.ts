import { createServer } from 'node:net';

/**
 * A port that is already taken is the most common start-up failure on a developer's machine (a
 * second `npm start`, another project on 4000): say so in one line that names the variable to
 * change, instead of a logged stack trace.
 */
export function portInUseLine(port: number, variable: string): string {
  return `端口 ${port} 已被占用 / port ${port} is already in use: set ${variable} to another port`;
}

export function isPortInUse(e: unknown): e is NodeJS.ErrnoException & { port?: number } {
  return (e as NodeJS.ErrnoException | null)?.code === 'EADDRINUSE';
}

/**
 * For a service's entry point: when start-up failed on a taken port, print the one line and exit 1.
 * The variable is `PORT` when the service runs alone; `npm start` passes `PORT_VARIABLE`
 * (GATEWAY_PORT, MEMBERS_PORT, …) because that is what its user sets.
 */
export function exitIfPortInUse(e: unknown, port: number): void {
  if (!isPortInUse(e)) return;
  process.stderr.write(`${portInUseLine(e.port ?? port, process.env.PORT_VARIABLE ?? 'PORT')}\n`);
  process.exit(1);
}

/** Whether `port` can be bound on `host` right now (the probe is closed again at once). */
export function portFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (e) => (isPortInUse(e) ? resolve(false) : reject(e)));
    probe.listen(port, host, () => probe.close(() => resolve(true)));
  });
}
