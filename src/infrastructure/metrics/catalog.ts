/**
 * The mytelevision metric catalogue: the one place where a metric name, its kind, unit, label names
 * and allowed label values are written. MetricsService, the docs, the dashboards and the alert tests
 * take names from here or are checked against it (test/unit/metrics/catalog.spec.ts holds the
 * agreed table).
 *
 * Names and label names are the ones the team agreed on, verbatim. Some gauges keep a `_total`
 * suffix (auth_active_sessions_total, active_streams_total, active_users_total,
 * premium_subscribers_total) because existing dashboards and alerts use those names; `promtool
 * check metrics` warns about them and test/integration/exposition.spec.ts allow-lists exactly those
 * warnings.
 */

import { ACCESS_TYPES } from '../../common/vocabulary/access.ts';
import { RISK_ACTIONS, RISK_TYPES } from '../../common/vocabulary/risk.ts';
import {
  DEVICE_TYPES,
  FAILED_LOGIN_REASONS,
  LOGIN_PROVIDERS,
  LOGIN_STATUSES,
  REGISTRATION_SOURCES,
} from '../../auth/auth-vocabulary.ts';
import { CONTENT_TYPES, REACTION_TYPES } from '../../content/content-vocabulary.ts';
import { PAYMENT_METHODS, PAYMENT_STATUSES, PLAN_TYPES } from '../../payments/payment-vocabulary.ts';
import { PROFILE_TYPES } from '../../profiles/profile-vocabulary.ts';

// The label values are the domain's vocabularies (src/common/vocabulary/README.md): imported here,
// re-exported for the metrics module's own code; domain code imports them from their modules.
export * from '../../common/vocabulary/access.ts';
export * from '../../common/vocabulary/risk.ts';
export * from '../../auth/auth-vocabulary.ts';
export * from '../../content/content-vocabulary.ts';
export * from '../../payments/payment-vocabulary.ts';
export * from '../../profiles/profile-vocabulary.ts';

/** How a metric is recorded: decides the OpenTelemetry instrument and the Prometheus type. */
export type MetricKind =
  /** monotonic, recorded by business code: OTel Counter -> Prometheus counter */
  | 'counter'
  /** distribution, recorded by business code: OTel Histogram -> Prometheus histogram */
  | 'histogram'
  /** per-process level that goes up and down: OTel UpDownCounter -> Prometheus gauge */
  | 'updowncounter'
  /** state observed from the source of truth at collection time: OTel ObservableGauge -> gauge */
  | 'observed_gauge';

/**
 * Allowed values of one label. A closed list: values outside it are recorded as `other`.
 * `route`: an Express route template (`/api/v1/contents/:id`), unmatched routes share one value.
 * `http_method` and `http_status`: bounded sets checked by the HTTP recorder.
 */
export type LabelValues = readonly string[] | 'route' | 'http_method' | 'http_status';

export interface MetricDefinition {
  readonly name: string;
  readonly kind: MetricKind;
  readonly description: string;
  /** UCUM unit; empty for counts (a `1` would make the Collector's Prometheus translator add `_ratio`). */
  readonly unit: string;
  /** Label name -> allowed values, in the agreed order of the labels. */
  readonly labels: Readonly<Record<string, LabelValues>>;
}

/** Value recorded for a label whose input is outside its closed set. */
export const OTHER = 'other';
/** `path` / `endpoint` value shared by every request that matched no route. */
export const UNMATCHED_ROUTE = 'unmatched';

/** Request-duration buckets in seconds (docs/metrics.md). */
export const HTTP_DURATION_BUCKETS_SECONDS: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
];

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

const def = <const D extends MetricDefinition>(d: D): D => d;

/** The 24 instruments of the catalogue (docs/metrics.md), keyed by a short id used in code. */
export const METRICS = {
  httpRequests: def({
    name: 'mytelevision_http_requests_total',
    kind: 'counter',
    description: 'HTTP requests handled, by method, route template and status code',
    unit: '',
    labels: { method: 'http_method', path: 'route', status_code: 'http_status' },
  }),
  httpRequestDuration: def({
    name: 'mytelevision_http_request_duration_seconds',
    kind: 'histogram',
    description: 'HTTP request duration in seconds, by method, route template and status code',
    unit: 's',
    labels: { method: 'http_method', path: 'route', status_code: 'http_status' },
  }),
  httpRequestsInFlight: def({
    name: 'mytelevision_http_requests_in_flight',
    kind: 'updowncounter',
    description: 'HTTP requests being handled by this instance',
    unit: '',
    labels: {},
  }),
  authLogin: def({
    name: 'mytelevision_auth_login_total',
    kind: 'counter',
    description: 'Login attempts by provider and outcome',
    unit: '',
    labels: { provider: LOGIN_PROVIDERS, status: LOGIN_STATUSES },
  }),
  authFailedLogin: def({
    name: 'mytelevision_auth_failed_login_total',
    kind: 'counter',
    description: 'Failed login attempts by reason',
    unit: '',
    labels: { reason: FAILED_LOGIN_REASONS },
  }),
  authActiveSessions: def({
    name: 'mytelevision_auth_active_sessions_total',
    kind: 'observed_gauge',
    description: 'Sessions currently open, read from the session store (gauge; established name kept)',
    unit: '',
    labels: {},
  }),
  authTokenRefresh: def({
    name: 'mytelevision_auth_token_refresh_total',
    kind: 'counter',
    description: 'Refresh-token rotations that succeeded',
    unit: '',
    labels: {},
  }),
  authTokenExpired: def({
    name: 'mytelevision_auth_token_expired_total',
    kind: 'counter',
    description: 'Access or refresh tokens presented after they expired',
    unit: '',
    labels: {},
  }),
  rateLimitHits: def({
    name: 'mytelevision_rate_limit_hits_total',
    kind: 'counter',
    description: 'Requests rejected by the rate limiter, by route template',
    unit: '',
    labels: { endpoint: 'route' },
  }),
  contentViews: def({
    name: 'mytelevision_content_views_total',
    kind: 'counter',
    description: 'Content views by content type and access type',
    unit: '',
    labels: { content_type: CONTENT_TYPES, access_type: ACCESS_TYPES },
  }),
  activeStreams: def({
    name: 'mytelevision_active_streams_total',
    kind: 'updowncounter',
    description: 'Streams currently open on this instance, by content type (gauge; established name kept)',
    unit: '',
    labels: { content_type: CONTENT_TYPES },
  }),
  reactions: def({
    name: 'mytelevision_reactions_total',
    kind: 'counter',
    description: 'Reactions by reaction type and content type',
    unit: '',
    labels: { reaction_type: REACTION_TYPES, content_type: CONTENT_TYPES },
  }),
  favoritesAdded: def({
    name: 'mytelevision_favorites_added_total',
    kind: 'counter',
    description: 'Titles added to favourites, by content type',
    unit: '',
    labels: { content_type: CONTENT_TYPES },
  }),
  favoritesRemoved: def({
    name: 'mytelevision_favorites_removed_total',
    kind: 'counter',
    description: 'Titles removed from favourites, by content type',
    unit: '',
    labels: { content_type: CONTENT_TYPES },
  }),
  registrations: def({
    name: 'mytelevision_registrations_total',
    kind: 'counter',
    description: 'Accounts created, by sign-up source',
    unit: '',
    labels: { source: REGISTRATION_SOURCES },
  }),
  activeUsers: def({
    name: 'mytelevision_active_users_total',
    kind: 'observed_gauge',
    description:
      'Users with an open session, by access type, read from the database (gauge; established name kept)',
    unit: '',
    labels: { access_type: ACCESS_TYPES },
  }),
  premiumSubscribers: def({
    name: 'mytelevision_premium_subscribers_total',
    kind: 'observed_gauge',
    description:
      'Users with an active premium subscription, read from the database (gauge; established name kept)',
    unit: '',
    labels: {},
  }),
  paymentTransactions: def({
    name: 'mytelevision_payment_transactions_total',
    kind: 'counter',
    description: 'Payment transactions by outcome and payment method',
    unit: '',
    labels: { status: PAYMENT_STATUSES, payment_method: PAYMENT_METHODS },
  }),
  paymentAmount: def({
    name: 'mytelevision_payment_amount_total',
    kind: 'counter',
    description: 'Payment amounts in the major unit of the configured currency, by outcome',
    unit: '',
    labels: { status: PAYMENT_STATUSES },
  }),
  subscriptionCreated: def({
    name: 'mytelevision_subscription_created_total',
    kind: 'counter',
    description: 'Premium subscriptions created, by plan',
    unit: '',
    labels: { plan_type: PLAN_TYPES },
  }),
  profilesCreated: def({
    name: 'mytelevision_profiles_created_total',
    kind: 'counter',
    description: 'Viewer profiles created, by profile type',
    unit: '',
    labels: { profile_type: PROFILE_TYPES },
  }),
  profileSwitches: def({
    name: 'mytelevision_profile_switches_total',
    kind: 'counter',
    description: 'Switches of the active viewer profile',
    unit: '',
    labels: {},
  }),
  deviceRegistrations: def({
    name: 'mytelevision_device_registrations_total',
    kind: 'counter',
    description: 'Devices registered, by device type',
    unit: '',
    labels: { device_type: DEVICE_TYPES },
  }),
  riskEvents: def({
    name: 'mytelevision_risk_events_total',
    kind: 'counter',
    description: 'Risk events detected, by risk type and the action taken',
    unit: '',
    labels: { risk_type: RISK_TYPES, action: RISK_ACTIONS },
  }),
} as const;

export type MetricId = keyof typeof METRICS;
export const METRIC_DEFINITIONS: readonly MetricDefinition[] = Object.values(METRICS);

/** Prometheus exposition type of a catalogue metric. */
export function prometheusType(kind: MetricKind): 'counter' | 'histogram' | 'gauge' {
  if (kind === 'counter') return 'counter';
  if (kind === 'histogram') return 'histogram';
  return 'gauge';
}

/**
 * Process and runtime metrics the API exposes beside the catalogue, with the names Prometheus users
 * (and the APIHighMemoryUsage alert) expect from a Node.js service.
 */
export const RUNTIME_METRICS = {
  processCpuSeconds: { name: 'process_cpu_seconds_total', type: 'counter' },
  processResidentMemory: { name: 'process_resident_memory_bytes', type: 'gauge' },
  processStartTime: { name: 'process_start_time_seconds', type: 'gauge' },
  processOpenFds: { name: 'process_open_fds', type: 'gauge' },
  eventLoopLag: { name: 'nodejs_eventloop_lag_seconds', type: 'gauge' },
  eventLoopLagP99: { name: 'nodejs_eventloop_lag_p99_seconds', type: 'gauge' },
  heapUsed: { name: 'nodejs_heap_size_used_bytes', type: 'gauge' },
  heapTotal: { name: 'nodejs_heap_size_total_bytes', type: 'gauge' },
  externalMemory: { name: 'nodejs_external_memory_bytes', type: 'gauge' },
} as const;
