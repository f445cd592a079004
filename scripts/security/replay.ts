/**
 * Replays the hostile-input review against the built API in production mode and prints what it
 * answered, by class and status. Starts its own API processes on spare loopback ports and stops them.
 *   npm run hostile-input                 # 3 rounds of every class (about 1,500 requests)
 *   npm run hostile-input -- --rounds 10
 * Exit code 1 when any answer was a 5xx or the rate limit could be bypassed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { hostileClasses } from './hostile-classes.ts';
import { closeRawConnections, sendRaw, type RawResponse } from './raw-http.ts';

const ROOT = join(dirname(process.argv[1]), '..', '..');

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

interface Api {
  readonly url: string;
  readonly child: ChildProcess;
}

/** The API as production runs it (preload included), with fresh random secrets. */
async function startApi(env: Record<string, string>): Promise<Api> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--require', './dist/tracing.js', 'dist/main.js'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      JWT_SECRET: randomBytes(32).toString('base64url'),
      METRICS_TOKEN: randomBytes(32).toString('base64url'),
      PAYMENT_GATEWAY: 'sandbox',
      OTEL_TRACES_EXPORTER: 'none',
      LOG_LEVEL: 'error',
      ...env,
    },
  });
  const url = `http://127.0.0.1:${port}`;
  for (const deadline = Date.now() + 60_000; Date.now() < deadline;) {
    if (child.exitCode !== null) throw new Error(`the API exited with code ${child.exitCode} while starting`);
    const ready = await fetch(`${url}/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return { url, child };
    await new Promise((r) => setTimeout(r, 250));
  }
  child.kill('SIGKILL');
  throw new Error('the API did not become ready in 60 s');
}

async function stopApi(api: Api): Promise<void> {
  if (api.child.exitCode !== null) return;
  const exited = new Promise((resolve) => api.child.once('exit', resolve));
  api.child.kill('SIGTERM');
  await exited;
}

async function login(api: Api, email: string): Promise<string> {
  const headers = { 'content-type': 'application/json' };
  const body = JSON.stringify({ email, password: 'password123' });
  await fetch(`${api.url}/api/v1/auth/register`, { method: 'POST', headers, body });
  const res = await fetch(`${api.url}/api/v1/auth/login`, { method: 'POST', headers, body });
  return ((await res.json()) as { accessToken: string }).accessToken;
}

const count = (counts: Map<string, number>, key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
const format = (counts: Map<string, number>) =>
  [...counts.entries()]
    .sort()
    .map(([k, n]) => `${k}: ${n}`)
    .join(', ');

async function replayClasses(rounds: number): Promise<boolean> {
  const api = await startApi({ THROTTLE_LIMIT: '10000000' });
  try {
    const token = await login(api, 'attacker@example.com');
    const contents = (await (await fetch(`${api.url}/api/v1/contents`)).json()) as Array<{ id: string }>;
    const classes = hostileClasses({ token, contentId: contents[0].id });
    const total = new Map<string, number>();
    let requests = 0;
    const started = Date.now();
    console.log(`bad-input classes, ${rounds} round(s), production mode, ${api.url}`);
    for (const cls of classes) {
      const counts = new Map<string, number>();
      for (let round = 0; round < rounds; round++) {
        for (const req of cls.requests) {
          const res: RawResponse | Error = await sendRaw(api.url, req).catch((e: Error) => e);
          const key = res instanceof Error ? `no answer (${res.name})` : String(res.status);
          count(counts, key);
          count(total, key);
          requests++;
        }
      }
      console.log(`  ${cls.name}: ${format(counts)}`);
    }
    console.log(
      `  total ${requests} requests in ${((Date.now() - started) / 1000).toFixed(1)} s: ${format(total)}`,
    );
    return [...total.keys()].every((k) => /^4\d\d$/.test(k));
  } finally {
    await stopApi(api);
  }
}

/** A spoofed X-Forwarded-For from loopback must not buy a fresh rate-limit key (default limit: 100 a minute). */
async function replayRateLimitBypass(): Promise<boolean> {
  const api = await startApi({});
  try {
    const spoofed = (i: number) => ({
      'x-forwarded-for': `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
    });
    for (let i = 0; i < 100; i++) await sendRaw(api.url, { method: 'GET', path: '/api/v1/contents' });
    let served = 0;
    for (let i = 0; i < 110; i++)
      if (
        (await sendRaw(api.url, { method: 'GET', path: '/api/v1/contents', headers: spoofed(i) })).status <
        400
      )
        served++;
    const login = new Map<string, number>();
    for (let i = 0; i < 120; i++) {
      const body = new TextEncoder().encode(
        JSON.stringify({ email: `user${i}@example.com`, password: `Spring2026!${i}` }),
      );
      const res = await sendRaw(api.url, {
        method: 'POST',
        path: '/api/v1/auth/login',
        headers: { ...spoofed(i), 'content-type': 'application/json' },
        body,
      });
      count(login, String(res.status));
    }
    console.log('rate limit with a spoofed X-Forwarded-For from loopback (TRUSTED_PROXIES unset)');
    console.log(`  after the limit, ${served} of 110 requests served`);
    console.log(
      `  password spray, 120 logins: ${format(login)} (a distinct e-mail each: account lockout plays no part)`,
    );
    return served === 0 && login.get('429') === 20;
  } finally {
    await stopApi(api);
  }
}

async function main(): Promise<void> {
  const classesOk = await replayClasses(option('rounds', 3));
  const limitOk = await replayRateLimitBypass();
  closeRawConnections();
  console.log(
    classesOk && limitOk
      ? 'OK: every bad input answered 4xx, the rate limit held'
      : 'FAILED: see the counts above',
  );
  process.exitCode = classesOk && limitOk ? 0 : 1;
}

main().catch((error: Error) => {
  process.stderr.write(`hostile-input: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
