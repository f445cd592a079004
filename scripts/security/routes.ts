/**
 * The API's HTTP contract as the hostile-input tools drive it: every route (README "The API") with
 * its method, its template (the `path` label the HTTP metrics must use) and what it takes.
 */
export interface ContractRoute {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Route template, the only `path` label value a request to it may produce. */
  readonly template: string;
  /** Bearer token required. */
  readonly auth: boolean;
  /** Takes a JSON body (a DTO): these are the fields it knows. */
  readonly fields?: readonly string[];
}

export const CONTRACT_ROUTES: readonly ContractRoute[] = [
  {
    method: 'POST',
    template: '/api/v1/auth/register',
    auth: false,
    fields: ['email', 'password', 'displayName', 'source'],
  },
  { method: 'POST', template: '/api/v1/auth/login', auth: false, fields: ['email', 'password'] },
  { method: 'POST', template: '/api/v1/auth/refresh', auth: false, fields: ['refreshToken'] },
  { method: 'POST', template: '/api/v1/auth/logout', auth: true },
  { method: 'GET', template: '/api/v1/me', auth: true },
  { method: 'GET', template: '/api/v1/contents', auth: false },
  { method: 'GET', template: '/api/v1/contents/:id', auth: false },
  { method: 'POST', template: '/api/v1/contents/:id/views', auth: true },
  { method: 'POST', template: '/api/v1/contents/:id/streams', auth: true },
  { method: 'POST', template: '/api/v1/contents/:id/reactions', auth: true, fields: ['type'] },
  { method: 'PUT', template: '/api/v1/contents/:id/favorite', auth: true },
  { method: 'DELETE', template: '/api/v1/contents/:id/favorite', auth: true },
  { method: 'DELETE', template: '/api/v1/streams/:streamId', auth: true },
  { method: 'POST', template: '/api/v1/profiles', auth: true, fields: ['name', 'type'] },
  { method: 'POST', template: '/api/v1/profiles/:id/switch', auth: true },
  { method: 'POST', template: '/api/v1/devices', auth: true, fields: ['type', 'name'] },
  {
    method: 'POST',
    template: '/api/v1/subscriptions',
    auth: true,
    fields: ['plan', 'paymentMethod', 'card'],
  },
  { method: 'POST', template: '/api/v1/payments', auth: true, fields: ['amount', 'paymentMethod', 'card'] },
  { method: 'GET', template: '/health/live', auth: false },
  { method: 'GET', template: '/health/ready', auth: false },
  { method: 'GET', template: '/metrics', auth: false },
];

/** The URL of `route` with `id` (already percent-encoded, or deliberately not) in place of its parameter. */
export function pathOf(route: ContractRoute, id: string): string {
  return route.template.replace(/:(id|streamId)/, id);
}
