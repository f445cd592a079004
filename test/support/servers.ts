import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports';
import { ManagedProcess } from './processes';
import { waitFor } from './wait';

/** Real PostgreSQL and Redis servers from Debian's packages, on spare loopback ports, for one test file. */

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly process: ManagedProcess;
  stop(): Promise<void>;
}

function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) if (existsSync(join(root, v, 'bin', 'postgres'))) return join(root, v, 'bin');
  throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql (apt-get install postgresql)');
}

/** initdb and postgres refuse to run as root: as root, run them as the `postgres` system user. */
function asServerUser(command: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

export async function startPostgres(options: { user?: string; password?: string; database?: string } = {}): Promise<RunningServer> {
  const user = options.user ?? 'mytelevision';
  const password = options.password ?? 'mytelevision';
  const database = options.database ?? 'mytelevision';
  const bin = postgresBinDir();
  const dir = mkdtempSync(join(tmpdir(), 'mtv-pg-'));
  chmodSync(dir, 0o700);
  if (process.getuid?.() === 0) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString()), Number(execFileSync('id', ['-g', 'postgres']).toString()));
  const data = join(dir, 'data');
  const pwfile = join(dir, 'pw');
  execFileSync('sh', ['-c', `umask 077; printf '%s' "$1" > "$2"`, 'sh', password, pwfile]);
  if (process.getuid?.() === 0) execFileSync('chown', ['postgres', pwfile]);
  const [initCmd, initArgs] = asServerUser(join(bin, 'initdb'), ['-D', data, '-U', user, '--pwfile', pwfile, '-A', 'scram-sha-256', '--no-sync', '-E', 'UTF8', '--locale', 'C']);
  execFileSync(initCmd, initArgs, { stdio: 'pipe' });
  const port = await freePort();
  const [cmd, args] = asServerUser(join(bin, 'postgres'), [
    '-D', data, '-p', String(port), '-h', '127.0.0.1', '-k', dir,
    '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=50',
  ]);
  const proc = new ManagedProcess(`postgres:${port}`, cmd, args);
  await proc.waitForLine(/ready to accept connections/, 30_000);
  const [createCmd, createArgs] = asServerUser(join(bin, 'createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', user, database]);
  // initdb creates the role but only the `postgres` database.
  if (database !== 'postgres') {
    await waitFor('createdb', () => {
      execFileSync(createCmd, createArgs, { env: { ...process.env, PGPASSWORD: password }, stdio: 'pipe' });
      return true;
    }, { timeoutMs: 10_000 });
  }
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
    '--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no',
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
