import { ValueType, type Attributes, type HrTime } from '@opentelemetry/api';
import {
  AggregationTemporality,
  DataPointType,
  type DataPoint,
  type Histogram,
  type MetricData,
} from '@opentelemetry/sdk-metrics';
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
import {
  CachedRead,
  DEFAULT_STATE_READ,
  type CachedReadOptions,
  type StateGaugeSource,
} from './state-gauges';

/**
 * The catalogue's cumulative state, kept in plain arrays so that recording is an index lookup and an
 * addition (no attribute hashing, no allocation), and turned into OpenTelemetry metric data only when
 * a reader collects (CatalogueMetricProducer) or /metrics is rendered. It replaces the SDK's
 * synchronous instruments on the hot path: those hash the attribute set on every call, which costs
 * 2-3x a prom-client increment. What a reader sees — names, types, labels, values — is unchanged.
 */

/** One closed-label-set counter or up-down counter: a value per label combination. */
export class ClosedSeries {
  readonly values: Float64Array;
  /** Combinations reported at collection: the declared ones from the start, `other` ones once used. */
  private readonly reported: Uint8Array;

  constructor(
    readonly metric: MetricDefinition,
    readonly labels: ClosedLabelSet,
  ) {
    this.values = new Float64Array(labels.size);
    this.reported = new Uint8Array(labels.size);
    for (const i of labels.declaredIndices()) this.reported[i] = 1;
  }

  add(index: number, value: number): void {
    this.values[index] += value;
    this.reported[index] = 1;
  }

  dataPoints(startTime: HrTime, endTime: HrTime): DataPoint<number>[] {
    const points: DataPoint<number>[] = [];
    for (let i = 0; i < this.values.length; i++) {
      if (this.reported[i])
        points.push({ startTime, endTime, attributes: this.labels.attributesAt(i), value: this.values[i] });
    }
    return points;
  }
}

/** One (method, path, status_code) series of the HTTP counter and histogram, which share it. */
interface HttpSlot {
  readonly attributes: Attributes;
  count: number;
  sum: number;
  /** Non-cumulative bucket counts, one per boundary plus +Inf. */
  readonly buckets: Float64Array;
}

const BOUNDS = HTTP_DURATION_BUCKETS_SECONDS;
const METHOD_INDEX: ReadonlyMap<string, number> = new Map(HTTP_METHODS.map((m, i) => [m, i]));
const METHOD_VALUES: readonly string[] = [...HTTP_METHODS, OTHER];
/** Backstop against a bug upstream: paths are route templates, so real traffic stays far below. */
export const MAX_HTTP_SERIES = 10_000;

/** HTTP requests by route template, then by method and status code. */
export class HttpSeries {
  private readonly byPath = new Map<string, Map<number, HttpSlot>>();
  private size = 0;

  record(method: string, path: string, statusCode: number, seconds: number): void {
    const methodIndex = METHOD_INDEX.get(method) ?? HTTP_METHODS.length;
    const status = Number.isInteger(statusCode) && statusCode >= 100 && statusCode <= 599 ? statusCode : 0;
    let slots = this.byPath.get(path);
    if (slots === undefined) {
      if (this.size >= MAX_HTTP_SERIES && path !== UNMATCHED_ROUTE)
        return this.record(method, UNMATCHED_ROUTE, statusCode, seconds);
      slots = new Map();
      this.byPath.set(path, slots);
    }
    const key = methodIndex * 1000 + status;
    let slot = slots.get(key);
    if (slot === undefined) {
      if (this.size >= MAX_HTTP_SERIES && path !== UNMATCHED_ROUTE)
        return this.record(method, UNMATCHED_ROUTE, statusCode, seconds);
      slot = {
        attributes: Object.freeze({
          method: METHOD_VALUES[methodIndex],
          path,
          status_code: status === 0 ? OTHER : String(status),
        }),
        count: 0,
        sum: 0,
        buckets: new Float64Array(BOUNDS.length + 1),
      };
      slots.set(key, slot);
      this.size++;
    }
    slot.count++;
    if (seconds >= 0 && seconds < Infinity) {
      slot.sum += seconds;
      let b = 0;
      while (b < BOUNDS.length && seconds > BOUNDS[b]) b++;
      slot.buckets[b]++;
    } else {
      slot.buckets[BOUNDS.length]++; // a duration that is not a finite number still counts, in +Inf
    }
  }

  countPoints(startTime: HrTime, endTime: HrTime): DataPoint<number>[] {
    const points: DataPoint<number>[] = [];
    for (const slots of this.byPath.values()) {
      for (const s of slots.values())
        points.push({ startTime, endTime, attributes: s.attributes, value: s.count });
    }
    return points;
  }

  histogramPoints(startTime: HrTime, endTime: HrTime): DataPoint<Histogram>[] {
    const points: DataPoint<Histogram>[] = [];
    for (const slots of this.byPath.values()) {
      for (const s of slots.values()) {
        points.push({
          startTime,
          endTime,
          attributes: s.attributes,
          value: {
            buckets: { boundaries: BOUNDS as number[], counts: Array.from(s.buckets) },
            sum: s.sum,
            count: s.count,
          },
        });
      }
    }
    return points;
  }
}

export interface MetricStoreOptions {
  readonly stateRead?: CachedReadOptions;
  readonly now?: () => HrTime;
}

/** All 24 catalogue metrics of one process. */
export class MetricStore {
  readonly http = new HttpSeries();
  private readonly closed = new Map<MetricId, ClosedSeries>();
  private readonly startTime: HrTime;
  private readonly now: () => HrTime;
  private state:
    | {
        sessions: CachedRead<number>;
        users: CachedRead<Readonly<Record<AccessType, number>>>;
        premium: CachedRead<number>;
      }
    | undefined;
  private readonly activeUsersLabels = new ClosedLabelSet(METRICS.activeUsers);

  constructor(private readonly options: MetricStoreOptions = {}) {
    this.now = options.now ?? hrNow;
    this.startTime = this.now();
    for (const [id, d] of Object.entries(METRICS) as Array<[MetricId, MetricDefinition]>) {
      if ((d.kind === 'counter' || d.kind === 'updowncounter') && isClosed(d)) {
        this.closed.set(id, new ClosedSeries(d, new ClosedLabelSet(d)));
      }
    }
  }

  series(id: MetricId): ClosedSeries {
    const s = this.closed.get(id);
    if (!s) throw new Error(`${id} is not a closed-label-set counter`);
    return s;
  }

  /** Endpoint (route template) counter of rate-limited requests: an open label set like `path`. */
  readonly rateLimitHits = new Map<string, { attributes: Attributes; value: number }>();

  recordRateLimitHit(endpoint: string): void {
    let entry = this.rateLimitHits.get(endpoint);
    if (entry === undefined) {
      if (this.rateLimitHits.size >= MAX_HTTP_SERIES && endpoint !== UNMATCHED_ROUTE) {
        return this.recordRateLimitHit(UNMATCHED_ROUTE);
      }
      entry = { attributes: Object.freeze({ endpoint }), value: 0 };
      this.rateLimitHits.set(endpoint, entry);
    }
    entry.value++;
  }

  /** `onError` receives failed or slow reads (the gauge is skipped for that collection). */
  observeState(
    source: StateGaugeSource,
    onError: (metric: string, error: unknown) => void = () => undefined,
  ): void {
    if (this.state) throw new Error('MetricsService.observeState: a state source is already set');
    const read = this.options.stateRead ?? DEFAULT_STATE_READ;
    const failed = (metric: MetricDefinition) => (error: unknown) => onError(metric.name, error);
    this.state = {
      sessions: new CachedRead(() => source.activeSessions(), read, failed(METRICS.authActiveSessions)),
      users: new CachedRead(() => source.activeUsers(), read, failed(METRICS.activeUsers)),
      premium: new CachedRead(() => source.premiumSubscribers(), read, failed(METRICS.premiumSubscribers)),
    };
  }

  /** The catalogue as OpenTelemetry metric data, in catalogue order. */
  async collect(): Promise<MetricData[]> {
    const start = this.startTime;
    const end = this.now();
    const [sessions, users, premium] = this.state
      ? await Promise.all([this.state.sessions.get(), this.state.users.get(), this.state.premium.get()])
      : [undefined, undefined, undefined];
    const out: MetricData[] = [];
    for (const [id, d] of Object.entries(METRICS) as Array<[MetricId, MetricDefinition]>) {
      const closed = this.closed.get(id);
      if (closed) {
        out.push(sum(d, closed.dataPoints(start, end), d.kind === 'counter'));
      } else if (id === 'httpRequests') {
        out.push(sum(d, this.http.countPoints(start, end), true));
      } else if (id === 'httpRequestDuration') {
        out.push({
          ...meta(d),
          dataPointType: DataPointType.HISTOGRAM,
          dataPoints: this.http.histogramPoints(start, end),
        });
      } else if (id === 'rateLimitHits') {
        const points = [...this.rateLimitHits.values()].map((e) => ({
          startTime: start,
          endTime: end,
          attributes: e.attributes,
          value: e.value,
        }));
        if (points.length > 0) out.push(sum(d, points, true));
      } else if (id === 'authActiveSessions') {
        if (sessions !== undefined)
          out.push(gauge(d, [{ startTime: end, endTime: end, attributes: {}, value: sessions }]));
      } else if (id === 'premiumSubscribers') {
        if (premium !== undefined)
          out.push(gauge(d, [{ startTime: end, endTime: end, attributes: {}, value: premium }]));
      } else if (id === 'activeUsers') {
        if (users !== undefined) {
          const points = (Object.keys(users) as AccessType[]).map((access) => ({
            startTime: end,
            endTime: end,
            attributes: this.activeUsersLabels.resolve([access]),
            value: users[access],
          }));
          out.push(gauge(d, points));
        }
      }
    }
    return out;
  }
}

function isClosed(d: MetricDefinition): boolean {
  return Object.values(d.labels).every((values) => Array.isArray(values));
}

function meta(d: MetricDefinition) {
  return {
    descriptor: { name: d.name, description: d.description, unit: d.unit, valueType: ValueType.DOUBLE },
    aggregationTemporality: AggregationTemporality.CUMULATIVE,
  };
}

function sum(d: MetricDefinition, dataPoints: DataPoint<number>[], isMonotonic: boolean): MetricData {
  return { ...meta(d), dataPointType: DataPointType.SUM, dataPoints, isMonotonic };
}

function gauge(d: MetricDefinition, dataPoints: DataPoint<number>[]): MetricData {
  return { ...meta(d), dataPointType: DataPointType.GAUGE, dataPoints };
}

function hrNow(): HrTime {
  const ms = performance.timeOrigin + performance.now();
  return [Math.floor(ms / 1000), Math.round((ms % 1000) * 1e6)];
}
