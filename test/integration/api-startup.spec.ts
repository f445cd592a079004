import { expect } from '@jest/globals';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { createTestApp, type TestApp } from '../support/app';
import { freshPgliteDataDir, removePgliteDataDir } from '../support/pglite-template';
import { startApi, type RunningApi } from '../support/api-process';
import { ManagedProcess, stopAll } from '../support/processes';
import { startRedis, type RunningServer } from '../support/servers';
import { waitFor } from '../support/wait';

// Argon2 hashing and server starts are slow on a loaded 2-core machine: a hang guard, not a threshold.
jest.setTimeout(60_000);

/** The built API as it runs in production (dist/, the --require preload), and its probes. */
const ROOT = join(__dirname, '..', '..');

afterAll(() => stopAll());

/** Secrets strong enough for production (random-looking, over 32 characters). */
const JWT_SECRET = 'Vq3xK9mZp2LwR7tYc5Nf8Hd1Jg4Bs6Ae0Ui-Xo_Wk3Tz';
const METRICS_TOKEN = 'mT7pQ2vX9cL4kZ8wR1yN6bF3hJ5dS0gA-eU_iO2uY7r';

function runMain(env: Record<string, string>): ManagedProcess {
  if (!existsSync(join(ROOT, 'dist/main.js')))
    throw new Error('dist/main.js is missing: run `npm run build` first');
  return new ManagedProcess(
    'api-config',
    process.execPath,
    ['--require', './dist/tracing.js', 'dist/main.js'],
    {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, OTEL_TRACES_EXPORTER: 'none', ...env },
    },
  );
}

describe('production configuration', () => {
  it('refuses to start without JWT_SECRET, METRICS_TOKEN and PAYMENT_GATEWAY: exit code 1 and one line naming all three', async () => {
    const api = runMain({ NODE_ENV: 'production', PORT: '0' });
    expect(await api.waitForExit()).toBe(1);
    const lines = api
      .output()
      .split('\n')
      .filter((l) => l.includes('MyTelevision API'));
    expect(lines).toEqual([
      'MyTelevision API: invalid configuration: JWT_SECRET (or JWT_SECRET_FILE) is required in production; METRICS_TOKEN (or METRICS_TOKEN_FILE) is required in production; PAYMENT_GATEWAY is required in production (one of: sandbox)',
    ]);
  }, 30_000);

  it('names only what is missing', async () => {
    const api = runMain({ NODE_ENV: 'production', PORT: '0', JWT_SECRET, PAYMENT_GATEWAY: 'sandbox' });
    expect(await api.waitForExit()).toBe(1);
    expect(api.output()).toMatch(/METRICS_TOKEN \(or METRICS_TOKEN_FILE\) is required in production/);
    expect(api.output()).not.toMatch(/JWT_SECRET/);
  }, 30_000);

  it('refuses weak secrets (METRICS_TOKEN=x, 32 identical characters as JWT_SECRET) in one line', async () => {
    const api = runMain({
      NODE_ENV: 'production',
      PORT: '0',
      JWT_SECRET: 'j'.repeat(32),
      METRICS_TOKEN: 'x',
      PAYMENT_GATEWAY: 'sandbox',
    });
    expect(await api.waitForExit()).toBe(1);
    const lines = api
      .output()
      .split('\n')
      .filter((l) => l.includes('MyTelevision API'));
    expect(lines).toEqual([
      expect.stringMatching(
        /^MyTelevision API: invalid configuration: JWT_SECRET is too weak for production \(it is a short pattern repeated\).*; METRICS_TOKEN is too weak for production \(1 characters, at least 32 needed\)/,
      ),
    ]);
  }, 30_000);
});

describe('node --require ./dist/tracing.js dist/main.js', () => {
  let api: RunningApi;
  beforeAll(async () => {
    api = await startApi({
      LOG_LEVEL: 'info',
      NODE_ENV: 'production',
      JWT_SECRET,
      METRICS_TOKEN,
      PAYMENT_GATEWAY: 'sandbox',
    });
  }, 60_000);
  afterAll(() => api?.stop());

  it('logs the listening line with the metrics address, serves /api/v1 and the probes outside it', async () => {
    const line = await api.process.waitForLine(/MyTelevision API listening on/, 10_000);
    expect(line).toContain(`MyTelevision API listening on ${api.url} — metrics at ${api.url}/metrics`);
    expect((await fetch(`${api.url}/health/live`)).status).toBe(200);
    expect((await fetch(`${api.url}/api/v1/contents`)).status).toBe(200);
    expect((await fetch(`${api.url}/api/v1/health/live`)).status).toBe(404);
    expect((await fetch(`${api.url}/metrics`)).status).toBe(401);
    expect(
      (await fetch(`${api.url}/metrics`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } })).status,
    ).toBe(200);
  });

  it('warns at start that production takes payments through the sandbox', async () => {
    const line = await api.process.waitForLine(/PAYMENT_GATEWAY=sandbox in production/, 10_000);
    expect(JSON.parse(line)).toMatchObject({
      level: 40,
      context: 'Config',
      msg: expect.stringMatching(/payments are simulated/),
    });
  });

  it('stops on SIGTERM through its shutdown hooks, well before the SIGKILL fallback', async () => {
    await api.process.stop('SIGTERM', 20_000);
    // Nest runs the shutdown hooks, then re-raises the signal: the process ends by SIGTERM, not SIGKILL.
    expect(api.process.child.signalCode).toBe('SIGTERM');
  }, 30_000);
});

describe('embedded PostgreSQL kept between starts', () => {
  let dir: string;
  beforeAll(() => (dir = freshPgliteDataDir()));
  afterAll(() => removePgliteDataDir(dir));

  it('finds an account created by the previous start in the same PGLITE_DATA_DIR', async () => {
    const account = { email: `kept-${Date.now()}@example.test`, password: 'correct horse battery staple' };
    const first = await startApi({ PGLITE_DATA_DIR: dir, JWT_SECRET }, 'api (first start)');
    try {
      const res = await fetch(`${first.url}/api/v1/auth/register`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(account),
      });
      expect(res.status).toBe(201);
    } finally {
      await first.stop();
    }
    const second = await startApi({ PGLITE_DATA_DIR: dir, JWT_SECRET }, 'api (second start)');
    try {
      const res = await fetch(`${second.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(account),
      });
      expect(res.status).toBe(200);
    } finally {
      await second.stop();
    }
  }, 120_000);
});

describe('readiness', () => {
  let redis: RunningServer;
  let t: TestApp;
  beforeAll(async () => {
    redis = await startRedis();
    t = await createTestApp({ redisUrl: redis.url });
  }, 30_000);
  afterAll(async () => {
    await t?.close();
    await redis?.stop();
  });

  it('GET /health/ready is 503 naming the session store when Redis stops; liveness stays 200', async () => {
    expect((await request(t.server).get('/health/ready')).status).toBe(200);
    await redis.stop();
    const res = await waitFor(
      'readiness to fail',
      async () => {
        const r = await request(t.server).get('/health/ready');
        return r.status === 503 ? r : undefined;
      },
      { timeoutMs: 15_000 },
    );
    expect(res.body).toEqual({
      statusCode: 503,
      error: 'Service Unavailable',
      message: 'not ready: sessionStore down',
      details: {
        database: { status: 'up', kind: 'pglite' },
        sessionStore: { status: 'down', kind: 'redis', message: expect.any(String) },
      },
    });
    expect((await request(t.server).get('/health/live')).status).toBe(200);
  }, 30_000);
});
