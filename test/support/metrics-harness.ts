import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { MetricsService, METER_NAME, type MetricsServiceOptions } from '@infrastructure/metrics';
import { Exposition } from './prometheus-text';

/**
 * A MetricsService on a real SDK MeterProvider with the Prometheus reader the API uses, for unit
 * tests: record, then `scrape()` and read the parsed exposition.
 */
export class MetricsHarness {
  readonly reader = new PrometheusExporter({ preventServerStart: true, withoutScopeInfo: true });
  readonly provider = new MeterProvider({ readers: [this.reader] });
  readonly service: MetricsService;
  readonly warnings: Array<{ message: string; context: Record<string, unknown> }> = [];
  private readonly serializer = new PrometheusSerializer('', false, undefined, true, true);

  constructor(options: Omit<MetricsServiceOptions, 'meter' | 'warn'> = {}) {
    this.service = new MetricsService({
      ...options,
      meter: this.provider.getMeter(METER_NAME),
      warn: (message, context) => this.warnings.push({ message, context }),
    });
  }

  async scrape(): Promise<Exposition> {
    const { resourceMetrics } = await this.reader.collect();
    return new Exposition(this.serializer.serialize(resourceMetrics));
  }

  shutdown(): Promise<void> {
    return this.provider.shutdown();
  }
}
