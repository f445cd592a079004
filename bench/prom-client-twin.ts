/**
 * The baseline: the same metric set declared with prom-client, the library the team would
 * otherwise pick, so that each MetricsService call has a prom-client twin with the same labels.
 */
import type * as PromClient from 'prom-client';
import type * as Metrics from '@infrastructure/metrics';
import { requireDist, requireRoot } from './lib.ts';

const client = requireRoot('prom-client') as typeof PromClient;
const { METRICS, HTTP_DURATION_BUCKETS_SECONDS } = requireDist(
  './infrastructure/metrics/index.js',
) as typeof Metrics;
type MetricId = keyof typeof METRICS;

export function promClientTwin() {
  const registry = new client.Registry();
  const labelNames = (id: MetricId) => Object.keys(METRICS[id].labels);
  const settings = (id: MetricId) => ({
    name: METRICS[id].name,
    help: METRICS[id].description,
    labelNames: labelNames(id),
    registers: [registry],
  });
  const counter = (id: MetricId) => new client.Counter(settings(id));
  const gauge = (id: MetricId) => new client.Gauge(settings(id));
  const m = {
    registry,
    httpRequests: counter('httpRequests'),
    httpDuration: new client.Histogram({
      name: METRICS.httpRequestDuration.name,
      help: METRICS.httpRequestDuration.description,
      labelNames: labelNames('httpRequestDuration'),
      buckets: [...HTTP_DURATION_BUCKETS_SECONDS],
      registers: [registry],
    }),
    inFlight: gauge('httpRequestsInFlight'),
    login: counter('authLogin'),
    failedLogin: counter('authFailedLogin'),
    tokenRefresh: counter('authTokenRefresh'),
    rateLimit: counter('rateLimitHits'),
    views: counter('contentViews'),
    streams: gauge('activeStreams'),
    reactions: counter('reactions'),
    favorites: counter('favoritesAdded'),
    registrations: counter('registrations'),
    payments: counter('paymentTransactions'),
    amount: counter('paymentAmount'),
    subscriptions: counter('subscriptionCreated'),
    profiles: counter('profilesCreated'),
    switches: counter('profileSwitches'),
    devices: counter('deviceRegistrations'),
    risk: counter('riskEvents'),
  };
  return m;
}
