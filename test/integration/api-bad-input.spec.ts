import request from 'supertest';
import { MetricsService } from '@infrastructure/metrics';
import { createTestApp, type TestApp } from '../support/app';

// Argon2 hashing and server starts are slow on a loaded 2-core machine: a hang guard, not a threshold.
jest.setTimeout(60_000);

/**
 * What a client can send wrong: each answer is its 4xx with a JSON {statusCode, error, message}
 * that says what is wrong, never a 500, and no business metric is recorded with a wrong value.
 */
let t: TestApp;
let metrics: MetricsService;
let access: string;
let recorders: jest.SpyInstance[];

const BUSINESS_METHODS = [
  'recordLogin',
  'recordTokenRefresh',
  'recordTokenExpired',
  'recordRateLimitHit',
  'recordContentView',
  'recordStreamStarted',
  'recordStreamStopped',
  'recordReaction',
  'recordFavoriteAdded',
  'recordFavoriteRemoved',
  'recordRegistration',
  'recordPayment',
  'recordSubscriptionCreated',
  'recordProfileCreated',
  'recordProfileSwitch',
  'recordDeviceRegistration',
  'recordRiskEvent',
] as const;

beforeAll(async () => {
  t = await createTestApp();
  metrics = t.app.get(MetricsService);
  await request(t.server).post('/api/v1/auth/register').send({ email: 'careful@example.com', password: 'password123' }).expect(201);
  access = (await request(t.server).post('/api/v1/auth/login').send({ email: 'careful@example.com', password: 'password123' }).expect(200)).body
    .accessToken;
}, 30_000);
afterAll(() => t?.close());

beforeEach(() => {
  recorders = BUSINESS_METHODS.map((m) => jest.spyOn(metrics, m));
});
afterEach(() => jest.restoreAllMocks());

function expectNoBusinessMetric(): void {
  for (const spy of recorders) expect(spy).not.toHaveBeenCalled();
}

function expectError(res: request.Response, status: number, message: RegExp): void {
  expect({ status: res.status, json: res.type }).toEqual({ status, json: 'application/json' });
  expect(res.body).toEqual({ statusCode: status, error: expect.any(String), message: expect.anything() });
  const text = Array.isArray(res.body.message) ? res.body.message.join('; ') : res.body.message;
  expect(text).toMatch(message);
}

const auth = () => ({ Authorization: `Bearer ${access}` });

describe('malformed and oversized bodies', () => {
  it('malformed JSON is 400 "not valid JSON"', async () => {
    const res = await request(t.server).post('/api/v1/auth/register').set('Content-Type', 'application/json').send('{"email": "a@b.co",');
    expectError(res, 400, /request body is not valid JSON/);
    expectNoBusinessMetric();
  });

  it('a JSON array or a bare value where an object is expected is 400', async () => {
    const array = await request(t.server).post('/api/v1/payments').set(auth()).set('Content-Type', 'application/json').send('[{"amount": 5}]');
    expectError(array, 400, /request body must be a JSON object/);
    const bare = await request(t.server).post('/api/v1/auth/register').set('Content-Type', 'application/json').send('"text"');
    expectError(bare, 400, /JSON/);
    expectNoBusinessMetric();
  });

  it('a body over BODY_LIMIT (100kb) is 413 with a JSON error', async () => {
    const huge = JSON.stringify({ email: 'big@example.com', password: 'x'.repeat(200_000) });
    const res = await request(t.server).post('/api/v1/auth/register').set('Content-Type', 'application/json').send(huge);
    expectError(res, 413, /request body exceeds the limit of 102400 bytes/);
    expectNoBusinessMetric();
  });

  it('a body that is not JSON at all is validated as empty: 400 naming the missing fields', async () => {
    const res = await request(t.server).post('/api/v1/auth/register').set('Content-Type', 'text/plain').send('email=a@b.co');
    expectError(res, 400, /email must be an email.*password must be/);
    expectNoBusinessMetric();
  });
});

describe('validation: missing fields, wrong types, unknown values', () => {
  const cases: Array<[string, string, string, object, RegExp]> = [
    ['register without password', 'post', '/api/v1/auth/register', { email: 'a@example.com' }, /password must be/],
    ['register with a number as password', 'post', '/api/v1/auth/register', { email: 'a@example.com', password: 12345678 }, /password must be a string/],
    ['register with a bad email', 'post', '/api/v1/auth/register', { email: 'not-an-email', password: 'password123' }, /email must be an email/],
    ['register with an unknown source', 'post', '/api/v1/auth/register', { email: 'a@example.com', password: 'password123', source: 'fax' }, /source must be one of the following values: web, ios, android, smart_tv, other/],
    ['register with an extra field', 'post', '/api/v1/auth/register', { email: 'a@example.com', password: 'password123', role: 'admin' }, /property role should not exist/],
    ['refresh with a number', 'post', '/api/v1/auth/refresh', { refreshToken: 42 }, /refreshToken must be a string/],
    ['an unknown reaction type', 'post', '/api/v1/contents/movie-big-buck-bunny/reactions', { type: 'meh' }, /type must be one of the following values: like, dislike, love/],
    ['a profile of an unknown type', 'post', '/api/v1/profiles', { name: 'Teen', type: 'teen' }, /type must be one of the following values: adult, kids/],
    ['a profile without a name', 'post', '/api/v1/profiles', { type: 'kids' }, /name must be/],
    ['a device of an unknown type', 'post', '/api/v1/devices', { type: 'fridge', name: 'Kitchen' }, /type must be one of the following values: tv, mobile, tablet, web, other/],
    ['a payment with a negative amount', 'post', '/api/v1/payments', { amount: -5, paymentMethod: 'paypal' }, /amount must not be less than 0.01/],
    ['a payment with an amount as a string', 'post', '/api/v1/payments', { amount: '5', paymentMethod: 'paypal' }, /amount must be a number/],
    ['a payment with 3 decimals', 'post', '/api/v1/payments', { amount: 1.234, paymentMethod: 'paypal' }, /amount must be a number/],
    ['a payment above the maximum', 'post', '/api/v1/payments', { amount: 1e9, paymentMethod: 'paypal' }, /amount must not be greater than 10000/],
    ['a payment with an unknown method', 'post', '/api/v1/payments', { amount: 5, paymentMethod: 'bitcoin' }, /paymentMethod must be one of the following values: card, mobile_money, paypal/],
    ['a card payment without a card', 'post', '/api/v1/payments', { amount: 5, paymentMethod: 'card' }, /card is required when paymentMethod is card/],
    ['a card payment with an invalid number', 'post', '/api/v1/payments', { amount: 5, paymentMethod: 'card', card: { number: '1234' } }, /card.number must be a valid card number/],
    ['a card with a PayPal payment', 'post', '/api/v1/payments', { amount: 5, paymentMethod: 'paypal', card: '4242424242424242' }, /card is not accepted with paymentMethod paypal/],
    ['a card of the wrong type', 'post', '/api/v1/payments', { amount: 5, paymentMethod: 'card', card: 4242424242424242 }, /card must be an object/],
    ['a subscription to an unknown plan', 'post', '/api/v1/subscriptions', { plan: 'weekly', paymentMethod: 'paypal' }, /plan must be one of the following values: monthly, annual/],
  ];

  it.each(cases)('%s is 400 naming the field', async (_name, method, path, body, message) => {
    const res = await (request(t.server) as unknown as Record<string, (p: string) => request.Test>)[method](path).set(auth()).send(body);
    expectError(res, 400, message);
    expectNoBusinessMetric();
  });

  it('an unknown ?type= of the catalogue is 400', async () => {
    expectError(await request(t.server).get('/api/v1/contents?type=podcast'), 400, /type must be one of the following values/);
    expectError(await request(t.server).get('/api/v1/contents?type=movie&type=live'), 400, /type must be one of/);
  });

  it('an invalid login body is 400 and counted as a failed login (invalid_request), nothing else', async () => {
    const failed = jest.spyOn(metrics, 'recordFailedLogin');
    const res = await request(t.server).post('/api/v1/auth/login').send({ email: 'careful@example.com' });
    expectError(res, 400, /password must be/);
    expect(failed.mock.calls).toEqual([['invalid_request']]);
    const login = recorders[BUSINESS_METHODS.indexOf('recordLogin')];
    expect(login.mock.calls).toEqual([['local', false]]);
    for (const spy of recorders) if (spy !== login) expect(spy).not.toHaveBeenCalled();
  });

  it('a login body that is not even JSON is 400 and counted as invalid_request too', async () => {
    const failed = jest.spyOn(metrics, 'recordFailedLogin');
    const res = await request(t.server).post('/api/v1/auth/login').set('Content-Type', 'application/json').send('{"email":');
    expectError(res, 400, /request body is not valid JSON/);
    expect(failed.mock.calls).toEqual([['invalid_request']]);
    expect(recorders[BUSINESS_METHODS.indexOf('recordLogin')].mock.calls).toEqual([['local', false]]);
    // Another route's malformed body is not a login.
    await request(t.server).post('/api/v1/auth/register').set('Content-Type', 'application/json').send('{"email":').expect(400);
    expect(failed).toHaveBeenCalledTimes(1);
  });
});

describe('routes and ids', () => {
  it('unknown routes and methods are 404 JSON', async () => {
    expectError(await request(t.server).get('/api/v1/nothing-here'), 404, /Cannot GET \/api\/v1\/nothing-here/);
    expectError(await request(t.server).patch('/api/v1/contents'), 404, /Cannot PATCH/);
    expectError(await request(t.server).get('/contents'), 404, /Cannot GET/);
    expectNoBusinessMetric();
  });

  it('ids that cannot exist are 404, a broken percent-encoding 400, never 500', async () => {
    expectError(await request(t.server).get(`/api/v1/contents/${'x'.repeat(2000)}`), 404, /not found/);
    expectError(await request(t.server).get("/api/v1/contents/1'%20OR%20'1'='1"), 404, /not found/);
    expectError(await request(t.server).post('/api/v1/profiles/not-a-uuid/switch').set(auth()), 404, /profile not-a-uuid not found/);
    expectError(await request(t.server).delete('/api/v1/streams/nope').set(auth()), 404, /stream nope not found/);
    const broken = await request(t.server).get('/api/v1/contents/%E0%A4%A');
    expect(broken.status).toBe(400);
    expect(broken.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expectNoBusinessMetric();
  });

  it('a bad Authorization header is 401, not 500', async () => {
    for (const header of ['Bearer', 'Basic dXNlcjpwYXNz', `Bearer ${'a'.repeat(5000)}`, 'Bearer a.b.c']) {
      expectError(await request(t.server).get('/api/v1/me').set('Authorization', header), 401, /token/);
    }
    expectNoBusinessMetric();
  });
});
