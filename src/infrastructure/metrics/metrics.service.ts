import { Injectable } from '@nestjs/common';
import {
  metrics,
  type Attributes,
  type Counter,
  type Histogram,
  type Meter,
  type ObservableGauge,
  type UpDownCounter,
} from '@opentelemetry/api';
import { ThrottledWarning, type WarningSink } from '../logging/throttled-warning';
import {
  HTTP_DURATION_BUCKETS_SECONDS,
  HTTP_METHODS,
  METRICS,
  OTHER,
  UNMATCHED_ROUTE,
  type AccessType,
  type MetricDefinition,
  type MetricId,
} from './catalog';
import { ClosedLabelSet } from './label-set';
import { METER_NAME } from './meter';
import { CachedRead, DEFAULT_STATE_READ, type CachedReadOptions, type StateGaugeSource } from './state-gauges';

export interface MetricsServiceOptions {
  /** Defaults to the global meter, which the `--require` preload installs (no-op when disabled). */
  readonly meter?: Meter;
  /** Receives the throttled warnings about rejected values and failing state reads. */
  readonly warn?: WarningSink;
  readonly stateRead?: CachedReadOptions;
}

const HTTP_METHOD_SET: ReadonlySet<string> = new Set(HTTP_METHODS);

/**
 * The team's metric set, recorded from business events. Every method maps its input onto the
 * catalogue's closed label sets and never throws into the calling code: a value outside its set is
 * recorded as `other`, a non-finite or negative amount is dropped, both with a throttled warning.
 */
@Injectable()
export class MetricsService {
  private readonly meter: Meter;
  private readonly warning: ThrottledWarning;
  private readonly stateReadOptions: CachedReadOptions;
  private readonly labelSets = new Map<MetricId, ClosedLabelSet>();
  private readonly httpAttributes = new Map<string, Attributes>();
  private readonly stateGauges: ObservableGauge[] = [];

  private readonly httpRequests: Counter;
  private readonly httpDuration: Histogram;
  private readonly httpInFlight: UpDownCounter;
  private readonly authLogin: Counter;
  private readonly authFailedLogin: Counter;
  private readonly tokenRefresh: Counter;
  private readonly tokenExpired: Counter;
  private readonly rateLimitHits: Counter;
  private readonly contentViews: Counter;
  private readonly activeStreams: UpDownCounter;
  private readonly reactions: Counter;
  private readonly favoritesAdded: Counter;
  private readonly favoritesRemoved: Counter;
  private readonly registrations: Counter;
  private readonly paymentTransactions: Counter;
  private readonly paymentAmount: Counter;
  private readonly subscriptionCreated: Counter;
  private readonly profilesCreated: Counter;
  private readonly profileSwitches: Counter;
  private readonly deviceRegistrations: Counter;
  private readonly riskEvents: Counter;

  constructor(options: MetricsServiceOptions = {}) {
    this.meter = options.meter ?? metrics.getMeter(METER_NAME);
    this.warning = new ThrottledWarning(options.warn ?? defaultWarn);
    this.stateReadOptions = options.stateRead ?? DEFAULT_STATE_READ;

    this.httpRequests = this.counter('httpRequests');
    this.httpDuration = this.meter.createHistogram(METRICS.httpRequestDuration.name, {
      description: METRICS.httpRequestDuration.description,
      unit: METRICS.httpRequestDuration.unit,
      advice: { explicitBucketBoundaries: [...HTTP_DURATION_BUCKETS_SECONDS] },
    });
    this.httpInFlight = this.upDownCounter('httpRequestsInFlight');
    this.authLogin = this.counter('authLogin');
    this.authFailedLogin = this.counter('authFailedLogin');
    this.tokenRefresh = this.counter('authTokenRefresh');
    this.tokenExpired = this.counter('authTokenExpired');
    this.rateLimitHits = this.counter('rateLimitHits');
    this.contentViews = this.counter('contentViews');
    this.activeStreams = this.upDownCounter('activeStreams');
    this.reactions = this.counter('reactions');
    this.favoritesAdded = this.counter('favoritesAdded');
    this.favoritesRemoved = this.counter('favoritesRemoved');
    this.registrations = this.counter('registrations');
    this.paymentTransactions = this.counter('paymentTransactions');
    this.paymentAmount = this.counter('paymentAmount');
    this.subscriptionCreated = this.counter('subscriptionCreated');
    this.profilesCreated = this.counter('profilesCreated');
    this.profileSwitches = this.counter('profileSwitches');
    this.deviceRegistrations = this.counter('deviceRegistrations');
    this.riskEvents = this.counter('riskEvents');
  }

  // --- HTTP (recorded by HttpMetricsMiddleware for every request) ---

  httpRequestStarted(): void {
    this.safely(() => this.httpInFlight.add(1));
  }

  /** `path` is a route template or UNMATCHED_ROUTE, never a raw URL. */
  recordHttpRequest(method: string, path: string, statusCode: number, durationSeconds: number): void {
    this.safely(() => {
      this.httpInFlight.add(-1);
      const attributes = this.httpAttributesFor(method, path, statusCode);
      this.httpRequests.add(1, attributes);
      if (Number.isFinite(durationSeconds) && durationSeconds >= 0) {
        this.httpDuration.record(durationSeconds, attributes);
      }
    });
  }

  // --- Authentication ---

  /** Seed signature. `provider`: local, google, apple, facebook. */
  recordLogin(provider: string, success: boolean): void {
    this.add(this.authLogin, 'authLogin', 1, provider, success ? 'success' : 'failure');
  }

  recordFailedLogin(reason: string): void {
    this.add(this.authFailedLogin, 'authFailedLogin', 1, reason);
  }

  recordTokenRefresh(): void {
    this.safely(() => this.tokenRefresh.add(1));
  }

  recordTokenExpired(): void {
    this.safely(() => this.tokenExpired.add(1));
  }

  /** `endpoint` is the route template of the limited route. */
  recordRateLimitHit(endpoint: string): void {
    this.safely(() => this.rateLimitHits.add(1, { endpoint: endpoint || UNMATCHED_ROUTE }));
  }

  // --- Content and engagement ---

  /** Seed signature: `recordContentView(contentType, isPremium ? 'premium' : 'free')`. */
  recordContentView(contentType: string, accessType: string): void {
    this.add(this.contentViews, 'contentViews', 1, contentType, accessType);
  }

  recordStreamStarted(contentType: string): void {
    this.add(this.activeStreams, 'activeStreams', 1, contentType);
  }

  recordStreamStopped(contentType: string): void {
    this.add(this.activeStreams, 'activeStreams', -1, contentType);
  }

  recordReaction(reactionType: string, contentType: string): void {
    this.add(this.reactions, 'reactions', 1, reactionType, contentType);
  }

  recordFavoriteAdded(contentType: string): void {
    this.add(this.favoritesAdded, 'favoritesAdded', 1, contentType);
  }

  recordFavoriteRemoved(contentType: string): void {
    this.add(this.favoritesRemoved, 'favoritesRemoved', 1, contentType);
  }

  recordRegistration(source: string): void {
    this.add(this.registrations, 'registrations', 1, source);
  }

  // --- Payments ---

  /** Seed signature. `amount` in the major unit of the configured currency; must be finite and >= 0. */
  recordPayment(status: string, method: string, amount: number): void {
    this.add(this.paymentTransactions, 'paymentTransactions', 1, status, method);
    if (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0) {
      this.warning.warn('paymentAmount', 'payment amount not recorded: not a finite non-negative number', {
        metric: METRICS.paymentAmount.name,
        amount: String(amount),
      });
      return;
    }
    this.add(this.paymentAmount, 'paymentAmount', amount, status);
  }

  recordSubscriptionCreated(planType: string): void {
    this.add(this.subscriptionCreated, 'subscriptionCreated', 1, planType);
  }

  // --- Profiles, devices, risk ---

  recordProfileCreated(profileType: string): void {
    this.add(this.profilesCreated, 'profilesCreated', 1, profileType);
  }

  recordProfileSwitch(): void {
    this.safely(() => this.profileSwitches.add(1));
  }

  recordDeviceRegistration(deviceType: string): void {
    this.add(this.deviceRegistrations, 'deviceRegistrations', 1, deviceType);
  }

  recordRiskEvent(riskType: string, action: string): void {
    this.add(this.riskEvents, 'riskEvents', 1, riskType, action);
  }

  // --- State gauges ---

  /**
   * Observes the state gauges from `source` at every collection, through a short cache and timeout.
   * Called once by the domain module that owns the source of truth.
   */
  observeState(source: StateGaugeSource): void {
    if (this.stateGauges.length > 0) throw new Error('MetricsService.observeState: a state source is already set');
    const onError = (id: string) => (error: unknown) =>
      this.warning.warn(`state:${id}`, 'state gauge skipped for this collection', {
        metric: METRICS[id as MetricId].name,
        error: error instanceof Error ? error.message : String(error),
      });
    const sessions = new CachedRead(() => source.activeSessions(), this.stateReadOptions, onError('authActiveSessions'));
    const users = new CachedRead(() => source.activeUsers(), this.stateReadOptions, onError('activeUsers'));
    const premium = new CachedRead(
      () => source.premiumSubscribers(),
      this.stateReadOptions,
      onError('premiumSubscribers'),
    );
    const usersLabels = this.labelSet('activeUsers');

    this.stateGauges.push(
      this.observedGauge('authActiveSessions', async (observe) => {
        const n = await sessions.get();
        if (n !== undefined) observe(n);
      }),
      this.observedGauge('activeUsers', async (observe) => {
        const byAccess = await users.get();
        if (byAccess === undefined) return;
        for (const access of Object.keys(byAccess) as AccessType[]) {
          observe(byAccess[access], usersLabels.resolve([access]));
        }
      }),
      this.observedGauge('premiumSubscribers', async (observe) => {
        const n = await premium.get();
        if (n !== undefined) observe(n);
      }),
    );
  }

  // --- internals ---

  private counter(id: MetricId): Counter {
    const d = METRICS[id];
    const counter = this.meter.createCounter(d.name, { description: d.description, unit: d.unit });
    this.zeroSeries(id, d, counter);
    return counter;
  }

  private upDownCounter(id: MetricId): UpDownCounter {
    const d = METRICS[id];
    const counter = this.meter.createUpDownCounter(d.name, { description: d.description, unit: d.unit });
    this.zeroSeries(id, d, counter);
    return counter;
  }

  private observedGauge(
    id: MetricId,
    callback: (observe: (value: number, attributes?: Attributes) => void) => Promise<void>,
  ): ObservableGauge {
    const d = METRICS[id];
    const gauge = this.meter.createObservableGauge(d.name, { description: d.description, unit: d.unit });
    gauge.addCallback((result) => callback((value, attributes) => result.observe(value, attributes)));
    return gauge;
  }

  /** Every series of a closed label set exists from the start at 0, so rate() and ratios work at once. */
  private zeroSeries(id: MetricId, d: MetricDefinition, instrument: Counter | UpDownCounter): void {
    const closed = Object.values(d.labels).every((values) => Array.isArray(values));
    if (!closed) return;
    const set = this.labelSet(id);
    this.safely(() => {
      for (const combination of set.combinations()) instrument.add(0, set.resolve(combination));
    });
  }

  private labelSet(id: MetricId): ClosedLabelSet {
    let set = this.labelSets.get(id);
    if (!set) {
      set = new ClosedLabelSet(METRICS[id]);
      this.labelSets.set(id, set);
    }
    return set;
  }

  private add(instrument: Counter | UpDownCounter, id: MetricId, value: number, ...labels: unknown[]): void {
    try {
      const set = this.labelSet(id);
      instrument.add(
        value,
        set.resolve(labels, (label, given) =>
          this.warning.warn(`${id}:${label}`, 'label value outside its closed set recorded as other', {
            metric: METRICS[id].name,
            label,
            value: String(given).slice(0, 64),
          }),
        ),
      );
    } catch (error) {
      this.reportFailure(error);
    }
  }

  private httpAttributesFor(method: string, path: string, statusCode: number): Attributes {
    const m = HTTP_METHOD_SET.has(method) ? method : OTHER;
    const status = Number.isInteger(statusCode) && statusCode >= 100 && statusCode <= 599 ? String(statusCode) : OTHER;
    const key = `${m} ${status} ${path}`;
    let attributes = this.httpAttributes.get(key);
    if (attributes === undefined) {
      attributes = Object.freeze({ method: m, path, status_code: status });
      // Keys are bounded by routes x methods x statuses; the cap is a backstop against a bug upstream.
      if (this.httpAttributes.size < 10_000) this.httpAttributes.set(key, attributes);
    }
    return attributes;
  }

  private safely(record: () => void): void {
    try {
      record();
    } catch (error) {
      this.reportFailure(error);
    }
  }

  private reportFailure(error: unknown): void {
    this.warning.warn('record', 'metric not recorded', {
      error: error instanceof Error ? error.message : String(error),
    });
  }
}

function defaultWarn(message: string, context: Record<string, unknown>): void {
  process.emitWarning(`${message} ${JSON.stringify(context)}`, { code: 'MYTELEVISION_METRICS' });
}
