import { expect } from '@jest/globals';
import fc from 'fast-check';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { HTTP_METHODS, METRIC_DEFINITIONS, OTHER, UNMATCHED_ROUTE } from '@infrastructure/metrics';
import { sendRaw, closeRawConnections, type RawRequest } from '../../scripts/security/raw-http';
import { CONTRACT_ROUTES, pathOf, type ContractRoute } from '../../scripts/security/routes';
import { startApi, type RunningApi } from '../support/api-process';
import { Exposition } from '../support/prometheus-text';

/**
 * Property-based fuzzing of the whole HTTP contract (fast-check) against the built API with its
 * preload, in production mode: generated hostile bodies (deep nesting, NUL, lone surrogates, odd
 * numbers, random bytes, malformed JSON), ids, headers, methods, content types and encodings.
 * Properties: no answer is a 5xx, every request gets a complete answer (no hang), every 4xx is the
 * JSON error; the exposition's label values stay within the catalogue's closed sets and the route
 * templates; a repeated batch adds no series.
 *
 * Budget (a fixed seed in the normal suite): FUZZ_SEED, FUZZ_RUNS (requests per batch),
 * FUZZ_TIME_LIMIT_MS (per batch; the runs done by then count). E.g.
 *   FUZZ_RUNS=20000 FUZZ_TIME_LIMIT_MS=1800000 FUZZ_SEED=$RANDOM npx jest test/integration/api-fuzz.spec.ts
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_202);
const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);
const TIME_LIMIT_MS = Number(process.env.FUZZ_TIME_LIMIT_MS ?? 20_000);
/** A hang guard per request, not a performance threshold. */
const REQUEST_TIMEOUT_MS = 15_000;

const JWT_SECRET = 'fz7Qp2vX9cL4kZ8wR1yN6bF3hJ5dS0gAeUiO2uY7rTk';
const METRICS_TOKEN = 'mT7pQ2vX9cL4kZ8wR1yN6bF3hJ5dS0gA-eU_iO2uY7r';

jest.setTimeout(Math.max(240_000, 3 * TIME_LIMIT_MS + 120_000));

// ---- generators ------------------------------------------------------------------------------

/** Every byte of the UTF-8 of `s` percent-encoded (lone surrogates become U+FFFD, as a browser sends them). */
const percentEncode = (s: string) =>
  [...Buffer.from(s, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');

const HOSTILE_SEGMENTS = [
  '%00',
  'a%00b',
  '%ED%A0%80',
  '%E0%A4%A',
  '%',
  '%25',
  '%2e%2e%2f',
  '%2F',
  "'%20OR%20'1'%3D'1",
  '%C0%AE',
  '%FF',
  '%u0000',
  'x'.repeat(3000),
  '..',
  'null',
  '-1',
  '1e-7',
];

const idArb = (knownIds: readonly string[]) =>
  fc.oneof(
    fc.constantFrom(...knownIds),
    fc.constantFrom(...HOSTILE_SEGMENTS),
    fc.stringMatching(/^[A-Za-z0-9._~-]{1,64}$/),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }).map(percentEncode),
  );

/** Values for any field: strings with NUL or lone surrogates, numbers at float edges, wrong types. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.constantFrom(
    '\u0000',
    'a\u0000b',
    '\ud800',
    'x\udfffy',
    '\ud83c',
    '🎬',
    'a@b.co',
    'zoë@example.com',
    '4242424242424242',
    'x'.repeat(10_000),
  ),
  fc.constantFrom(
    1e-7,
    5e-324,
    -0,
    1e308,
    -1e308,
    0.01,
    19.99,
    10_000.01,
    4242424242424242,
    Number.MAX_SAFE_INTEGER + 2,
  ),
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 10 }), { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 4 }),
  fc.constantFrom(
    'card',
    'paypal',
    'mobile_money',
    'monthly',
    'annual',
    'like',
    'tv',
    'kids',
    'adult',
    'movie',
    'web',
  ),
);

/** A JSON text nested `depth` levels deep (arrays or objects), optionally as a field of an object. */
const deepJson = fc
  .record({ depth: fc.integer({ min: 20, max: 5000 }), objects: fc.boolean(), asField: fc.boolean() })
  .map(({ depth, objects, asField }) => {
    const nested = objects
      ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`
      : `${'['.repeat(depth)}${']'.repeat(depth)}`;
    return asField ? `{"email":${nested},"name":"x"}` : nested;
  });

const bodyTextArb = (route: ContractRoute) =>
  fc.oneof(
    // A DTO with its own fields (and sometimes a stray one) holding hostile values.
    fc
      .dictionary(
        fc.constantFrom(...(route.fields ?? ['x']), 'role', '__proto__', 'constructor'),
        hostileValue,
        { maxKeys: 5 },
      )
      .map((o) => JSON.stringify(o)),
    fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
    deepJson,
    fc.string({ maxLength: 200 }),
    fc.constantFrom(
      '{',
      '{"email":',
      '[',
      'null',
      '"text"',
      '{"a":1}}',
      '\u0000',
      '{"email":"\\ud800@b.co"}',
      '{"name":"\\u0000"}',
    ),
  );

type Encoding = 'none' | 'gzip' | 'br' | 'deflate';
const COMPRESS: Record<Exclude<Encoding, 'none'>, (b: Buffer) => Buffer> = {
  gzip: gzipSync,
  br: brotliCompressSync,
  deflate: deflateSync,
};

const bodyArb = (route: ContractRoute) =>
  fc.record({
    bytes: fc.oneof(
      { weight: 4, arbitrary: bodyTextArb(route).map((s) => Buffer.from(s, 'utf8')) },
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 512 }).map((a) => Buffer.from(a)) },
    ),
    encoding: fc.constantFrom<Encoding>('none', 'none', 'gzip', 'br', 'deflate'),
    /** A body labelled compressed may really be compressed, or not at all. */
    reallyCompressed: fc.boolean(),
    contentEncodingHeader: fc.constantFrom(undefined, undefined, 'identity', 'compress', 'gzip, br', 'GZIP'),
    contentType: fc.constantFrom(
      'application/json',
      'application/json',
      'application/json; charset=utf-8',
      'application/json; charset=utf-16',
      'application/json; charset=latin1',
      'application/x-www-form-urlencoded',
      'text/plain',
      'multipart/form-data; boundary=x',
      'application/vnd.api+json',
      undefined,
    ),
  });

/** Header values an attacker can send (visible ASCII: Node's client refuses control characters). */
const headerValue = fc.stringMatching(/^[\x21-\x7e][\x20-\x7e]{0,200}$/);

interface Generated {
  readonly route: ContractRoute;
  readonly request: RawRequest;
}

function requestArb(token: string, knownIds: readonly string[]): fc.Arbitrary<Generated> {
  return fc.constantFrom(...CONTRACT_ROUTES).chain((route) =>
    fc
      .record({
        id: idArb(knownIds),
        method: fc.oneof(
          { weight: 6, arbitrary: fc.constant(route.method) },
          { weight: 1, arbitrary: fc.constantFrom(...HTTP_METHODS) },
        ),
        query: fc.oneof(
          fc.constant(''),
          fc.constantFrom(
            '?type=movie',
            '?type=%00',
            '?type=podcast',
            '?type=movie&type=live',
            '?type[]=x',
            '?type[a][b]=1',
            '?type=%ED%A0%80',
            '?%',
          ),
          fc.string({ unit: 'binary', maxLength: 30 }).map((s) => `?type=${percentEncode(s)}`),
        ),
        // Logout never gets the suite's token: it would end the session every other request uses.
        authorization: fc.constantFrom(
          route.template.endsWith('/logout') ? 'none' : 'valid',
          'none',
          'garbage',
          'bearer-only',
          'long',
          'basic',
          'tampered',
          'random',
        ),
        randomAuthorization: headerValue,
        body: fc.option(bodyArb(route), { freq: 3 }),
        forwardedFor: fc.option(headerValue, { freq: 2 }),
        extraHeader: fc.option(fc.tuple(fc.stringMatching(/^x-[a-z0-9-]{1,20}$/), headerValue), { freq: 2 }),
        accept: fc.constantFrom(undefined, '*/*', 'text/html', 'application/xml', '\u0021'),
      })
      .map(
        ({
          id,
          method,
          query,
          authorization,
          randomAuthorization,
          body,
          forwardedFor,
          extraHeader,
          accept,
        }) => {
          const headers: Record<string, string> = {};
          const auth: Record<string, string | undefined> = {
            valid: `Bearer ${token}`,
            none: undefined,
            garbage: 'Bearer a.b.c',
            'bearer-only': 'Bearer',
            long: `Bearer ${'a'.repeat(8000)}`,
            basic: 'Basic dXNlcjpwYXNz',
            tampered: `Bearer ${token.slice(0, -2)}xx`,
            random: randomAuthorization,
          };
          if (auth[authorization]) headers.authorization = auth[authorization]!;
          if (forwardedFor) headers['x-forwarded-for'] = forwardedFor;
          if (extraHeader) headers[extraHeader[0]] = extraHeader[1];
          if (accept) headers.accept = accept;
          let bytes: Buffer | undefined;
          if (body) {
            bytes = body.bytes;
            if (body.contentType) headers['content-type'] = body.contentType;
            if (body.encoding !== 'none') {
              headers['content-encoding'] = body.encoding;
              if (body.reallyCompressed) bytes = COMPRESS[body.encoding](bytes);
            } else if (body.contentEncodingHeader) {
              headers['content-encoding'] = body.contentEncodingHeader;
            }
          }
          const path =
            pathOf(route, id) +
            (route.template === '/api/v1/contents' || query.startsWith('?type=movie') ? query : '');
          return { route, request: { method, path, headers, body: bytes } };
        },
      ),
  );
}

// ---- the run ---------------------------------------------------------------------------------

let api: RunningApi;
let token: string;
let knownIds: string[];
const statusCounts = new Map<number, number>();
const sent: RawRequest[] = [];

beforeAll(async () => {
  api = await startApi(
    {
      NODE_ENV: 'production',
      JWT_SECRET,
      METRICS_TOKEN,
      PAYMENT_GATEWAY: 'sandbox',
      THROTTLE_LIMIT: '10000000',
      // A lockout reached in the third batch would be a new (method, path, status) series there.
      LOGIN_MAX_FAILURES: '10000000',
      LOG_LEVEL: 'error',
    },
    'api (fuzz)',
  );
  expect((await api.client.register('fuzz@example.com', 'password123')).status).toBe(201);
  token = ((await api.client.login('fuzz@example.com', 'password123')).body as { accessToken: string })
    .accessToken;
  const contents = await api.client.contents();
  knownIds = contents.body.slice(0, 3).map((c) => c.id);
  expect(knownIds.length).toBeGreaterThan(0);
  // Per-account quotas filled up front, so that no batch reaches one for the first time (which
  // would add a 409 or 429 series late and make the repeated-batch check depend on the budget).
  const free = contents.body.find((c) => c.accessType === 'free')!;
  for (let i = 0; i < 5; i++) await api.client.createProfile(token, `profile ${i}`, 'adult');
  expect((await api.client.createProfile(token, 'one too many', 'kids')).status).toBe(409);
  for (let i = 0; i < 10; i++) await api.client.startStream(token, free.id);
  expect((await api.client.startStream(token, free.id)).status).toBe(429);
}, 90_000);

afterAll(async () => {
  closeRawConnections();
  await api?.stop();
});

/** Sends one request and checks what every answer must be. */
async function check(req: RawRequest): Promise<void> {
  const res = await sendRaw(api.url, req, REQUEST_TIMEOUT_MS);
  statusCounts.set(res.status, (statusCounts.get(res.status) ?? 0) + 1);
  const what = `${req.method} ${req.path.slice(0, 100)} → ${res.status} ${res.body.toString('utf8').slice(0, 300)}`;
  if (res.status >= 500) throw new Error(`5xx: ${what}`);
  if (res.status >= 400 && req.method !== 'HEAD') {
    let body: unknown;
    try {
      body = JSON.parse(res.body.toString('utf8'));
    } catch {
      throw new Error(`a ${res.status} that is not JSON: ${what}`);
    }
    expect(body).toEqual({ statusCode: res.status, error: expect.any(String), message: expect.anything() });
  }
}

async function scrape(): Promise<Exposition> {
  const res = await sendRaw(api.url, {
    method: 'GET',
    path: '/metrics',
    headers: { authorization: `Bearer ${METRICS_TOKEN}` },
  });
  expect(res.status).toBe(200);
  return new Exposition(res.body.toString('utf8'));
}

/** Every label of every catalogue series takes a value of its closed set (or `other`), a route template or a status code. */
function labelViolations(exposition: Exposition): string[] {
  const templates = new Set([...CONTRACT_ROUTES.map((r) => r.template), UNMATCHED_ROUTE]);
  const violations: string[] = [];
  for (const def of METRIC_DEFINITIONS) {
    const family = exposition.families.get(def.name);
    if (!family) continue;
    for (const sample of family.samples) {
      for (const [label, value] of Object.entries(sample.labels)) {
        const allowed = def.labels[label];
        const ok =
          allowed === undefined
            ? false
            : allowed === 'route'
              ? templates.has(value)
              : allowed === 'http_method'
                ? ([...HTTP_METHODS, OTHER] as string[]).includes(value)
                : allowed === 'http_status'
                  ? /^[1-5]\d\d$/.test(value)
                  : [...allowed, OTHER].includes(value);
        if (!ok) violations.push(`${def.name}{${label}="${value}"}`);
      }
    }
  }
  return violations;
}

const seriesOf = (exposition: Exposition) =>
  new Set(
    METRIC_DEFINITIONS.flatMap((def) =>
      (exposition.families.get(def.name)?.samples ?? []).map((s) => `${def.name}${JSON.stringify(s.labels)}`),
    ),
  );

it('fuzzes every route: no 5xx, no hang, JSON errors, closed label values, no new series on a repeated batch', async () => {
  const started = Date.now();
  const arb = requestArb(token, knownIds);
  await fc.assert(
    fc.asyncProperty(arb, async ({ request }) => {
      await check(request);
      sent.push(request);
    }),
    {
      seed: SEED,
      numRuns: RUNS,
      interruptAfterTimeLimit: TIME_LIMIT_MS,
      markInterruptAsFailure: false,
      endOnFailure: false,
    },
  );
  const firstBatchMs = Date.now() - started;
  const routesHit = new Set(sent.map((r) => r.path.split('?')[0]));
  expect(sent.length).toBeGreaterThan(Math.min(RUNS, 100) - 1);

  const afterFirst = await scrape();
  expect(labelViolations(afterFirst)).toEqual([]);

  // The same requests twice more: the first repeat may still add outcomes that depend on state (an
  // e-mail registered by the first batch is now a 409); the second must add no series at all.
  for (const req of sent) await check(req);
  const afterSecond = await scrape();
  for (const req of sent) await check(req);
  const afterThird = await scrape();
  expect(labelViolations(afterThird)).toEqual([]);
  const grown = [...seriesOf(afterThird)].filter((s) => !seriesOf(afterSecond).has(s));
  expect(grown).toEqual([]);

  const total = [...statusCounts.values()].reduce((a, b) => a + b, 0);
  const byStatus = Object.fromEntries([...statusCounts.entries()].sort(([a], [b]) => a - b));
  process.stdout.write(
    `fuzz: seed ${SEED}, ${sent.length} generated requests per batch (first batch ${firstBatchMs} ms), ${total} requests in ${Date.now() - started} ms, ` +
      `${routesHit.size} distinct paths, by status ${JSON.stringify(byStatus)}, ` +
      `${seriesOf(afterFirst).size} → ${seriesOf(afterSecond).size} → ${seriesOf(afterThird).size} catalogue series\n`,
  );
  // Every route of the contract was driven.
  const templatesHit = new Set(
    afterThird.family('mytelevision_http_requests_total').samples.map((s) => s.labels.path),
  );
  expect(CONTRACT_ROUTES.map((r) => r.template).filter((t) => !templatesHit.has(t))).toEqual([]);
});
