import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ApiClient } from '../../scripts/traffic/api-client';
import { freePort } from './ports';
import { freshPgliteDataDir, removePgliteDataDir } from './pglite-template';
import { ManagedProcess } from './processes';
import { waitForHttp } from './wait';

const ROOT = join(__dirname, '..', '..');

export interface RunningApi {
  readonly url: string;
  readonly port: number;
  readonly client: ApiClient;
  readonly process: ManagedProcess;
  stop(): Promise<number | null>;
}

/**
 * The built API started as in production — `node --require ./dist/tracing.js dist/main.js` — on a
 * spare loopback port, ready when /health/ready answers 200. Without DATABASE_URL / REDIS_URL in
 * `env` it runs on the embedded defaults (PGlite, in-process store).
 */
export async function startApi(
  env: Record<string, string | undefined> = {},
  name = 'api',
): Promise<RunningApi> {
  for (const file of ['dist/tracing.js', 'dist/main.js']) {
    if (!existsSync(join(ROOT, file))) throw new Error(`${file} is missing: run \`npm run build\` first`);
  }
  const port = await freePort();
  // Embedded default: a data directory of its own, copied from an initialised template.
  const pgliteDir = env.DATABASE_URL || env.PGLITE_DATA_DIR ? undefined : freshPgliteDataDir();
  const stop = async () => {
    const code = await proc.stop();
    if (pgliteDir) removePgliteDataDir(pgliteDir);
    return code;
  };
  const proc = new ManagedProcess(
    name,
    process.execPath,
    ['--require', './dist/tracing.js', 'dist/main.js'],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        NODE_ENV: 'test',
        HOST: '127.0.0.1',
        PORT: String(port),
        LOG_LEVEL: 'warn',
        // Traces are exported only where a test starts a Collector; elsewhere they would be errors.
        OTEL_TRACES_EXPORTER: 'none',
        ...(pgliteDir ? { PGLITE_DATA_DIR: pgliteDir } : {}),
        ...env,
      },
    },
  );
  const url = `http://127.0.0.1:${port}`;
  try {
    // Ready, or failed: a process that exits while starting is reported at once with its output.
    await Promise.race([
      waitForHttp(`${url}/health/ready`, { timeoutMs: 60_000 }),
      proc
        .waitForExit()
        .then((code) => Promise.reject(new Error(`${name} exited with code ${code} while starting`))),
    ]);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n--- ${name} output ---\n${proc.output()}`);
  }
  return { url, port, client: new ApiClient(url), process: proc, stop };
}
