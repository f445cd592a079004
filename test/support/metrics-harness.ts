import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import {
  DataPointType,
  MeterProvider,
  type Histogram,
  type ResourceMetrics,
  type ViewOptions,
} from '@opentelemetry/sdk-metrics';
import { METER_NAME, MetricsService, type MetricsServiceOptions } from '@infrastructure/metrics';
import { metricViews } from '../../src/infrastructure/telemetry/metrics-pipeline';
import { MetricFamilies, type Family, type Sample } from './prometheus-text';

export interface MetricsHarnessOptions {
  readonly stateRead?: MetricsServiceOptions['stateRead'];
  /** Extra views, as a user would add them to the API's SDK. */
  readonly views?: readonly ViewOptions[];
}

/**
 * A MetricsService wired as the API wires it — its instruments on an SDK MeterProvider with the
 * API's views, read by the Prometheus pull reader — for unit tests: record, then `scrape()` and read
 * the collected data points by their Prometheus family names. No binary is needed: the data points
 * are read from the SDK's collection, not parsed from text (the integration tests parse the text).
 */
export class MetricsHarness {
  readonly reader = new PrometheusExporter({ preventServerStart: true, withoutScopeInfo: true });
  readonly provider: MeterProvider;
  readonly service: MetricsService;
  readonly warnings: Array<{ message: string; context: Record<string, unknown> }> = [];

  constructor(options: MetricsHarnessOptions = {}) {
    this.provider = new MeterProvider({ readers: [this.reader], views: metricViews(options.views) });
    this.service = new MetricsService({
      meter: this.provider.getMeter(METER_NAME),
      stateRead: options.stateRead,
      warn: (message, context) => this.warnings.push({ message, context }),
    });
  }

  async collect(): Promise<ResourceMetrics> {
    const { resourceMetrics, errors } = await this.reader.collect();
    if (errors.length > 0) throw new AggregateError(errors, 'collection errors');
    return resourceMetrics;
  }

  async scrape(): Promise<MetricFamilies> {
    return collectedFamilies(await this.collect());
  }

  shutdown(): Promise<void> {
    return this.provider.shutdown();
  }
}

/** The SDK's collected metrics as Prometheus families (histogram buckets cumulative, by `le`). */
export function collectedFamilies(resourceMetrics: ResourceMetrics): MetricFamilies {
  const families = new Map<string, Family>();
  for (const scope of resourceMetrics.scopeMetrics) {
    for (const metric of scope.metrics) {
      const name = metric.descriptor.name;
      let type: Family['type'];
      let samples: Sample[];
      if (metric.dataPointType === DataPointType.HISTOGRAM) {
        type = 'histogram';
        samples = metric.dataPoints.map((p) => ({
          labels: stringLabels(p.attributes),
          value: p.value.count,
          sum: p.value.sum,
          buckets: cumulativeBuckets(p.value),
        }));
      } else {
        type = metric.dataPointType === DataPointType.SUM && metric.isMonotonic ? 'counter' : 'gauge';
        samples = (metric.dataPoints as Array<{ attributes: object; value: number }>).map((p) => ({
          labels: stringLabels(p.attributes),
          value: p.value,
        }));
      }
      families.set(name, { name, type, help: metric.descriptor.description, samples });
    }
  }
  return new MetricFamilies(families);
}

function stringLabels(attributes: object): Record<string, string> {
  return Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, String(v)]));
}

function cumulativeBuckets(h: Histogram): Record<string, number> {
  const out: Record<string, number> = {};
  let total = 0;
  h.buckets.counts.forEach((count, i) => {
    total += count;
    out[i < h.buckets.boundaries.length ? String(h.buckets.boundaries[i]) : '+Inf'] = total;
  });
  return out;
}
