import { Injectable } from '@nestjs/common';
import {
  metrics,
  type Attributes,
  type Counter,
  type Histogram,
  type Meter,
  type UpDownCounter,
} from '@opentelemetry/api';
import { ThrottledWarning, type WarningSink } from '../logging/throttled-warning';
import {
  HTTP_DURATION_BUCKETS_SECONDS,
  METRICS,
  UNMATCHED_ROUTE,
  type AccessType,
  type MetricDefinition,
  type MetricId,
} from './catalog';
import { EndpointLabelSets, HttpLabelSets } from './http-label-sets';
import { ClosedLabelSet } from './label-set';
import { METER_NAME } from './meter';
import {
  CachedRead,
  DEFAULT_STATE_READ,
  type CachedReadOptions,
  type StateGaugeSource,
} from './state-gauges';

export interface MetricsServiceOptions {
  /**
   * The meter the catalogue's instruments come from. Default: `metrics.getMeter('mytelevision-api')`
   * on the global MeterProvider the `--require` preload registered (a no-op meter without it).
   */
  readonly meter?: Meter;
  /** Receives the throttled warnings about rejected values and failing state reads. */
  readonly warn?: WarningSink;
  /** Cache and timeout of the state-gauge reads (default: 5 s cache, 250 ms timeout). */
  readonly stateRead?: CachedReadOptions;
}

/** A synchronous SDK instrument with the closed label sets it records under. */
interface ClosedInstrument {
  readonly metric: MetricDefinition;
  readonly instrument: Counter | UpDownCounter;
  readonly labels: ClosedLabelSet;
}

/**
 * The team's metric set, recorded from business events through OpenTelemetry SDK instruments (one
 * per catalogue entry): counters, up-down counters, the request-duration histogram with the
 * catalogue's buckets, and observable gauges read from the source of truth at collection. Views,
 * temporality and cardinality limits of the SDK therefore apply to every one of them.
 *
 * Every method maps its input onto the catalogue's closed label sets and never throws into the
 * calling code: a value outside its set is recorded as `other`, a non-finite or negative amount is
 * dropped, both with a throttled warning. Attribute objects are built once and reused.
 */
@Injectable()
export class MetricsService {
  private readonly warning: ThrottledWarning;
  private readonly stateRead: CachedReadOptions;
  private readonly meter: Meter;
  private readonly httpRequests: Counter;
  private readonly httpDuration: Histogram;
  private readonly inFlight: UpDownCounter;
  private readonly rateLimitHits: Counter;
  private readonly httpLabels = new HttpLabelSets();
  private readonly endpointLabels = new EndpointLabelSets();
  private readonly closed: Readonly<Record<ClosedId, ClosedInstrument>>;
  private stateObserved = false;

  constructor(options: MetricsServiceOptions = {}) {
    this.warning = new ThrottledWarning(options.warn ?? defaultWarn);
    this.stateRead = options.stateRead ?? DEFAULT_STATE_READ;
    const meter = (this.meter = options.meter ?? metrics.getMeter(METER_NAME));
    this.httpRequests = meter.createCounter(METRICS.httpRequests.name, describe(METRICS.httpRequests));
    this.httpDuration = meter.createHistogram(METRICS.httpRequestDuration.name, {
      ...describe(METRICS.httpRequestDuration),
      advice: { explicitBucketBoundaries: [...HTTP_DURATION_BUCKETS_SECONDS] },
    });
    this.rateLimitHits = meter.createCounter(METRICS.rateLimitHits.name, describe(METRICS.rateLimitHits));
    this.inFlight = meter.createUpDownCounter(
      METRICS.httpRequestsInFlight.name,
      describe(METRICS.httpRequestsInFlight),
    );
    this.inFlight.add(0);

    const closed = {} as Record<ClosedId, ClosedInstrument>;
    for (const id of CLOSED_IDS) {
      const metric: MetricDefinition = METRICS[id];
      const instrument =
        metric.kind === 'updowncounter'
          ? meter.createUpDownCounter(metric.name, describe(metric))
          : meter.createCounter(metric.name, describe(metric));
      const labels = new ClosedLabelSet(metric);
      // Every declared combination exists from the start at 0, so rate() and panels have data.
      for (const i of labels.declaredIndices()) instrument.add(0, labels.attributesAt(i));
      closed[id] = { metric, instrument, labels };
    }
    this.closed = closed;
  }

  /**
   * Creates `mytelevision_rate_limit_hits_total{endpoint}` at 0 for each rate-limited route template,
   * so that the series exist before the first 429. Called once the routes are registered.
   */
  declareRateLimitedEndpoints(templates: Iterable<string>): void {
    for (const template of templates) this.rateLimitHits.add(0, this.endpointLabels.of(template));
  }

  // --- HTTP (recorded by the HTTP metrics middleware for every request) ---

  httpRequestStarted(): void {
    this.inFlight.add(1);
  }

  /** `path` is a route template or UNMATCHED_ROUTE, never a raw URL. */
  recordHttpRequest(method: string, path: string, statusCode: number, durationSeconds: number): void {
    this.inFlight.add(-1);
    try {
      const attributes = this.httpLabels.of(
        method,
        typeof path === 'string' && path ? path : UNMATCHED_ROUTE,
        statusCode,
      );
      this.httpRequests.add(1, attributes);
      if (typeof durationSeconds === 'number' && durationSeconds >= 0 && durationSeconds < Infinity) {
        this.httpDuration.record(durationSeconds, attributes);
      } else {
        this.warning.warn('httpDuration', 'request duration not recorded: not a finite non-negative number', {
          metric: METRICS.httpRequestDuration.name,
          duration: String(durationSeconds),
        });
      }
    } catch (error) {
      this.reportFailure(error);
    }
  }

  // --- Authentication ---

  /** The agreed signature. `provider`: local, google, apple, facebook. */
  recordLogin(provider: string, success: boolean): void {
    this.add2('authLogin', 1, provider, success ? 'success' : 'failure');
  }

  recordFailedLogin(reason: string): void {
    this.add1('authFailedLogin', 1, reason);
  }

  recordTokenRefresh(): void {
    this.closed.authTokenRefresh.instrument.add(1);
  }

  recordTokenExpired(): void {
    this.closed.authTokenExpired.instrument.add(1);
  }

  /** `endpoint` is the route template of the limited route. */
  recordRateLimitHit(endpoint: string): void {
    try {
      this.rateLimitHits.add(
        1,
        this.endpointLabels.of(typeof endpoint === 'string' && endpoint ? endpoint : UNMATCHED_ROUTE),
      );
    } catch (error) {
      this.reportFailure(error);
    }
  }

  // --- Content and engagement ---

  /** The agreed signature: `recordContentView(contentType, isPremium ? 'premium' : 'free')`. */
  recordContentView(contentType: string, accessType: string): void {
    this.add2('contentViews', 1, contentType, accessType);
  }

  recordStreamStarted(contentType: string): void {
    this.add1('activeStreams', 1, contentType);
  }

  recordStreamStopped(contentType: string): void {
    this.add1('activeStreams', -1, contentType);
  }

  recordReaction(reactionType: string, contentType: string): void {
    this.add2('reactions', 1, reactionType, contentType);
  }

  recordFavoriteAdded(contentType: string): void {
    this.add1('favoritesAdded', 1, contentType);
  }

  recordFavoriteRemoved(contentType: string): void {
    this.add1('favoritesRemoved', 1, contentType);
  }

  recordRegistration(source: string): void {
    this.add1('registrations', 1, source);
  }

  // --- Payments ---

  /** The agreed signature. `amount` in the major unit of the configured currency; must be finite and >= 0. */
  recordPayment(status: string, method: string, amount: number): void {
    this.add2('paymentTransactions', 1, status, method);
    if (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0) {
      this.warning.warn('paymentAmount', 'payment amount not recorded: not a finite non-negative number', {
        metric: METRICS.paymentAmount.name,
        amount: String(amount),
      });
      return;
    }
    this.add1('paymentAmount', amount, status);
  }

  recordSubscriptionCreated(planType: string): void {
    this.add1('subscriptionCreated', 1, planType);
  }

  // --- Profiles, devices, risk ---

  recordProfileCreated(profileType: string): void {
    this.add1('profilesCreated', 1, profileType);
  }

  recordProfileSwitch(): void {
    this.closed.profileSwitches.instrument.add(1);
  }

  recordDeviceRegistration(deviceType: string): void {
    this.add1('deviceRegistrations', 1, deviceType);
  }

  recordRiskEvent(riskType: string, action: string): void {
    this.add2('riskEvents', 1, riskType, action);
  }

  // --- State gauges ---

  /**
   * Observes the state gauges from `source` at every collection (observable gauges), through a short
   * cache and a timeout: a failing or slow read skips that gauge for the collection, never the
   * others. Called once by the domain module that owns the source of truth.
   */
  observeState(source: StateGaugeSource): void {
    if (this.stateObserved) throw new Error('MetricsService.observeState: a state source is already set');
    this.stateObserved = true;
    const read = <T>(metric: MetricDefinition, fn: () => Promise<T>) =>
      new CachedRead(fn, this.stateRead, (error) => this.stateReadFailed(metric.name, error));
    const sessions = read(METRICS.authActiveSessions, () => source.activeSessions());
    const users = read(METRICS.activeUsers, () => source.activeUsers());
    const premium = read(METRICS.premiumSubscribers, () => source.premiumSubscribers());
    const activeUsersLabels = new ClosedLabelSet(METRICS.activeUsers);

    this.meter
      .createObservableGauge(METRICS.authActiveSessions.name, describe(METRICS.authActiveSessions))
      .addCallback(async (result) => {
        const value = await sessions.get();
        if (value !== undefined) result.observe(value);
      });
    this.meter
      .createObservableGauge(METRICS.activeUsers.name, describe(METRICS.activeUsers))
      .addCallback(async (result) => {
        const value = await users.get();
        if (value === undefined) return;
        for (const access of Object.keys(value) as AccessType[])
          result.observe(value[access], activeUsersLabels.resolve([access]));
      });
    this.meter
      .createObservableGauge(METRICS.premiumSubscribers.name, describe(METRICS.premiumSubscribers))
      .addCallback(async (result) => {
        const value = await premium.get();
        if (value !== undefined) result.observe(value);
      });
  }

  // --- internals ---

  // One- and two-label variants: the hot path allocates no array for its label values.
  private add1(id: ClosedId, value: number, a: unknown): void {
    const c = this.closed[id];
    const i = c.labels.indexOf1(a);
    if (i < 0) return this.addRejected(c, value, [a]);
    c.instrument.add(value, c.labels.attributesAt(i));
  }

  private add2(id: ClosedId, value: number, a: unknown, b: unknown): void {
    const c = this.closed[id];
    const i = c.labels.indexOf2(a, b);
    if (i < 0) return this.addRejected(c, value, [a, b]);
    c.instrument.add(value, c.labels.attributesAt(i));
  }

  private addRejected(c: ClosedInstrument, value: number, labels: unknown[]): void {
    try {
      const attributes: Attributes = c.labels.resolve(labels, (label, given) =>
        this.warning.warn(
          `${c.metric.name}:${label}`,
          'label value outside its closed set recorded as other',
          {
            metric: c.metric.name,
            label,
            value: String(given).slice(0, 64),
          },
        ),
      );
      c.instrument.add(value, attributes);
    } catch (error) {
      this.reportFailure(error);
    }
  }

  private stateReadFailed(metric: string, error: unknown): void {
    this.warning.warn(`state:${metric}`, 'state gauge skipped for this collection', {
      metric,
      error: error instanceof Error ? error.message : String(error),
    });
  }

  private reportFailure(error: unknown): void {
    this.warning.warn('record', 'metric not recorded', {
      error: error instanceof Error ? error.message : String(error),
    });
  }
}

/** The counters and up-down counters whose labels are all closed sets. */
const CLOSED_IDS = [
  'authLogin',
  'authFailedLogin',
  'authTokenRefresh',
  'authTokenExpired',
  'contentViews',
  'activeStreams',
  'reactions',
  'favoritesAdded',
  'favoritesRemoved',
  'registrations',
  'paymentTransactions',
  'paymentAmount',
  'subscriptionCreated',
  'profilesCreated',
  'profileSwitches',
  'deviceRegistrations',
  'riskEvents',
] as const satisfies readonly MetricId[];
type ClosedId = (typeof CLOSED_IDS)[number];

function describe(metric: MetricDefinition) {
  return { description: metric.description, unit: metric.unit };
}

function defaultWarn(message: string, context: Record<string, unknown>): void {
  process.emitWarning(`${message} ${JSON.stringify(context)}`, { code: 'MYTELEVISION_METRICS' });
}
