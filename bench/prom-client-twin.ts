/**
 * The baseline: the same metric set declared with prom-client, the library the team would
 * otherwise pick, so that each MetricsService call has a prom-client twin with the same labels.
 */
import { requireDist, requireRoot } from './lib.ts';

const client = requireRoot('prom-client');
const { METRICS, HTTP_DURATION_BUCKETS_SECONDS } = requireDist('./infrastructure/metrics/index.js');

export function promClientTwin() {
  const registry = new client.Registry();
  const labelNames = (id: string) => Object.keys(METRICS[id].labels);
  const make = (kind: 'Counter' | 'Gauge', id: string) =>
    new client[kind]({
      name: METRICS[id].name,
      help: METRICS[id].description,
      labelNames: labelNames(id),
      registers: [registry],
    });
  const m = {
    registry,
    httpRequests: make('Counter', 'httpRequests'),
    httpDuration: new client.Histogram({
      name: METRICS.httpRequestDuration.name,
      help: METRICS.httpRequestDuration.description,
      labelNames: labelNames('httpRequestDuration'),
      buckets: HTTP_DURATION_BUCKETS_SECONDS,
      registers: [registry],
    }),
    inFlight: make('Gauge', 'httpRequestsInFlight'),
    login: make('Counter', 'authLogin'),
    failedLogin: make('Counter', 'authFailedLogin'),
    tokenRefresh: make('Counter', 'authTokenRefresh'),
    rateLimit: make('Counter', 'rateLimitHits'),
    views: make('Counter', 'contentViews'),
    streams: make('Gauge', 'activeStreams'),
    reactions: make('Counter', 'reactions'),
    favorites: make('Counter', 'favoritesAdded'),
    registrations: make('Counter', 'registrations'),
    payments: make('Counter', 'paymentTransactions'),
    amount: make('Counter', 'paymentAmount'),
    subscriptions: make('Counter', 'subscriptionCreated'),
    profiles: make('Counter', 'profilesCreated'),
    switches: make('Counter', 'profileSwitches'),
    devices: make('Counter', 'deviceRegistrations'),
    risk: make('Counter', 'riskEvents'),
  };
  return m;
}
