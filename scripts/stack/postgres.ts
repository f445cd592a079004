import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  writeFileSync,
  rmSync,
} from 'node:fs';
import { join } from 'node:path';

/**
 * Debian's PostgreSQL server, run directly (no cluster wrapper, no systemd): the same helpers serve
 * the native stack and the tests' throw-away servers (test/support/servers.ts).
 * initdb and postgres refuse to run as root: as root they run as the `postgres` system user.
 */

export function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) if (existsSync(join(root, v, 'bin', 'postgres'))) return join(root, v, 'bin');
  throw new Error(
    'PostgreSQL server binaries not found under /usr/lib/postgresql (apt-get install postgresql)',
  );
}

const runningAsRoot = () => process.getuid?.() === 0;

function postgresIds(): { uid: number; gid: number } {
  return {
    uid: Number(execFileSync('id', ['-u', 'postgres']).toString()),
    gid: Number(execFileSync('id', ['-g', 'postgres']).toString()),
  };
}

/**
 * [command, args] running `command` as the server user when we are root. setpriv execs in place
 * (no intermediate process), so the pid we record is the server's own and signals reach it directly.
 */
export function asServerUser(command: string, args: readonly string[]): [string, string[]] {
  return runningAsRoot()
    ? ['setpriv', ['--reuid=postgres', '--regid=postgres', '--init-groups', '--', command, ...args]]
    : [command, [...args]];
}

/** Creates `dir` (mode 0700) owned by the server user. */
export function makeServerDir(dir: string): void {
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o700);
  if (runningAsRoot()) {
    const { uid, gid } = postgresIds();
    chownSync(dir, uid, gid);
  }
}

export interface PostgresCluster {
  /** Directory holding data/ and the socket; owned by the server user. */
  readonly dir: string;
  readonly user: string;
  readonly password: string;
}

/** initdb of `<dir>/data` with a password-authenticated superuser, unless it exists already. */
export function initPostgres(cluster: PostgresCluster): void {
  const data = join(cluster.dir, 'data');
  if (existsSync(join(data, 'PG_VERSION'))) return;
  makeServerDir(cluster.dir);
  rmSync(data, { recursive: true, force: true });
  const pwfile = join(cluster.dir, 'initdb.pw');
  writeFileSync(pwfile, cluster.password, { mode: 0o600 });
  if (runningAsRoot()) execFileSync('chown', ['postgres', pwfile]);
  try {
    const [cmd, args] = asServerUser(join(postgresBinDir(), 'initdb'), [
      '-D',
      data,
      '-U',
      cluster.user,
      '--pwfile',
      pwfile,
      '-A',
      'scram-sha-256',
      '--no-sync',
      '-E',
      'UTF8',
      '--locale',
      'C',
    ]);
    execFileSync(cmd, args, { stdio: 'pipe' });
  } finally {
    rmSync(pwfile, { force: true });
  }
}

export interface PostgresServerOptions {
  readonly port: number;
  /** Durability settings off: fine for throw-away test servers, not for the developer stack. */
  readonly unsafeFast?: boolean;
  readonly maxConnections?: number;
  /** Serve TLS with the files installServerTls put in the cluster dir, and its pg_hba.conf. */
  readonly tls?: boolean;
}

/**
 * Copies the server certificate, its key and the hba file into the cluster dir, owned by the server
 * user (PostgreSQL refuses a key another user can read), so that `tls: true` can use them.
 */
export function installServerTls(
  cluster: PostgresCluster,
  tls: { readonly certFile: string; readonly keyFile: string },
  hbaFile: string,
): void {
  const files: [string, string, number][] = [
    [tls.certFile, 'server.crt', 0o644],
    [tls.keyFile, 'server.key', 0o600],
    [hbaFile, 'pg_hba.conf', 0o600],
  ];
  for (const [from, name, mode] of files) {
    const to = join(cluster.dir, name);
    copyFileSync(from, to);
    chmodSync(to, mode);
    if (runningAsRoot()) {
      const { uid, gid } = postgresIds();
      chownSync(to, uid, gid);
    }
  }
}

/** [command, args] of the postgres server on 127.0.0.1 with its socket in the cluster dir. */
export function postgresCommand(
  cluster: PostgresCluster,
  options: PostgresServerOptions,
): [string, string[]] {
  const args = [
    '-D',
    join(cluster.dir, 'data'),
    '-p',
    String(options.port),
    '-h',
    '127.0.0.1',
    '-k',
    cluster.dir,
  ];
  args.push('-c', `max_connections=${options.maxConnections ?? 50}`);
  if (options.tls)
    args.push(
      '-c',
      'ssl=on',
      '-c',
      `ssl_cert_file=${join(cluster.dir, 'server.crt')}`,
      '-c',
      `ssl_key_file=${join(cluster.dir, 'server.key')}`,
      '-c',
      `hba_file=${join(cluster.dir, 'pg_hba.conf')}`,
    );
  if (options.unsafeFast)
    args.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  return asServerUser(join(postgresBinDir(), 'postgres'), args);
}

/** Creates `database` owned by the cluster user, if it does not exist yet (initdb makes only `postgres`). */
export function createDatabase(
  cluster: PostgresCluster,
  port: number,
  database: string,
  caFile?: string,
): void {
  if (database === 'postgres') return;
  const env = { ...process.env, PGPASSWORD: cluster.password, ...tlsEnv(caFile) };
  const psql = join(postgresBinDir(), 'psql');
  const exists = execFileSync(
    psql,
    [
      '-h',
      '127.0.0.1',
      '-p',
      String(port),
      '-U',
      cluster.user,
      '-d',
      'postgres',
      '-tAc',
      `SELECT 1 FROM pg_database WHERE datname = '${database.replace(/'/g, "''")}'`,
    ],
    { env, encoding: 'utf8' },
  ).trim();
  if (exists === '1') return;
  execFileSync(
    join(postgresBinDir(), 'createdb'),
    ['-h', '127.0.0.1', '-p', String(port), '-U', cluster.user, database],
    { env, stdio: 'pipe' },
  );
}

/** True when the server accepts connections (pg_isready). */
export function postgresReady(port: number): boolean {
  try {
    execFileSync(join(postgresBinDir(), 'pg_isready'), ['-q', '-h', '127.0.0.1', '-p', String(port)], {
      stdio: 'ignore',
      timeout: 5000,
    });
    return true;
  } catch {
    return false;
  }
}

/** libpq's variables for a verified TLS connection (or libpq's default `prefer` without a CA). */
function tlsEnv(caFile: string | undefined): Record<string, string> {
  return caFile ? { PGSSLMODE: 'verify-full', PGSSLROOTCERT: caFile } : {};
}

/**
 * Runs monitoring/postgres/roles.sql (idempotent) as the owner role: the read-only roles of Grafana
 * and postgres-exporter, their passwords read by psql from the files named in `passwordFiles`.
 */
export function createReadOnlyRoles(
  cluster: PostgresCluster,
  port: number,
  database: string,
  caFile: string,
  sqlFile: string,
  passwordFiles: Record<string, string>,
): void {
  execFileSync(
    join(postgresBinDir(), 'psql'),
    ['-h', '127.0.0.1', '-p', String(port), '-U', cluster.user, '-d', database, '-q', '-X', '-f', sqlFile],
    {
      env: { ...process.env, PGPASSWORD: cluster.password, ...tlsEnv(caFile), ...passwordFiles },
      stdio: 'pipe',
    },
  );
}
