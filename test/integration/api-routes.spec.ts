import { expect } from '@jest/globals';
import request from 'supertest';
import type { PublicUser, TokenPair } from '../../src/auth/auth.service';
import type { Device } from '../../src/auth/devices.service';
import type { ErrorBody } from '../../src/common/http-exception.filter';
import type { Profile } from '../../src/profiles/profiles.service';
import type { SubscriptionReceipt } from '../../src/payments/payments.service';
import { AccountStateSource } from '../../src/auth/account-state.source';
import { DATABASE, type Database } from '@infrastructure/database';
import { MetricsService } from '@infrastructure/metrics';
import { MIGRATIONS } from '../../src/infrastructure/database/migrations';
import { migrate } from '../../src/infrastructure/database/migrator';
import { createTestApp, type TestApp } from '../support/app';
import { startPostgres, startRedis, type RunningServer } from '../support/servers';

// Argon2 hashing and server starts are slow on a loaded 2-core machine: a hang guard, not a threshold.
jest.setTimeout(60_000);

/**
 * Every route of the API (docs/architecture.md#the-http-api) with its business rules and the
 * metrics it records, run twice: on the embedded defaults (PGlite + in-process store) and on real
 * PostgreSQL + Redis.
 */
interface Backend {
  readonly name: string;
  readonly expected: { database: string; sessionStore: string };
  start(): Promise<{ databaseUrl?: string; redisUrl?: string; servers: RunningServer[] }>;
}

const backends: Backend[] = [
  {
    name: 'embedded PGlite + in-process store',
    expected: { database: 'pglite', sessionStore: 'memory' },
    start: () => Promise.resolve({ servers: [] }),
  },
  {
    name: 'PostgreSQL + Redis servers',
    expected: { database: 'postgres', sessionStore: 'redis' },
    start: async () => {
      // A database name other than the user's: startPostgres creates only such a database.
      const [pg, redis] = await Promise.all([startPostgres({ database: 'mytelevision_api' }), startRedis()]);
      return { databaseUrl: pg.url, redisUrl: redis.url, servers: [pg, redis] };
    },
  },
];

describe.each(backends)('API routes on $name', (backend) => {
  let t: TestApp;
  let servers: RunningServer[] = [];
  let metrics: MetricsService;
  let state: AccountStateSource;
  let seq = 0;

  beforeAll(async () => {
    const started = await backend.start();
    servers = started.servers;
    t = await createTestApp({ databaseUrl: started.databaseUrl, redisUrl: started.redisUrl });
    metrics = t.app.get(MetricsService);
    state = t.app.get(AccountStateSource);
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await Promise.all(servers.map((s) => s.stop()));
  }, 30_000);

  afterEach(() => jest.restoreAllMocks());

  const api = () => request(t.server);
  const email = () => `user${++seq}.${backend.expected.database}@example.com`;
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

  async function signUp(options: { source?: string } = {}) {
    const address = email();
    const password = 'correct horse battery';
    const reg = await api()
      .post('/api/v1/auth/register')
      .send({ email: address, password, ...options });
    expect(reg.status).toBe(201);
    const login = await api().post('/api/v1/auth/login').send({ email: address, password });
    expect(login.status).toBe(200);
    const { id } = reg.body as PublicUser;
    const pair = login.body as TokenPair;
    return { id, email: address, password, access: pair.accessToken, refresh: pair.refreshToken };
  }

  describe('health', () => {
    it('GET /health/live is 200 and GET /health/ready checks the database and the session store', async () => {
      expect((await api().get('/health/live')).status).toBe(200);
      const ready = await api().get('/health/ready');
      expect(ready.status).toBe(200);
      // Terminus's readiness body: status, info, error and details per dependency.
      expect((ready.body as { details: unknown }).details).toEqual({
        database: { status: 'up', kind: backend.expected.database },
        sessionStore: { status: 'up', kind: backend.expected.sessionStore },
      });
    });
  });

  it('migrations were applied once, recorded in schema_migrations; applying them again changes nothing', async () => {
    const db = t.app.get<Database>(DATABASE);
    const recorded = await db.query<{ id: string }>('SELECT id FROM schema_migrations ORDER BY id');
    expect(recorded.rows.map((r) => r.id)).toEqual(MIGRATIONS.map((m) => m.id));
    expect(await migrate(db, MIGRATIONS)).toEqual([]);
    expect((await db.query('SELECT id FROM contents')).rows).toHaveLength(11);
  });

  describe('auth', () => {
    it('POST /auth/register creates a free user (201) and counts the registration by source; 409 for a taken email', async () => {
      const spy = jest.spyOn(metrics, 'recordRegistration');
      const address = email();
      const res = await api()
        .post('/api/v1/auth/register')
        .send({ email: address, password: 'password123', displayName: 'Ann', source: 'ios' });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        email: address,
        displayName: 'Ann',
        accessType: 'free',
        createdAt: expect.any(String),
      });
      expect(res.body).not.toHaveProperty('passwordHash');
      expect(spy).toHaveBeenCalledTimes(1);
      expect(spy).toHaveBeenCalledWith('ios');

      const dup = await api()
        .post('/api/v1/auth/register')
        .send({ email: address.toUpperCase(), password: 'password123' });
      expect(dup.status).toBe(409);
      expect(dup.body).toEqual({ statusCode: 409, error: 'Conflict', message: 'email already registered' });
      expect(spy).toHaveBeenCalledTimes(1);

      await api().post('/api/v1/auth/register').send({ email: email(), password: 'password123' }).expect(201);
      expect(spy).toHaveBeenLastCalledWith('web');
    });

    it('POST /auth/login answers a token pair and opens a session', async () => {
      const address = email();
      await api().post('/api/v1/auth/register').send({ email: address, password: 'password123' }).expect(201);
      const login = jest.spyOn(metrics, 'recordLogin');
      const failed = jest.spyOn(metrics, 'recordFailedLogin');
      const before = await state.activeSessions();
      const res = await api().post('/api/v1/auth/login').send({ email: address, password: 'password123' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        accessToken: expect.any(String),
        refreshToken: expect.any(String),
        tokenType: 'Bearer',
        expiresIn: 900,
      });
      expect(login.mock.calls).toEqual([['local', true]]);
      expect(failed).not.toHaveBeenCalled();
      expect(await state.activeSessions()).toBe(before + 1);
    });

    it('a wrong password is invalid_credentials and an unknown email unknown_user, both 401 with one message', async () => {
      const user = await signUp();
      const login = jest.spyOn(metrics, 'recordLogin');
      const failed = jest.spyOn(metrics, 'recordFailedLogin');
      const risk = jest.spyOn(metrics, 'recordRiskEvent');
      const wrong = await api()
        .post('/api/v1/auth/login')
        .send({ email: user.email, password: 'not the password' });
      const unknown = await api().post('/api/v1/auth/login').send({ email: email(), password: 'whatever1' });
      for (const res of [wrong, unknown]) {
        expect(res.status).toBe(401);
        expect(res.body).toEqual({
          statusCode: 401,
          error: 'Unauthorized',
          message: 'invalid email or password',
        });
      }
      expect(failed.mock.calls).toEqual([['invalid_credentials'], ['unknown_user']]);
      expect(login.mock.calls).toEqual([
        ['local', false],
        ['local', false],
      ]);
      expect(risk).not.toHaveBeenCalled();
    });

    it('GET /me answers the user with accessType; 401 without, with a forged or with a garbage token', async () => {
      const user = await signUp();
      const me = await api().get('/api/v1/me').set(bearer(user.access));
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ id: user.id, email: user.email, accessType: 'free' });
      expect((await api().get('/api/v1/me')).status).toBe(401);
      expect((await api().get('/api/v1/me').set(bearer('garbage'))).body).toEqual({
        statusCode: 401,
        error: 'Unauthorized',
        message: 'invalid access token',
      });
      const [h, p] = user.access.split('.');
      expect(
        (
          await api()
            .get('/api/v1/me')
            .set(bearer(`${h}.${p}.forgedsignature`))
        ).status,
      ).toBe(401);
    });

    it('POST /auth/refresh rotates the pair; reusing the old refresh token is 401 and ends the session', async () => {
      const user = await signUp();
      const refreshed = jest.spyOn(metrics, 'recordTokenRefresh');
      const expired = jest.spyOn(metrics, 'recordTokenExpired');
      const res = await api().post('/api/v1/auth/refresh').send({ refreshToken: user.refresh });
      expect(res.status).toBe(200);
      const pair = res.body as TokenPair;
      expect(pair.refreshToken).not.toBe(user.refresh);
      expect((await api().get('/api/v1/me').set(bearer(pair.accessToken))).status).toBe(200);
      expect(refreshed).toHaveBeenCalledTimes(1);

      const reuse = await api().post('/api/v1/auth/refresh').send({ refreshToken: user.refresh });
      expect(reuse.status).toBe(401);
      expect((reuse.body as ErrorBody).message).toBe('refresh token invalid or revoked');
      // Token theft detection: the session is gone, with the pair issued in its place.
      expect(
        (await api().post('/api/v1/auth/refresh').send({ refreshToken: pair.refreshToken })).status,
      ).toBe(401);
      expect((await api().get('/api/v1/me').set(bearer(pair.accessToken))).status).toBe(401);
      expect(refreshed).toHaveBeenCalledTimes(1);
      expect(expired).not.toHaveBeenCalled();
    });

    it('POST /auth/logout ends the session (204): its tokens stop working and the session count drops', async () => {
      const user = await signUp();
      const before = await state.activeSessions();
      expect((await api().post('/api/v1/auth/logout').set(bearer(user.access))).status).toBe(204);
      expect(await state.activeSessions()).toBe(before - 1);
      expect((await api().get('/api/v1/me').set(bearer(user.access))).status).toBe(401);
      expect((await api().post('/api/v1/auth/refresh').send({ refreshToken: user.refresh })).status).toBe(
        401,
      );
      expect((await api().post('/api/v1/auth/logout')).status).toBe(401);
    });
  });

  describe('contents', () => {
    it('GET /contents lists the seeded catalogue: free and premium titles of every type; ?type= filters', async () => {
      const all = await api().get('/api/v1/contents');
      expect(all.status).toBe(200);
      for (const type of ['movie', 'series', 'episode', 'live', 'documentary']) {
        const ofType = (all.body as Array<{ type: string; premium: boolean }>).filter((c) => c.type === type);
        expect(ofType.map((c) => c.premium).sort()).toEqual(expect.arrayContaining([false, true]));
      }
      const live = await api().get('/api/v1/contents?type=live');
      expect(live.status).toBe(200);
      const liveTitles = live.body as Array<{ type: string }>;
      expect(liveTitles.length).toBeGreaterThan(0);
      expect(liveTitles.every((c) => c.type === 'live')).toBe(true);
    });

    it('GET /contents/:id answers one title, 404 for an unknown id', async () => {
      const res = await api().get('/api/v1/contents/movie-sintel');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        id: 'movie-sintel',
        type: 'movie',
        premium: true,
        accessType: 'premium',
      });
      const missing = await api().get('/api/v1/contents/no-such-title');
      expect(missing.status).toBe(404);
      expect(missing.body).toEqual({
        statusCode: 404,
        error: 'Not Found',
        message: 'content no-such-title not found',
      });
    });

    it('POST /contents/:id/views records a view of free content; premium without subscription is 403 and no view', async () => {
      const user = await signUp();
      const views = jest.spyOn(metrics, 'recordContentView');
      expect(
        (await api().post('/api/v1/contents/movie-big-buck-bunny/views').set(bearer(user.access))).status,
      ).toBe(201);
      expect(views.mock.calls).toEqual([['movie', 'free']]);
      const premium = await api().post('/api/v1/contents/movie-sintel/views').set(bearer(user.access));
      expect(premium.status).toBe(403);
      expect((premium.body as ErrorBody).message).toBe('premium content requires an active subscription');
      expect((await api().post('/api/v1/contents/unknown/views').set(bearer(user.access))).status).toBe(404);
      expect((await api().post('/api/v1/contents/movie-big-buck-bunny/views')).status).toBe(401);
      expect(views).toHaveBeenCalledTimes(1);
    });

    it('streams: POST starts one (201 {streamId}); only its owner stops it (204), once', async () => {
      const owner = await signUp();
      const other = await signUp();
      const started = jest.spyOn(metrics, 'recordStreamStarted');
      const stopped = jest.spyOn(metrics, 'recordStreamStopped');
      const res = await api().post('/api/v1/contents/live-news-24/streams').set(bearer(owner.access));
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ streamId: expect.any(String), contentId: 'live-news-24' });
      expect(started.mock.calls).toEqual([['live']]);
      expect(
        (await api().post('/api/v1/contents/live-champions-final/streams').set(bearer(owner.access))).status,
      ).toBe(403);
      expect(started).toHaveBeenCalledTimes(1);

      const { streamId } = res.body as { streamId: string };
      expect((await api().delete(`/api/v1/streams/${streamId}`).set(bearer(other.access))).status).toBe(404);
      expect(stopped).not.toHaveBeenCalled();
      expect((await api().delete(`/api/v1/streams/${streamId}`).set(bearer(owner.access))).status).toBe(204);
      expect((await api().delete(`/api/v1/streams/${streamId}`).set(bearer(owner.access))).status).toBe(404);
      expect(stopped.mock.calls).toEqual([['live']]);
    });

    it('POST /contents/:id/reactions is 201 and counts real changes of the reaction', async () => {
      const user = await signUp();
      const reactions = jest.spyOn(metrics, 'recordReaction');
      const like = await api()
        .post('/api/v1/contents/series-city-lights/reactions')
        .set(bearer(user.access))
        .send({ type: 'like' });
      expect(like.status).toBe(201);
      expect(like.body).toEqual({ contentId: 'series-city-lights', type: 'like', changed: true });
      const again = await api()
        .post('/api/v1/contents/series-city-lights/reactions')
        .set(bearer(user.access))
        .send({ type: 'like' });
      expect(again.status).toBe(201);
      expect((again.body as { changed: boolean }).changed).toBe(false);
      await api()
        .post('/api/v1/contents/series-city-lights/reactions')
        .set(bearer(user.access))
        .send({ type: 'love' })
        .expect(201);
      expect(reactions.mock.calls).toEqual([
        ['like', 'series'],
        ['love', 'series'],
      ]);
    });

    it('PUT / DELETE /contents/:id/favorite are 204 and count only real changes', async () => {
      const user = await signUp();
      const added = jest.spyOn(metrics, 'recordFavoriteAdded');
      const removed = jest.spyOn(metrics, 'recordFavoriteRemoved');
      const path = '/api/v1/contents/documentary-ocean-voices/favorite';
      expect((await api().put(path).set(bearer(user.access))).status).toBe(204);
      expect((await api().put(path).set(bearer(user.access))).status).toBe(204);
      expect((await api().delete(path).set(bearer(user.access))).status).toBe(204);
      expect((await api().delete(path).set(bearer(user.access))).status).toBe(204);
      expect(added.mock.calls).toEqual([['documentary']]);
      expect(removed.mock.calls).toEqual([['documentary']]);
      expect((await api().put('/api/v1/contents/unknown/favorite').set(bearer(user.access))).status).toBe(
        404,
      );
    });
  });

  describe('profiles and devices', () => {
    it('POST /profiles creates (201) and POST /profiles/:id/switch switches (204) only to an own profile', async () => {
      const user = await signUp();
      const other = await signUp();
      const created = jest.spyOn(metrics, 'recordProfileCreated');
      const switched = jest.spyOn(metrics, 'recordProfileSwitch');
      const res = await api()
        .post('/api/v1/profiles')
        .set(bearer(user.access))
        .send({ name: 'Kids', type: 'kids' });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        name: 'Kids',
        type: 'kids',
        createdAt: expect.any(String),
      });
      expect(created.mock.calls).toEqual([['kids']]);
      const profile = res.body as Profile;
      expect(
        (await api().post(`/api/v1/profiles/${profile.id}/switch`).set(bearer(user.access))).status,
      ).toBe(204);
      expect(
        (await api().post(`/api/v1/profiles/${profile.id}/switch`).set(bearer(other.access))).status,
      ).toBe(404);
      expect(switched).toHaveBeenCalledTimes(1);

      for (let i = 0; i < 4; i++)
        await api()
          .post('/api/v1/profiles')
          .set(bearer(user.access))
          .send({ name: `P${i}`, type: 'adult' })
          .expect(201);
      const sixth = await api()
        .post('/api/v1/profiles')
        .set(bearer(user.access))
        .send({ name: 'One too many', type: 'adult' });
      expect(sixth.status).toBe(409);
      expect(created).toHaveBeenCalledTimes(5);
    });

    it('POST /devices registers a new device (201) as a new_device risk event; a known one is 200 and not counted', async () => {
      const user = await signUp();
      const devices = jest.spyOn(metrics, 'recordDeviceRegistration');
      const risk = jest.spyOn(metrics, 'recordRiskEvent');
      const res = await api()
        .post('/api/v1/devices')
        .set(bearer(user.access))
        .send({ type: 'tv', name: 'Living room' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ type: 'tv', name: 'Living room', new: true });
      const again = await api()
        .post('/api/v1/devices')
        .set(bearer(user.access))
        .send({ type: 'tv', name: 'living ROOM' });
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ id: (res.body as Device).id, new: false });
      expect(devices.mock.calls).toEqual([['tv']]);
      expect(risk.mock.calls).toEqual([['new_device', 'flagged']]);
    });
  });

  describe('payments and subscriptions', () => {
    it('POST /payments: the approved card is 201, the declined card 402, mobile money and PayPal approve', async () => {
      const user = await signUp();
      const payments = jest.spyOn(metrics, 'recordPayment');
      const ok = await api()
        .post('/api/v1/payments')
        .set(bearer(user.access))
        .send({ amount: 12.5, paymentMethod: 'card', card: { number: '4242424242424242' } });
      expect(ok.status).toBe(201);
      expect(ok.body).toEqual({
        paymentId: expect.any(String),
        status: 'success',
        amount: 12.5,
        currency: 'EUR',
        paymentMethod: 'card',
      });
      const declined = await api()
        .post('/api/v1/payments')
        .set(bearer(user.access))
        .send({ amount: 3, paymentMethod: 'card', card: '4000000000000002' });
      expect(declined.status).toBe(402);
      expect(declined.body).toEqual({
        statusCode: 402,
        error: 'Payment Required',
        message: 'payment declined: card_declined',
      });
      await api()
        .post('/api/v1/payments')
        .set(bearer(user.access))
        .send({ amount: 1, paymentMethod: 'mobile_money' })
        .expect(201);
      await api()
        .post('/api/v1/payments')
        .set(bearer(user.access))
        .send({ amount: 0.99, paymentMethod: 'paypal' })
        .expect(201);
      expect(payments.mock.calls).toEqual([
        ['success', 'card', 12.5],
        ['failed', 'card', 3],
        ['success', 'mobile_money', 1],
        ['success', 'paypal', 0.99],
      ]);
    });

    it('repeated declines of one user in a short window are flagged once as suspicious_payment', async () => {
      const user = await signUp();
      const risk = jest.spyOn(metrics, 'recordRiskEvent');
      const decline = () =>
        api()
          .post('/api/v1/payments')
          .set(bearer(user.access))
          .send({ amount: 5, paymentMethod: 'card', card: { number: '4000000000000002' } })
          .expect(402);
      await decline();
      await decline();
      expect(risk).not.toHaveBeenCalled();
      await decline();
      await decline();
      expect(risk.mock.calls).toEqual([['suspicious_payment', 'flagged']]);
    });

    it('POST /subscriptions charges the plan; 201 makes the user premium, 402 leaves them free', async () => {
      const user = await signUp();
      const subs = jest.spyOn(metrics, 'recordSubscriptionCreated');
      const payments = jest.spyOn(metrics, 'recordPayment');
      const views = jest.spyOn(metrics, 'recordContentView');
      const premiumBefore = await state.premiumSubscribers();

      const declined = await api()
        .post('/api/v1/subscriptions')
        .set(bearer(user.access))
        .send({ plan: 'annual', paymentMethod: 'card', card: { number: '4000000000000002' } });
      expect(declined.status).toBe(402);
      expect(((await api().get('/api/v1/me').set(bearer(user.access))).body as PublicUser).accessType).toBe(
        'free',
      );
      expect(subs).not.toHaveBeenCalled();

      const res = await api()
        .post('/api/v1/subscriptions')
        .set(bearer(user.access))
        .send({ plan: 'monthly', paymentMethod: 'card', card: { number: '4242424242424242' } });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        subscriptionId: expect.any(String),
        plan: 'monthly',
        accessType: 'premium',
        payment: { status: 'success', amount: 9.99 },
      });
      const days = (Date.parse((res.body as SubscriptionReceipt).expiresAt) - Date.now()) / 86_400_000;
      expect(days).toBeGreaterThan(29);
      expect(days).toBeLessThanOrEqual(30);
      expect(subs.mock.calls).toEqual([['monthly']]);
      expect(payments.mock.calls).toEqual([
        ['failed', 'card', 99.99],
        ['success', 'card', 9.99],
      ]);

      expect(((await api().get('/api/v1/me').set(bearer(user.access))).body as PublicUser).accessType).toBe(
        'premium',
      );
      expect((await api().post('/api/v1/contents/movie-sintel/views').set(bearer(user.access))).status).toBe(
        201,
      );
      expect(views.mock.calls).toEqual([['movie', 'premium']]);
      expect(await state.premiumSubscribers()).toBe(premiumBefore + 1);
      expect((await state.activeUsers()).premium).toBeGreaterThanOrEqual(1);
    });
  });

  it('state gauges: active users split by access type follow sessions and subscriptions', async () => {
    const before = await state.activeUsers();
    const user = await signUp();
    expect(await state.activeUsers()).toEqual({ free: before.free + 1, premium: before.premium });
    await api()
      .post('/api/v1/subscriptions')
      .set(bearer(user.access))
      .send({ plan: 'annual', paymentMethod: 'paypal' })
      .expect(201);
    expect(await state.activeUsers()).toEqual({ free: before.free, premium: before.premium + 1 });
    await api().post('/api/v1/auth/logout').set(bearer(user.access)).expect(204);
    expect(await state.activeUsers()).toEqual(before);
  });
});
