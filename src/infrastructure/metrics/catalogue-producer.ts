import { emptyResource } from '@opentelemetry/resources';
import type { CollectionResult, MetricProducer } from '@opentelemetry/sdk-metrics';
import { METER_NAME } from './meter';
import type { MetricStore } from './metric-store';

/**
 * Hands the catalogue's state to an OpenTelemetry metric reader at collection time, as one
 * instrumentation scope: the OTLP push reader gets exactly the data the pull exposition shows.
 * (The reader replaces the resource with the SDK's own.)
 */
export class CatalogueMetricProducer implements MetricProducer {
  constructor(private readonly store: MetricStore) {}

  async collect(): Promise<CollectionResult> {
    return {
      resourceMetrics: {
        resource: emptyResource(),
        scopeMetrics: [{ scope: { name: METER_NAME }, metrics: await this.store.collect() }],
      },
      errors: [],
    };
  }
}
