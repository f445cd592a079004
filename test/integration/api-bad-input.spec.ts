import { expect } from '@jest/globals';
import request from 'supertest';
import { MetricsService } from '@infrastructure/metrics';
import type { TokenPair } from '../../src/auth/auth.service';
import type { ErrorBody } from '../../src/common/http-exception.filter';
import type { PaymentReceipt } from '../../src/payments/payments.service';
import { createTestApp, type TestApp } from '../support/app';
import { waitFor } from '../support/wait';

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
  await request(t.server)
    .post('/api/v1/auth/register')
    .send({ email: 'careful@example.com', password: 'password123' })
    .expect(201);
  const login = await request(t.server)
    .post('/api/v1/auth/login')
    .send({ email: 'careful@example.com', password: 'password123' })
    .expect(200);
  access = (login.body as TokenPair).accessToken;
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
  const { message: said } = res.body as ErrorBody;
  const text = Array.isArray(said) ? said.join('; ') : said;
  expect(text).toMatch(message);
}

const auth = () => ({ Authorization: `Bearer ${access}` });

describe('malformed and oversized bodies', () => {
  it('malformed JSON is 400 "not valid JSON"', async () => {
    const res = await request(t.server)
      .post('/api/v1/auth/register')
      .set('Content-Type', 'application/json')
      .send('{"email": "a@b.co",');
    expectError(res, 400, /request body is not valid JSON/);
    expectNoBusinessMetric();
  });

  it('a JSON array or a bare value where an object is expected is 400', async () => {
    const array = await request(t.server)
      .post('/api/v1/payments')
      .set(auth())
      .set('Content-Type', 'application/json')
      .send('[{"amount": 5}]');
    expectError(array, 400, /request body must be a JSON object/);
    const bare = await request(t.server)
      .post('/api/v1/auth/register')
      .set('Content-Type', 'application/json')
      .send('"text"');
    expectError(bare, 400, /JSON/);
    expectNoBusinessMetric();
  });

  it('a body over BODY_LIMIT (100kb) is 413 with a JSON error', async () => {
    const huge = JSON.stringify({ email: 'big@example.com', password: 'x'.repeat(200_000) });
    const res = await request(t.server)
      .post('/api/v1/auth/register')
      .set('Content-Type', 'application/json')
      .send(huge);
    expectError(res, 413, /request body exceeds the limit of 102400 bytes/);
    expectNoBusinessMetric();
  });

  it('a body that is not JSON at all is validated as empty: 400 naming the missing fields', async () => {
    const res = await request(t.server)
      .post('/api/v1/auth/register')
      .set('Content-Type', 'text/plain')
      .send('email=a@b.co');
    expectError(res, 400, /email must be an email.*password must be/);
    expectNoBusinessMetric();
  });
});

describe('validation: missing fields, wrong types, unknown values', () => {
  const cases: Array<[string, string, string, object, RegExp]> = [
    [
      'register without password',
      'post',
      '/api/v1/auth/register',
      { email: 'a@example.com' },
      /password must be/,
    ],
    [
      'register with a number as password',
      'post',
      '/api/v1/auth/register',
      { email: 'a@example.com', password: 12345678 },
      /password must be a string/,
    ],
    [
      'register with a bad email',
      'post',
      '/api/v1/auth/register',
      { email: 'not-an-email', password: 'password123' },
      /email must be an email/,
    ],
    [
      'register with an unknown source',
      'post',
      '/api/v1/auth/register',
      { email: 'a@example.com', password: 'password123', source: 'fax' },
      /source must be one of the following values: web, ios, android, smart_tv, other/,
    ],
    [
      'register with an extra field',
      'post',
      '/api/v1/auth/register',
      { email: 'a@example.com', password: 'password123', role: 'admin' },
      /property role should not exist/,
    ],
    [
      'refresh with a number',
      'post',
      '/api/v1/auth/refresh',
      { refreshToken: 42 },
      /refreshToken must be a string/,
    ],
    [
      'an unknown reaction type',
      'post',
      '/api/v1/contents/movie-big-buck-bunny/reactions',
      { type: 'meh' },
      /type must be one of the following values: like, dislike, love/,
    ],
    [
      'a profile of an unknown type',
      'post',
      '/api/v1/profiles',
      { name: 'Teen', type: 'teen' },
      /type must be one of the following values: adult, kids/,
    ],
    ['a profile without a name', 'post', '/api/v1/profiles', { type: 'kids' }, /name must be/],
    [
      'a device of an unknown type',
      'post',
      '/api/v1/devices',
      { type: 'fridge', name: 'Kitchen' },
      /type must be one of the following values: tv, mobile, tablet, web, other/,
    ],
    [
      'a payment with a negative amount',
      'post',
      '/api/v1/payments',
      { amount: -5, paymentMethod: 'paypal' },
      /amount must not be less than 0.01/,
    ],
    [
      'a payment with an amount as a string',
      'post',
      '/api/v1/payments',
      { amount: '5', paymentMethod: 'paypal' },
      /amount must be a number/,
    ],
    [
      'a payment with 3 decimals',
      'post',
      '/api/v1/payments',
      { amount: 1.234, paymentMethod: 'paypal' },
      /amount must be a number/,
    ],
    [
      'a payment above the maximum',
      'post',
      '/api/v1/payments',
      { amount: 1e9, paymentMethod: 'paypal' },
      /amount must not be greater than 10000/,
    ],
    [
      'a payment with an unknown method',
      'post',
      '/api/v1/payments',
      { amount: 5, paymentMethod: 'bitcoin' },
      /paymentMethod must be one of the following values: card, mobile_money, paypal/,
    ],
    [
      'a card payment without a card',
      'post',
      '/api/v1/payments',
      { amount: 5, paymentMethod: 'card' },
      /card is required when paymentMethod is card/,
    ],
    [
      'a card payment with an invalid number',
      'post',
      '/api/v1/payments',
      { amount: 5, paymentMethod: 'card', card: { number: '1234' } },
      /card.number must be a valid card number/,
    ],
    [
      'a card with a PayPal payment',
      'post',
      '/api/v1/payments',
      { amount: 5, paymentMethod: 'paypal', card: '4242424242424242' },
      /card is not accepted with paymentMethod paypal/,
    ],
    [
      'a card of the wrong type',
      'post',
      '/api/v1/payments',
      { amount: 5, paymentMethod: 'card', card: 4242424242424242 },
      /card must be an object/,
    ],
    [
      'a subscription to an unknown plan',
      'post',
      '/api/v1/subscriptions',
      { plan: 'weekly', paymentMethod: 'paypal' },
      /plan must be one of the following values: monthly, annual/,
    ],
  ];

  it.each(cases)('%s is 400 naming the field', async (_name, method, path, body, message) => {
    const res = await (request(t.server) as unknown as Record<string, (p: string) => request.Test>)
      [method](path)
      .set(auth())
      .send(body);
    expectError(res, 400, message);
    expectNoBusinessMetric();
  });

  it('an unknown ?type= of the catalogue is 400', async () => {
    expectError(
      await request(t.server).get('/api/v1/contents?type=podcast'),
      400,
      /type must be one of the following values/,
    );
    expectError(
      await request(t.server).get('/api/v1/contents?type=movie&type=live'),
      400,
      /type must be one of/,
    );
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
    const res = await request(t.server)
      .post('/api/v1/auth/login')
      .set('Content-Type', 'application/json')
      .send('{"email":');
    expectError(res, 400, /request body is not valid JSON/);
    expect(failed.mock.calls).toEqual([['invalid_request']]);
    expect(recorders[BUSINESS_METHODS.indexOf('recordLogin')].mock.calls).toEqual([['local', false]]);
    // Another route's malformed body is not a login.
    await request(t.server)
      .post('/api/v1/auth/register')
      .set('Content-Type', 'application/json')
      .send('{"email":')
      .expect(400);
    expect(failed).toHaveBeenCalledTimes(1);
  });
});

describe('routes and ids', () => {
  it('unknown routes and methods are 404 JSON', async () => {
    expectError(
      await request(t.server).get('/api/v1/nothing-here'),
      404,
      /Cannot GET \/api\/v1\/nothing-here/,
    );
    expectError(await request(t.server).patch('/api/v1/contents'), 404, /Cannot PATCH/);
    expectError(await request(t.server).get('/contents'), 404, /Cannot GET/);
    expectNoBusinessMetric();
  });

  it('ids that cannot exist are 404, a broken percent-encoding 400, never 500', async () => {
    expectError(await request(t.server).get(`/api/v1/contents/${'x'.repeat(2000)}`), 404, /not found/);
    expectError(await request(t.server).get("/api/v1/contents/1'%20OR%20'1'='1"), 404, /not found/);
    expectError(
      await request(t.server).post('/api/v1/profiles/not-a-uuid/switch').set(auth()),
      404,
      /profile not-a-uuid not found/,
    );
    expectError(
      await request(t.server).delete('/api/v1/streams/nope').set(auth()),
      404,
      /stream nope not found/,
    );
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

describe('hostile input: each class is its 4xx JSON error, counted in the HTTP metrics with that status', () => {
  type Call = [method: string, path: string, status: number, seconds: number];
  let http: jest.SpyInstance;
  beforeEach(() => {
    http = jest.spyOn(metrics, 'recordHttpRequest');
  });

  /** The HTTP metrics record a request when its response closes, just after the client has it. */
  async function expectCounted(method: string, template: string, status: number): Promise<void> {
    await waitFor(`${method} ${template} ${status} recorded`, () =>
      (http.mock.calls as Call[]).some(([m, p, s]) => m === method && p === template && s === status)
        ? true
        : undefined,
    );
  }

  const NESTED_ARRAYS = `{"email":${'['.repeat(2000)}${']'.repeat(2000)},"password":"password123"}`;
  const NESTED_OBJECTS = `{"name":${'{"a":'.repeat(3000)}1${'}'.repeat(3000)},"type":"adult"}`;

  it.each([
    ['POST', '/api/v1/auth/login', '/api/v1/auth/login'],
    ['POST', '/api/v1/payments', '/api/v1/payments'],
    ['POST', '/api/v1/contents/movie-big-buck-bunny/reactions', '/api/v1/contents/:id/reactions'],
    ['GET', '/health/live', '/health/live'],
    ['GET', '/metrics', '/metrics'],
    ['GET', '/api/v1/nothing-here', 'unmatched'],
  ])(
    'a body labelled gzip, br or deflate that is not compressed: 400 on %s %s',
    async (method, path, template) => {
      for (const encoding of ['gzip', 'br', 'deflate']) {
        const res = await request(t.server)
          [method === 'GET' ? 'get' : 'post'](path)
          .set(auth())
          .set('Content-Type', 'application/json')
          .set('Content-Encoding', encoding)
          .send('{"email":"a@b.co","password":"password123"}');
        expectError(res, 400, new RegExp(`request body is not valid ${encoding} data`));
      }
      await expectCounted(method, template, 400);
      // A refused login body is a failed login (invalid_request), as for malformed JSON.
      if (path === '/api/v1/auth/login')
        expect(recorders[BUSINESS_METHODS.indexOf('recordLogin')].mock.calls).toEqual(
          Array(3).fill(['local', false]),
        );
      else expectNoBusinessMetric();
    },
  );

  it.each([
    ['2,000 nested arrays', '/api/v1/auth/register', NESTED_ARRAYS],
    ['3,000 nested objects', '/api/v1/profiles', NESTED_OBJECTS],
    ['3,000 nested objects', '/api/v1/payments', NESTED_OBJECTS],
    ['2,000 nested arrays', '/api/v1/auth/login', NESTED_ARRAYS],
  ])('%s in a body of %s: 400 before validation recurses', async (_what, path, body) => {
    const res = await request(t.server)
      .post(path)
      .set(auth())
      .set('Content-Type', 'application/json')
      .send(body);
    expectError(res, 400, /request body is nested deeper than 32 levels/);
    await expectCounted('POST', path, 400);
  });

  it.each([
    ['GET', '/api/v1/contents/movie%00x', '/api/v1/contents/:id'],
    ['POST', '/api/v1/contents/%00/views', '/api/v1/contents/:id/views'],
    ['POST', '/api/v1/contents/a%00b/streams', '/api/v1/contents/:id/streams'],
    ['PUT', '/api/v1/contents/a%00b/favorite', '/api/v1/contents/:id/favorite'],
    ['DELETE', '/api/v1/contents/a%00b/favorite', '/api/v1/contents/:id/favorite'],
    ['POST', '/api/v1/profiles/a%00b/switch', '/api/v1/profiles/:id/switch'],
    ['DELETE', '/api/v1/streams/%00', '/api/v1/streams/:streamId'],
  ])('a NUL byte in an id: 400 on %s %s', async (method, path, template) => {
    const res = await (request(t.server) as unknown as Record<string, (p: string) => request.Test>)
      [method.toLowerCase()](path)
      .set(auth());
    expectError(res, 400, /the URL contains an encoded NUL character/);
    await expectCounted(method, template, 400);
    expectNoBusinessMetric();
  });

  it.each([
    [
      'a display name',
      '/api/v1/auth/register',
      { email: 'nul@example.com', password: 'password123', displayName: 'Zo\u0000e' },
    ],
    ['a device name', '/api/v1/devices', { type: 'tv', name: 'Living\u0000room' }],
    ['a profile name', '/api/v1/profiles', { name: '\u0000', type: 'kids' }],
    ['a password', '/api/v1/auth/login', { email: 'careful@example.com', password: 'password\u0000123' }],
  ])('a NUL byte in %s: 400', async (_what, path, body) => {
    const res = await request(t.server).post(path).set(auth()).send(body);
    expectError(res, 400, /request body contains a NUL character/);
    await expectCounted('POST', path, 400);
  });

  it.each([
    ['register', '/api/v1/auth/register', '{"email":"a\\ud800@b.co","password":"password123"}'],
    ['login', '/api/v1/auth/login', '{"email":"careful\\udc00@example.com","password":"password123"}'],
    ['a profile name', '/api/v1/profiles', '{"name":"Kid\\ud83c","type":"kids"}'],
    ['a device name', '/api/v1/devices', '{"name":"\\udfffTV","type":"tv"}'],
  ])('a lone UTF-16 surrogate on %s: 400', async (_what, path, body) => {
    const res = await request(t.server)
      .post(path)
      .set(auth())
      .set('Content-Type', 'application/json')
      .send(body);
    expectError(res, 400, /lone UTF-16 surrogate/);
    await expectCounted('POST', path, 400);
  });

  it.each([
    ['1e-7', /amount must not be less than 0.01; amount must be a number with at most 2 decimal places/],
    ['5e-324', /amount must not be less than 0.01/],
    ['1e-9', /amount must not be less than 0.01/],
    ['0.001', /amount must be a number with at most 2 decimal places/],
    ['1e400', /amount must be a number/],
    ['-0', /amount must not be less than 0.01/],
    ['10000.01', /amount must not be greater than 10000/],
  ])('a payment amount of %s: 400', async (amount, message) => {
    const res = await request(t.server)
      .post('/api/v1/payments')
      .set(auth())
      .set('Content-Type', 'application/json')
      .send(`{"amount":${amount},"paymentMethod":"paypal"}`);
    expectError(res, 400, message);
    await expectCounted('POST', '/api/v1/payments', 400);
    expectNoBusinessMetric();
  });

  it('amounts of 0.01, 19.99 and 1e1 are whole cents and accepted', async () => {
    for (const amount of ['0.01', '19.99', '1e1']) {
      const res = await request(t.server)
        .post('/api/v1/payments')
        .set(auth())
        .set('Content-Type', 'application/json')
        .send(`{"amount":${amount},"paymentMethod":"paypal"}`);
      expect({ status: res.status, amount: (res.body as PaymentReceipt).amount }).toEqual({
        status: 201,
        amount: Number(amount),
      });
    }
  });
});
