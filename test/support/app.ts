import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Server } from 'node:http';
import { Logger } from 'nestjs-pino';
import { AppModule } from '../../src/app.module';
import { configureApp } from '../../src/common/configure-app';
import { ApiHttpAdapter } from '../../src/common/http-adapter';
import { loadConfig, type AppConfig } from '../../src/config';
import { freshPgliteDataDir, removePgliteDataDir } from './pglite-template';

export interface TestAppOptions {
  /** PostgreSQL URL; default: embedded PGlite in a data directory of its own (template copy). */
  readonly databaseUrl?: string;
  /** Redis URL; default: the in-process store. */
  readonly redisUrl?: string;
  /** Extra environment for the config (THROTTLE_LIMIT, LOGIN_MAX_FAILURES, METRICS_TOKEN…). */
  readonly env?: Readonly<Record<string, string>>;
}

export interface TestApp {
  readonly app: INestApplication;
  /** The listening HTTP server (supertest accepts it). */
  readonly server: Server;
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly config: AppConfig;
  close(): Promise<void>;
}

// PGlite loads Node builtins with dynamic import(), which jest's module sandbox refuses without
// --experimental-vm-modules: the test apps load the same package file with Node's own loader.
jest.mock('@electric-sql/pglite', () => {
  const nodeModule = process.getBuiltinModule('node:module') as unknown as {
    _load(path: string, parent: null, isMain: boolean): unknown;
  };
  return nodeModule._load(require.resolve('@electric-sql/pglite'), null, false);
});

/** The JWT secret of test apps, so a test can sign its own tokens (e.g. an already expired one). */
export const TEST_JWT_SECRET = 'test-secret-0123456789abcdef0123456789abcdef';

/**
 * The API built in-process exactly as main.ts builds it (same module, same setup), listening on a
 * spare loopback port. Logs are silent unless LOG_LEVEL is given. Close it in afterAll.
 */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    JWT_SECRET: TEST_JWT_SECRET,
    // High enough that a suite's requests from one address are never limited, unless a test asks.
    THROTTLE_LIMIT: '100000',
    ...options.env,
  };
  if (options.databaseUrl) env.DATABASE_URL = options.databaseUrl;
  if (options.redisUrl) env.REDIS_URL = options.redisUrl;
  const pgliteDir = env.DATABASE_URL || env.PGLITE_DATA_DIR ? undefined : freshPgliteDataDir();
  if (pgliteDir) env.PGLITE_DATA_DIR = pgliteDir;
  const { config } = loadConfig(env);
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot(config),
    new ApiHttpAdapter(),
    {
      bufferLogs: true,
      // A failing start rejects (the test shows why) instead of exiting the jest worker.
      abortOnError: false,
    },
  );
  app.useLogger(app.get(Logger));
  configureApp(app, config);
  await app.listen(0, '127.0.0.1');
  const server = app.getHttpServer();
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('test app is not listening');
  return {
    app,
    server,
    url: `http://127.0.0.1:${address.port}`,
    config,
    close: async () => {
      await app.close();
      if (pgliteDir) removePgliteDataDir(pgliteDir);
    },
  };
}
