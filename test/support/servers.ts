import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createDatabase,
  initPostgres,
  postgresCommand,
  type PostgresCluster,
} from '../../scripts/stack/postgres.ts';
import { freePort } from './ports.ts';
import { ManagedProcess } from './processes.ts';
import { waitFor } from './wait.ts';

/** Real PostgreSQL and Redis servers from Debian's packages, on spare loopback ports, for one test file. */

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly process: ManagedProcess;
  stop(): Promise<void>;
}

export async function startPostgres(
  options: { user?: string; password?: string; database?: string } = {},
): Promise<RunningServer> {
  const user = options.user ?? 'mytelevision';
  const password = options.password ?? 'mytelevision';
  const database = options.database ?? 'mytelevision';
  const dir = mkdtempSync(join(tmpdir(), 'mtv-pg-'));
  const cluster: PostgresCluster = { dir, user, password };
  initPostgres(cluster);
  const port = await freePort();
  const [cmd, args] = postgresCommand(cluster, { port, unsafeFast: true });
  const proc = new ManagedProcess(`postgres:${port}`, cmd, args);
  await proc.waitForLine(/ready to accept connections/, 30_000);
  await waitFor(
    'createdb',
    () => {
      createDatabase(cluster, port, database);
      return true;
    },
    { timeoutMs: 10_000 },
  );
  return {
    url: `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`,
    port,
    process: proc,
    async stop() {
      await proc.stop('SIGINT');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function startRedis(): Promise<RunningServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'mtv-redis-'));
  const proc = new ManagedProcess(`redis:${port}`, 'redis-server', [
    '--bind',
    '127.0.0.1',
    '--port',
    String(port),
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    dir,
    '--daemonize',
    'no',
  ]);
  await proc.waitForLine(/Ready to accept connections/, 15_000);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    process: proc,
    async stop() {
      await proc.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
