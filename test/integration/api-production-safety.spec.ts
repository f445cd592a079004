import { expect } from '@jest/globals';
import { Logger } from '@nestjs/common';
import jwt from 'jsonwebtoken';
import { connect } from 'node:net';
import request from 'supertest';
import { MetricsService } from '@infrastructure/metrics';
import type { TokenPair } from '../../src/auth/auth.service';
import type { ErrorBody } from '../../src/common/http-exception.filter';
import { createTestApp, TEST_JWT_SECRET, type TestApp } from '../support/app';
import { waitFor } from '../support/wait';

// Argon2 hashing and server starts are slow on a loaded 2-core machine: a hang guard, not a threshold.
jest.setTimeout(60_000);

/**
 * What production refuses or sets up for safety, on the app built exactly as main.ts builds it, in
 * production mode: proxies trusted only when configured, tokens without exp refused, security
 * headers, server timeouts, refused /metrics scrapes logged and counted. (Start-up refusals of weak
 * secrets and of a missing PAYMENT_GATEWAY: api-startup.spec.ts and the config unit tests.)
 */
const METRICS_TOKEN = 'mT7pQ2vX9cL4kZ8wR1yN6bF3hJ5dS0gA-eU_iO2uY7r';
const PRODUCTION = {
  NODE_ENV: 'production',
  METRICS_TOKEN,
  PAYMENT_GATEWAY: 'sandbox',
  THROTTLE_LIMIT: '5',
  THROTTLE_TTL_MS: '600000',
};
const LIMIT = 5;

const apps: TestApp[] = [];
async function productionApp(env: Record<string, string> = {}): Promise<TestApp> {
  const app = await createTestApp({ env: { ...PRODUCTION, ...env } });
  apps.push(app);
  return app;
}
afterAll(async () => {
  for (const app of apps) await app.close();
});

describe('X-Forwarded-For and the rate-limit key', () => {
  it('without TRUSTED_PROXIES, a spoofed X-Forwarded-For from loopback is ignored: the socket address is limited', async () => {
    const t = await productionApp();
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT + 5; i++) {
      const res = await request(t.server).get('/api/v1/contents').set('X-Forwarded-For', `203.0.113.${i}`);
      statuses.push(res.status);
    }
    expect(statuses).toEqual([...Array<number>(LIMIT).fill(200), ...Array<number>(5).fill(429)]);
  });

  it('with TRUSTED_PROXIES naming the proxy, X-Forwarded-For names the client (each gets its own limit)', async () => {
    const t = await productionApp({ TRUSTED_PROXIES: '127.0.0.1' });
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT + 5; i++) {
      statuses.push(
        (await request(t.server).get('/api/v1/contents').set('X-Forwarded-For', `203.0.113.${i}`)).status,
      );
    }
    expect(statuses).toEqual(Array(LIMIT + 5).fill(200));
    // One client behind the proxy is still limited.
    const same: number[] = [];
    for (let i = 0; i < LIMIT + 1; i++)
      same.push(
        (await request(t.server).get('/api/v1/contents').set('X-Forwarded-For', '198.51.100.7')).status,
      );
    expect(same.at(-1)).toBe(429);
  });

  it('a proxy that is not the configured one is not believed either', async () => {
    const t = await productionApp({ TRUSTED_PROXIES: '10.0.0.1' });
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT + 1; i++) {
      statuses.push(
        (await request(t.server).get('/api/v1/contents').set('X-Forwarded-For', `203.0.113.${i}`)).status,
      );
    }
    expect(statuses.at(-1)).toBe(429);
  });
});

describe('tokens, headers, timeouts, /metrics', () => {
  let t: TestApp;
  let access: string;
  beforeAll(async () => {
    t = await productionApp({ THROTTLE_LIMIT: '100000' });
    await request(t.server)
      .post('/api/v1/auth/register')
      .send({ email: 'safe@example.com', password: 'password123' })
      .expect(201);
    const login = await request(t.server)
      .post('/api/v1/auth/login')
      .send({ email: 'safe@example.com', password: 'password123' })
      .expect(200);
    access = (login.body as TokenPair).accessToken;
  });

  it('a token signed with the right secret but without exp is refused; the same claims with exp are accepted', async () => {
    const { sub, sid } = jwt.decode(access) as { sub: string; sid: string };
    const withoutExp = jwt.sign({ sub, sid }, TEST_JWT_SECRET, {
      algorithm: 'HS256',
      issuer: 'mytelevision-api',
    });
    expect(jwt.decode(withoutExp)).not.toHaveProperty('exp');
    const refused = await request(t.server).get('/api/v1/me').set('Authorization', `Bearer ${withoutExp}`);
    expect({ status: refused.status, body: refused.body as ErrorBody }).toEqual({
      status: 401,
      body: { statusCode: 401, error: 'Unauthorized', message: 'invalid access token' },
    });
    const withExp = jwt.sign({ sub, sid }, TEST_JWT_SECRET, {
      algorithm: 'HS256',
      issuer: 'mytelevision-api',
      expiresIn: 60,
    });
    expect((await request(t.server).get('/api/v1/me').set('Authorization', `Bearer ${withExp}`)).status).toBe(
      200,
    );
  });

  it('API responses, errors included, carry the security headers', async () => {
    for (const res of [
      await request(t.server).get('/api/v1/contents'),
      await request(t.server).get('/api/v1/nothing-here'),
      await request(t.server).post('/api/v1/auth/login').set('Content-Type', 'application/json').send('{'),
      await request(t.server).get('/health/live'),
    ]) {
      expect(res.headers).toMatchObject({
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'SAMEORIGIN',
        'strict-transport-security': expect.stringContaining('max-age='),
        'content-security-policy': expect.stringContaining("default-src 'self'"),
        'referrer-policy': 'no-referrer',
      });
      expect(res.headers).not.toHaveProperty('x-powered-by');
    }
  });

  it('the server timeouts are the configured ones', async () => {
    expect({
      headers: t.server.headersTimeout,
      request: t.server.requestTimeout,
      keepAlive: t.server.keepAliveTimeout,
    }).toEqual({
      headers: 10_000,
      request: 30_000,
      keepAlive: 5_000,
    });
    const tuned = await productionApp({
      HTTP_HEADERS_TIMEOUT_MS: '1000',
      HTTP_REQUEST_TIMEOUT_MS: '2000',
      HTTP_KEEP_ALIVE_TIMEOUT_MS: '61000',
    });
    expect({
      headers: tuned.server.headersTimeout,
      request: tuned.server.requestTimeout,
      keepAlive: tuned.server.keepAliveTimeout,
    }).toEqual({
      headers: 1000,
      request: 2000,
      keepAlive: 61_000,
    });
  });

  it('a client that never finishes its headers is answered 408 and disconnected', async () => {
    const tuned = await productionApp({ HTTP_HEADERS_TIMEOUT_MS: '1000', HTTP_REQUEST_TIMEOUT_MS: '2000' });
    const port = (tuned.server.address() as { port: number }).port;
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString()));
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.write('GET /api/v1/contents HTTP/1.1\r\nHost: x\r\nX-Slow: ');
    await closed;
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('refused /metrics scrapes are counted as 401s of /metrics and logged at most once a minute with the count', async () => {
    const metrics = t.app.get(MetricsService);
    const recorded = jest.spyOn(metrics, 'recordHttpRequest');
    const warned = jest.spyOn(Logger.prototype, 'warn');
    for (const header of [undefined, 'Bearer wrong', `Bearer ${METRICS_TOKEN}x`, 'Basic abc']) {
      const req = request(t.server).get('/metrics');
      const res = await (header ? req.set('Authorization', header) : req);
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="metrics"');
    }
    await waitFor('the four 401s recorded', () =>
      recorded.mock.calls.filter(
        ([method, path, status]) => method === 'GET' && path === '/metrics' && status === 401,
      ).length === 4
        ? true
        : undefined,
    );
    const refusals = warned.mock.calls.filter(([arg]) =>
      /GET \/metrics refused/.test(String((arg as { msg?: unknown })?.msg)),
    );
    expect(refusals).toHaveLength(1);
    expect(refusals[0][0]).toMatchObject({
      remoteAddress: expect.stringMatching(/127\.0\.0\.1/),
      failuresSinceStart: expect.any(Number),
    });
    jest.restoreAllMocks();
  });
});
