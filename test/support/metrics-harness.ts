import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import {
  CatalogueMetricProducer,
  MetricStore,
  MetricsService,
  PrometheusTextSerializer,
  type MetricStoreOptions,
} from '@infrastructure/metrics';
import { Exposition } from './prometheus-text';

/**
 * A MetricsService wired as the API wires it (a MetricStore read by an OpenTelemetry reader through
 * the catalogue producer), for unit tests: record, then `scrape()` and read the parsed exposition.
 * `scrape()` goes through the SDK's Prometheus reader and stock serializer; `scrapeFast()` through
 * the scrape-path serializer GET /metrics uses.
 */
export class MetricsHarness {
  readonly store: MetricStore;
  readonly reader: PrometheusExporter;
  readonly provider: MeterProvider;
  readonly service: MetricsService;
  readonly warnings: Array<{ message: string; context: Record<string, unknown> }> = [];
  private readonly serializer = new PrometheusSerializer('', false, undefined, true, true);
  private readonly fast = new PrometheusTextSerializer();

  constructor(options: MetricStoreOptions = {}) {
    this.store = new MetricStore(options);
    this.reader = new PrometheusExporter({
      preventServerStart: true,
      withoutScopeInfo: true,
      metricProducers: [new CatalogueMetricProducer(this.store)],
    });
    this.provider = new MeterProvider({ readers: [this.reader] });
    this.service = new MetricsService({
      store: this.store,
      warn: (message, context) => this.warnings.push({ message, context }),
    });
  }

  async scrapeText(): Promise<string> {
    const { resourceMetrics } = await this.reader.collect();
    return this.serializer.serialize(resourceMetrics);
  }

  async scrape(): Promise<Exposition> {
    return new Exposition(await this.scrapeText());
  }

  async scrapeFastText(): Promise<string> {
    return this.fast.serialize(await this.store.collect());
  }

  shutdown(): Promise<void> {
    return this.provider.shutdown();
  }
}
