import { JwtService } from '@nestjs/jwt';
import request from 'supertest';
import { MetricsService } from '@infrastructure/metrics';
import type { TokenPair } from '../../src/auth/auth.service';
import type { ErrorBody } from '../../src/common/http-exception.filter';
import { createTestApp, type TestApp } from '../support/app';
import { waitFor } from '../support/wait';

// Argon2 hashing and server starts are slow on a loaded 2-core machine: a hang guard, not a threshold.
jest.setTimeout(60_000);

/** Lockout, rate limiting and token expiry, each on an app configured with small limits. */

const PASSWORD = 'correct horse battery';
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

async function signUp(t: TestApp, email: string) {
  await request(t.server).post('/api/v1/auth/register').send({ email, password: PASSWORD }).expect(201);
  const login = await request(t.server)
    .post('/api/v1/auth/login')
    .send({ email, password: PASSWORD })
    .expect(200);
  const pair = login.body as TokenPair;
  return { access: pair.accessToken, refresh: pair.refreshToken };
}

afterEach(() => jest.restoreAllMocks());

describe('login lockout (LOGIN_MAX_FAILURES=3) and access-token expiry', () => {
  let t: TestApp;
  let metrics: MetricsService;
  beforeAll(async () => {
    t = await createTestApp({ env: { LOGIN_MAX_FAILURES: '3', LOGIN_LOCK_MS: '600000' } });
    metrics = t.app.get(MetricsService);
  }, 30_000);
  afterAll(() => t?.close());

  it('the 3rd consecutive failure locks the account (brute_force/blocked, once); then even the right password is 429', async () => {
    await signUp(t, 'victim@example.com');
    const risk = jest.spyOn(metrics, 'recordRiskEvent');
    const failed = jest.spyOn(metrics, 'recordFailedLogin');
    const login = jest.spyOn(metrics, 'recordLogin');
    const attempt = (password: string) =>
      request(t.server).post('/api/v1/auth/login').send({ email: 'victim@example.com', password });

    expect((await attempt('guess-1')).status).toBe(401);
    expect((await attempt('guess-2')).status).toBe(401);
    expect(risk).not.toHaveBeenCalled();
    expect((await attempt('guess-3')).status).toBe(401);
    expect(risk.mock.calls).toEqual([['brute_force', 'blocked']]);

    const locked = await attempt(PASSWORD);
    expect(locked.status).toBe(429);
    expect(locked.body).toEqual({
      statusCode: 429,
      error: 'Too Many Requests',
      message: 'account temporarily locked after repeated failed logins',
    });
    expect((await attempt('guess-4')).status).toBe(429);
    expect(failed.mock.calls).toEqual([
      ['invalid_credentials'],
      ['invalid_credentials'],
      ['invalid_credentials'],
      ['account_locked'],
      ['account_locked'],
    ]);
    expect(login.mock.calls.every(([provider, ok]) => provider === 'local' && ok === false)).toBe(true);
    expect(login).toHaveBeenCalledTimes(5);
    expect(risk).toHaveBeenCalledTimes(1);
  });

  it('a successful login resets the consecutive-failure count', async () => {
    await signUp(t, 'forgetful@example.com');
    const risk = jest.spyOn(metrics, 'recordRiskEvent');
    const attempt = (password: string) =>
      request(t.server).post('/api/v1/auth/login').send({ email: 'forgetful@example.com', password });
    await attempt('oops-1').expect(401);
    await attempt('oops-2').expect(401);
    await attempt(PASSWORD).expect(200);
    await attempt('oops-3').expect(401);
    await attempt('oops-4').expect(401);
    await attempt(PASSWORD).expect(200);
    expect(risk).not.toHaveBeenCalled();
  });

  it('an expired access token is 401 and counted in token_expired_total', async () => {
    const session = await signUp(t, 'late@example.com');
    const expired = jest.spyOn(metrics, 'recordTokenExpired');
    const claims = t.app.get(JwtService).decode<{ sub: string; sid: string }>(session.access);
    const stale = t.app
      .get(JwtService)
      .sign(
        { sub: claims.sub, sid: claims.sid },
        { issuer: 'mytelevision-api', expiresIn: -60, algorithm: 'HS256' },
      );
    const res = await request(t.server).get('/api/v1/me').set(bearer(stale));
    expect(res.status).toBe(401);
    expect((res.body as ErrorBody).message).toBe('access token expired');
    expect(expired).toHaveBeenCalledTimes(1);
    // The same claims, still valid, pass: the 401 came from the expiry alone.
    expect((await request(t.server).get('/api/v1/me').set(bearer(session.access))).status).toBe(200);
    expect(expired).toHaveBeenCalledTimes(1);
  });
});

describe('refresh-token expiry (REFRESH_TOKEN_TTL_S=1)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { REFRESH_TOKEN_TTL_S: '1' } });
  }, 30_000);
  afterAll(() => t?.close());

  it('a refresh token used after its expiry is 401 "expired" and counted once', async () => {
    const session = await signUp(t, 'sleepy@example.com');
    // Taken once the token exists: sign-up (Argon2) can take over a second on a loaded machine.
    const issuedAt = Date.now();
    const metrics = t.app.get(MetricsService);
    const expired = jest.spyOn(metrics, 'recordTokenExpired');
    const refreshed = jest.spyOn(metrics, 'recordTokenRefresh');
    await waitFor('the refresh token to expire', () => Date.now() > issuedAt + 1_100, {
      timeoutMs: 5_000,
      intervalMs: 50,
    });
    const res = await request(t.server).post('/api/v1/auth/refresh').send({ refreshToken: session.refresh });
    expect(res.status).toBe(401);
    expect((res.body as ErrorBody).message).toBe('refresh token expired');
    expect(expired).toHaveBeenCalledTimes(1);
    expect(refreshed).not.toHaveBeenCalled();
  });
});

describe('rate limiting (THROTTLE_LIMIT=3 per route and client)', () => {
  let t: TestApp;
  let metrics: MetricsService;
  beforeAll(async () => {
    t = await createTestApp({ env: { THROTTLE_LIMIT: '3', THROTTLE_TTL_MS: '600000' } });
    metrics = t.app.get(MetricsService);
  }, 30_000);
  afterAll(() => t?.close());

  it('the 4th login is 429: rate_limit_hits_total{endpoint=route template}, failed login rate_limited, failed local login', async () => {
    const hits = jest.spyOn(metrics, 'recordRateLimitHit');
    const failed = jest.spyOn(metrics, 'recordFailedLogin');
    const login = jest.spyOn(metrics, 'recordLogin');
    const attempt = () =>
      request(t.server)
        .post('/api/v1/auth/login')
        .send({ email: 'nobody@example.com', password: 'whatever1' });
    for (let i = 0; i < 3; i++) expect((await attempt()).status).toBe(401);
    failed.mockClear();
    login.mockClear();
    const limited = await attempt();
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
    expect(limited.headers['retry-after']).toMatch(/^\d+$/);
    expect(hits.mock.calls).toEqual([['/api/v1/auth/login']]);
    expect(failed.mock.calls).toEqual([['rate_limited']]);
    expect(login.mock.calls).toEqual([['local', false]]);
  });

  it('other routes are limited separately and record their own template; probes are never limited', async () => {
    const hits = jest.spyOn(metrics, 'recordRateLimitHit');
    const failed = jest.spyOn(metrics, 'recordFailedLogin');
    for (let i = 0; i < 3; i++) await request(t.server).get('/api/v1/contents/movie-sintel').expect(200);
    expect((await request(t.server).get('/api/v1/contents/movie-sintel')).status).toBe(429);
    expect(hits.mock.calls).toEqual([['/api/v1/contents/:id']]);
    expect(failed).not.toHaveBeenCalled();
    for (let i = 0; i < 6; i++) await request(t.server).get('/health/live').expect(200);
  });
});
