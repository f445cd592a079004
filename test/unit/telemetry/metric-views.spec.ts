import { AggregationType } from '@opentelemetry/sdk-metrics';
import { PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { METRICS } from '@infrastructure/metrics';
import { MetricsHarness } from '../../support/metrics-harness';

/** The SDK's views, limits and serializer apply to the catalogue instruments like to any other. */
describe('the catalogue under the SDK', () => {
  const serializer = new PrometheusSerializer('', false, undefined, false, true);
  let h: MetricsHarness | undefined;
  afterEach(async () => {
    await h?.shutdown();
    h = undefined;
    delete process.env.OTEL_METRICS_CARDINALITY_LIMIT;
  });

  it('takes the buckets of a View registered for the HTTP histogram', async () => {
    h = new MetricsHarness({
      views: [
        {
          instrumentName: METRICS.httpRequestDuration.name,
          aggregation: { type: AggregationType.EXPLICIT_BUCKET_HISTOGRAM, options: { boundaries: [0.3, 3] } },
        },
      ],
    });
    h.service.recordHttpRequest('GET', '/api/v1/contents', 200, 0.2);
    h.service.recordHttpRequest('GET', '/api/v1/contents', 200, 1);
    const text = serializer.serialize(await h.collect());
    const buckets = text
      .split('\n')
      .filter((l) => l.startsWith(`${METRICS.httpRequestDuration.name}_bucket`))
      .map((l) => l.replace(/.*le="([^"]+)".* (\d+)$/, '$1=$2'));
    expect(buckets).toEqual(['0.3=1', '3=2', '+Inf=2']);
  });

  it('keeps the catalogue buckets without a View', async () => {
    h = new MetricsHarness();
    h.service.recordHttpRequest('GET', '/api/v1/contents', 200, 0.2);
    const e = await h.scrape();
    expect(Object.keys(e.find(METRICS.httpRequestDuration.name)!.buckets!)).toHaveLength(15);
  });

  it('folds a flood of one catalogue instrument into the overflow series past OTEL_METRICS_CARDINALITY_LIMIT', async () => {
    process.env.OTEL_METRICS_CARDINALITY_LIMIT = '50';
    h = new MetricsHarness();
    for (let i = 0; i < 500; i++) h.service.recordHttpRequest('GET', `/generated/${i}`, 200, 0.001);
    const e = await h.scrape();
    const samples = e.family(METRICS.httpRequests.name).samples;
    expect(samples).toHaveLength(50);
    const overflow = samples.filter((s) => s.labels['otel.metric.overflow'] === 'true');
    expect(overflow).toHaveLength(1);
    expect(samples.reduce((sum, s) => sum + s.value, 0)).toBe(500);
  });

  it('has every rate-limited route template at 0 once declared, before the first 429', async () => {
    h = new MetricsHarness();
    h.service.declareRateLimitedEndpoints(['/api/v1/auth/login', '/api/v1/contents/:id']);
    const e = await h.scrape();
    expect(e.family(METRICS.rateLimitHits.name).samples).toEqual([
      { labels: { endpoint: '/api/v1/auth/login' }, value: 0 },
      { labels: { endpoint: '/api/v1/contents/:id' }, value: 0 },
    ]);
  });
});
