import { MetricsHarness } from '../../support/metrics-harness';
import { Exposition } from '../../support/prometheus-text';

/**
 * The scrape-path serializer must say exactly what the OpenTelemetry Prometheus exporter's stock
 * serializer says about the same data: same bytes, hence the same parse.
 */
describe('PrometheusTextSerializer', () => {
  let h: MetricsHarness;
  beforeEach(() => (h = new MetricsHarness()));
  afterEach(() => h.shutdown());

  const record = () => {
    const s = h.service;
    for (let i = 0; i < 50; i++) {
      s.httpRequestStarted();
      s.recordHttpRequest(i % 3 ? 'GET' : 'BREW', `/api/v1/r${i % 7}/:id`, [200, 404, 503][i % 3], i / 37);
    }
    s.httpRequestStarted();
    s.recordHttpRequest('POST', '/api/v1/auth/login', 401, Number.NaN);
    s.recordLogin('local', false);
    s.recordLogin('myspace', true);
    s.recordPayment('success', 'card', 12.34);
    s.recordPayment('failed', 'paypal', 1e-7);
    s.recordStreamStarted('live');
    s.recordStreamStopped('movie');
    // Label values needing escapes: quotes, backslashes, new lines.
    s.recordRateLimitHit('/api/v1/"quoted"/back\\slash/new\nline');
    h.store.observeState({
      activeSessions: async () => 3,
      activeUsers: async () => ({ free: 2, premium: 1 }),
      premiumSubscribers: async () => 1,
    });
  };

  it('writes the same bytes as the stock serializer, before and after traffic', async () => {
    expect(await h.scrapeFastText()).toBe(await h.scrapeText());
    record();
    const fast = await h.scrapeFastText();
    expect(fast).toBe(await h.scrapeText());
    expect(fast).toContain('mytelevision_http_request_duration_seconds_bucket{method="other",path="/api/v1/r0/:id",status_code="200",le="0.005"}');
    expect(fast).toContain('endpoint="/api/v1/\\"quoted\\"/back\\\\slash/new\\nline"');
  });

  it('parses to the same families, series and values', async () => {
    record();
    const fast = new Exposition(await h.scrapeFastText());
    const stock = new Exposition(await h.scrapeText());
    expect(fast.families).toEqual(stock.families); // prom2json orders families by its map: compare as maps
    expect(fast.families.size).toBe(24);
  });

  it('stays byte-identical across scrapes once label texts are cached', async () => {
    record();
    const first = await h.scrapeFastText();
    h.service.recordLogin('local', false);
    const second = await h.scrapeFastText();
    expect(second).toBe(await h.scrapeText());
    expect(second).not.toBe(first);
  });
});
