/**
 * The bad-input classes of the hostile-input review, as concrete requests over every route of the
 * contract: bodies labelled compressed that are not, deep nesting, NUL in ids and names, lone
 * surrogates in e-mails and names, payment amounts in exponent notation. Each answer must be a 4xx.
 */
import { CONTRACT_ROUTES, pathOf } from './routes.ts';
import type { RawRequest } from './raw-http.ts';

export interface HostileClass {
  readonly name: string;
  readonly requests: readonly RawRequest[];
}

export interface Context {
  /** A valid access token, so guarded routes reach their validation. */
  readonly token: string;
  /** A content id that exists. */
  readonly contentId: string;
}

const json = (text: string) => new TextEncoder().encode(text);
const ID_ROUTES = CONTRACT_ROUTES.filter((r) => r.template.includes(':'));

export function hostileClasses(ctx: Context): HostileClass[] {
  const auth = { authorization: `Bearer ${ctx.token}` };
  const jsonHeaders = { ...auth, 'content-type': 'application/json' };
  // Logout never gets the token: a logout that went through would end the session every other
  // request of the replay relies on.
  const withoutAuth = ({ authorization: _token, ...rest }: Record<string, string>) => rest;
  const onEveryRoute = (body: Uint8Array, headers: Record<string, string>): RawRequest[] =>
    CONTRACT_ROUTES.map((r) => ({
      method: r.method,
      path: pathOf(r, ctx.contentId),
      headers: r.template.endsWith('/logout') ? withoutAuth(headers) : headers,
      body,
    }));

  const encodings = ['gzip', 'br', 'deflate'].flatMap((encoding) =>
    [
      '{"email":"a@b.co","password":"password123"}',
      '{"amount":5,"paymentMethod":"paypal"}',
      'not even json',
      '{}',
    ].flatMap((text) => onEveryRoute(json(text), { ...jsonHeaders, 'content-encoding': encoding })),
  );

  const nested = [
    `${'['.repeat(2000)}${']'.repeat(2000)}`,
    `${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}`,
    `{"email":${'['.repeat(2000)}${']'.repeat(2000)},"password":"password123"}`,
    `{"name":${'{"a":'.repeat(3000)}1${'}'.repeat(3000)},"type":"adult"}`,
    `{"amount":${'['.repeat(5000)}${']'.repeat(5000)}}`,
    `{"card":${'{"number":'.repeat(1000)}"4242424242424242"${'}'.repeat(1000)},"paymentMethod":"card","plan":"monthly"}`,
  ];
  const deep = nested.flatMap((text) => onEveryRoute(json(text), jsonHeaders));

  const nulIds = [
    '%00',
    'a%00b',
    '%00%00',
    `${ctx.contentId}%00`,
    '%00.json',
    'x%00%27%20OR%201%3D1',
  ].flatMap((id) => ID_ROUTES.map((r) => ({ method: r.method, path: pathOf(r, id), headers: auth })));
  const nulNames = ['a\u0000b', '\u0000', 'Living room\u0000', '\u0000\u0000\u0000'].flatMap((name) => [
    {
      method: 'POST',
      path: '/api/v1/auth/register',
      headers: jsonHeaders,
      body: json(
        JSON.stringify({
          email: `nul${name.length}@example.com`,
          password: 'password123',
          displayName: name,
        }),
      ),
    },
    {
      method: 'POST',
      path: '/api/v1/devices',
      headers: jsonHeaders,
      body: json(JSON.stringify({ type: 'tv', name })),
    },
    {
      method: 'POST',
      path: '/api/v1/profiles',
      headers: jsonHeaders,
      body: json(JSON.stringify({ type: 'kids', name })),
    },
    {
      method: 'POST',
      path: '/api/v1/auth/login',
      headers: jsonHeaders,
      body: json(JSON.stringify({ email: 'nobody@example.com', password: name })),
    },
  ]);

  const surrogates = ['\\ud800', '\\udc00', '\\udfff', '\\ud83c', '\\ud800\\ud800', 'a\\udbff'];
  const lone = surrogates.flatMap((s) => [
    {
      method: 'POST',
      path: '/api/v1/auth/register',
      headers: jsonHeaders,
      body: json(`{"email":"a${s}@b.co","password":"password123"}`),
    },
    {
      method: 'POST',
      path: '/api/v1/auth/login',
      headers: jsonHeaders,
      body: json(`{"email":"a${s}@b.co","password":"password123"}`),
    },
    {
      method: 'POST',
      path: '/api/v1/auth/register',
      headers: jsonHeaders,
      body: json(`{"email":"ok@example.com","password":"password123","displayName":"${s}"}`),
    },
    {
      method: 'POST',
      path: '/api/v1/profiles',
      headers: jsonHeaders,
      body: json(`{"name":"Kid${s}","type":"kids"}`),
    },
    {
      method: 'POST',
      path: '/api/v1/devices',
      headers: jsonHeaders,
      body: json(`{"name":"${s}TV","type":"tv"}`),
    },
  ]);

  const amounts = [
    '1e-7',
    '5e-324',
    '1e-9',
    '0.001',
    '-0',
    '1e-2000',
    '1.005',
    '9.999e-3',
    '1E-7',
    '-5e-324',
  ].flatMap((amount) =>
    ['paypal', 'mobile_money'].map((method) => ({
      method: 'POST',
      path: '/api/v1/payments',
      headers: jsonHeaders,
      body: json(`{"amount":${amount},"paymentMethod":"${method}"}`),
    })),
  );

  return [
    { name: 'Content-Encoding gzip/br/deflate on an uncompressed body, every route', requests: encodings },
    { name: 'deep nesting (2,000 arrays, 3,000 objects, 5,000 arrays), every route', requests: deep },
    { name: 'NUL in ids (every route with an id)', requests: nulIds },
    { name: 'NUL in display, device and profile names, passwords', requests: nulNames },
    { name: 'lone UTF-16 surrogates in e-mails and names', requests: lone },
    { name: 'payment amounts such as 1e-7 and 5e-324', requests: amounts },
  ];
}
