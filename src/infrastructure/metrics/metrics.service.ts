import { Injectable } from '@nestjs/common';
import { ThrottledWarning, type WarningSink } from '../logging/throttled-warning';
import { METRICS, UNMATCHED_ROUTE, type MetricId } from './catalog';
import { MetricStore, type ClosedSeries } from './metric-store';
import type { StateGaugeSource } from './state-gauges';

export interface MetricsServiceOptions {
  /**
   * Where the recordings go. The `--require` preload creates the one its metric reader collects
   * (see TelemetryRuntime.metricStore); without telemetry a private store keeps them, unread.
   */
  readonly store?: MetricStore;
  /** Receives the throttled warnings about rejected values and failing state reads. */
  readonly warn?: WarningSink;
}

/**
 * The team's metric set, recorded from business events. Every method maps its input onto the
 * catalogue's closed label sets and never throws into the calling code: a value outside its set is
 * recorded as `other`, a non-finite or negative amount is dropped, both with a throttled warning.
 *
 * Recording is an index computation and an addition into preallocated arrays (MetricStore); the
 * metric reader turns them into OpenTelemetry metric data when it collects.
 */
@Injectable()
export class MetricsService {
  readonly store: MetricStore;
  private readonly warning: ThrottledWarning;
  private readonly inFlight: ClosedSeries;
  private readonly login: ClosedSeries;
  private readonly failedLogin: ClosedSeries;
  private readonly tokenRefresh: ClosedSeries;
  private readonly tokenExpired: ClosedSeries;
  private readonly contentViews: ClosedSeries;
  private readonly activeStreams: ClosedSeries;
  private readonly reactions: ClosedSeries;
  private readonly favoritesAdded: ClosedSeries;
  private readonly favoritesRemoved: ClosedSeries;
  private readonly registrations: ClosedSeries;
  private readonly paymentTransactions: ClosedSeries;
  private readonly paymentAmount: ClosedSeries;
  private readonly subscriptionCreated: ClosedSeries;
  private readonly profilesCreated: ClosedSeries;
  private readonly profileSwitches: ClosedSeries;
  private readonly deviceRegistrations: ClosedSeries;
  private readonly riskEvents: ClosedSeries;

  constructor(options: MetricsServiceOptions = {}) {
    this.warning = new ThrottledWarning(options.warn ?? defaultWarn);
    this.store = options.store ?? new MetricStore();
    const s = (id: MetricId) => this.store.series(id);
    this.inFlight = s('httpRequestsInFlight');
    this.login = s('authLogin');
    this.failedLogin = s('authFailedLogin');
    this.tokenRefresh = s('authTokenRefresh');
    this.tokenExpired = s('authTokenExpired');
    this.contentViews = s('contentViews');
    this.activeStreams = s('activeStreams');
    this.reactions = s('reactions');
    this.favoritesAdded = s('favoritesAdded');
    this.favoritesRemoved = s('favoritesRemoved');
    this.registrations = s('registrations');
    this.paymentTransactions = s('paymentTransactions');
    this.paymentAmount = s('paymentAmount');
    this.subscriptionCreated = s('subscriptionCreated');
    this.profilesCreated = s('profilesCreated');
    this.profileSwitches = s('profileSwitches');
    this.deviceRegistrations = s('deviceRegistrations');
    this.riskEvents = s('riskEvents');
  }

  // --- HTTP (recorded by the HTTP metrics middleware for every request) ---

  httpRequestStarted(): void {
    this.inFlight.add(0, 1);
  }

  /** `path` is a route template or UNMATCHED_ROUTE, never a raw URL. */
  recordHttpRequest(method: string, path: string, statusCode: number, durationSeconds: number): void {
    this.inFlight.add(0, -1);
    try {
      this.store.http.record(method, path, statusCode, durationSeconds);
    } catch (error) {
      this.reportFailure(error);
    }
  }

  // --- Authentication ---

  /** Seed signature. `provider`: local, google, apple, facebook. */
  recordLogin(provider: string, success: boolean): void {
    this.add2(this.login, 1, provider, success ? 'success' : 'failure');
  }

  recordFailedLogin(reason: string): void {
    this.add1(this.failedLogin, 1, reason);
  }

  recordTokenRefresh(): void {
    this.tokenRefresh.add(0, 1);
  }

  recordTokenExpired(): void {
    this.tokenExpired.add(0, 1);
  }

  /** `endpoint` is the route template of the limited route. */
  recordRateLimitHit(endpoint: string): void {
    this.store.recordRateLimitHit(typeof endpoint === 'string' && endpoint ? endpoint : UNMATCHED_ROUTE);
  }

  // --- Content and engagement ---

  /** Seed signature: `recordContentView(contentType, isPremium ? 'premium' : 'free')`. */
  recordContentView(contentType: string, accessType: string): void {
    this.add2(this.contentViews, 1, contentType, accessType);
  }

  recordStreamStarted(contentType: string): void {
    this.add1(this.activeStreams, 1, contentType);
  }

  recordStreamStopped(contentType: string): void {
    this.add1(this.activeStreams, -1, contentType);
  }

  recordReaction(reactionType: string, contentType: string): void {
    this.add2(this.reactions, 1, reactionType, contentType);
  }

  recordFavoriteAdded(contentType: string): void {
    this.add1(this.favoritesAdded, 1, contentType);
  }

  recordFavoriteRemoved(contentType: string): void {
    this.add1(this.favoritesRemoved, 1, contentType);
  }

  recordRegistration(source: string): void {
    this.add1(this.registrations, 1, source);
  }

  // --- Payments ---

  /** Seed signature. `amount` in the major unit of the configured currency; must be finite and >= 0. */
  recordPayment(status: string, method: string, amount: number): void {
    this.add2(this.paymentTransactions, 1, status, method);
    if (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0) {
      this.warning.warn('paymentAmount', 'payment amount not recorded: not a finite non-negative number', {
        metric: METRICS.paymentAmount.name,
        amount: String(amount),
      });
      return;
    }
    this.add1(this.paymentAmount, amount, status);
  }

  recordSubscriptionCreated(planType: string): void {
    this.add1(this.subscriptionCreated, 1, planType);
  }

  // --- Profiles, devices, risk ---

  recordProfileCreated(profileType: string): void {
    this.add1(this.profilesCreated, 1, profileType);
  }

  recordProfileSwitch(): void {
    this.profileSwitches.add(0, 1);
  }

  recordDeviceRegistration(deviceType: string): void {
    this.add1(this.deviceRegistrations, 1, deviceType);
  }

  recordRiskEvent(riskType: string, action: string): void {
    this.add2(this.riskEvents, 1, riskType, action);
  }

  // --- State gauges ---

  /**
   * Observes the state gauges from `source` at every collection, through a short cache and timeout.
   * Called once by the domain module that owns the source of truth.
   */
  observeState(source: StateGaugeSource): void {
    this.store.observeState(source, (metric, error) => this.stateReadFailed(metric, error));
  }

  // --- internals ---

  // One- and two-label variants: the hot path allocates no array for its label values.
  private add1(series: ClosedSeries, value: number, a: unknown): void {
    const i = series.labels.indexOf1(a);
    if (i < 0) return this.addRejected(series, value, [a]);
    series.add(i, value);
  }

  private add2(series: ClosedSeries, value: number, a: unknown, b: unknown): void {
    const i = series.labels.indexOf2(a, b);
    if (i < 0) return this.addRejected(series, value, [a, b]);
    series.add(i, value);
  }

  private addRejected(series: ClosedSeries, value: number, labels: unknown[]): void {
    try {
      const index = series.labels.indexOf(labels, (label, given) =>
        this.warning.warn(`${series.metric.name}:${label}`, 'label value outside its closed set recorded as other', {
          metric: series.metric.name,
          label,
          value: String(given).slice(0, 64),
        }),
      );
      series.add(index, value);
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

function defaultWarn(message: string, context: Record<string, unknown>): void {
  process.emitWarning(`${message} ${JSON.stringify(context)}`, { code: 'MYTELEVISION_METRICS' });
}
