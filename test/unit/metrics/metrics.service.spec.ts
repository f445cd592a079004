import {
  MAX_HTTP_SERIES,
  METRIC_DEFINITIONS,
  METRICS,
  OTHER,
  prometheusType,
  UNMATCHED_ROUTE,
  type StateGaugeSource,
} from '@infrastructure/metrics';
import { MetricsHarness } from '../../support/metrics-harness';

describe('MetricsService', () => {
  let h: MetricsHarness;
  beforeEach(() => (h = new MetricsHarness({ stateRead: { ttlMs: 0, timeoutMs: 50 } })));
  afterEach(() => h.shutdown());

  it('exposes every closed-set series at 0 before the first event', async () => {
    const e = await h.scrape();
    expect(e.find(METRICS.authLogin.name, { provider: 'apple', status: 'failure' })?.value).toBe(0);
    expect(e.family(METRICS.reactions.name).samples).toHaveLength(3 * 5);
    expect(e.family(METRICS.riskEvents.name).samples).toHaveLength(3 * 2);
    expect(e.family(METRICS.paymentAmount.name).samples).toHaveLength(2);
    expect(e.find(METRICS.profileSwitches.name)?.value).toBe(0);
    expect(e.family(METRICS.activeStreams.name).type).toBe('gauge');
  });

  it('has one family per catalogue metric once each has been recorded or observed', async () => {
    h.service.observeState({
      activeSessions: () => Promise.resolve(1),
      activeUsers: () => Promise.resolve({ free: 1, premium: 0 }),
      premiumSubscribers: () => Promise.resolve(0),
    });
    h.service.httpRequestStarted();
    h.service.recordHttpRequest('GET', '/api/v1/contents', 200, 0.01);
    h.service.recordRateLimitHit('/api/v1/contents');
    const e = await h.scrape();
    expect([...e.families.keys()].sort()).toEqual(METRIC_DEFINITIONS.map((d) => d.name).sort());
    expect(e.families.size).toBe(24);
    for (const d of METRIC_DEFINITIONS)
      expect({ name: d.name, type: e.family(d.name).type }).toEqual({
        name: d.name,
        type: prometheusType(d.kind),
      });
  });

  it('implements the agreed methods with their agreed signatures', async () => {
    h.service.recordPayment('success', 'card', 9.99);
    h.service.recordPayment('failed', 'paypal', 5);
    h.service.recordContentView('movie', 'premium');
    h.service.recordLogin('google', true);
    h.service.recordLogin('local', false);
    const e = await h.scrape();
    expect(e.value(METRICS.paymentTransactions.name, { status: 'success', payment_method: 'card' })).toBe(1);
    expect(e.value(METRICS.paymentTransactions.name, { status: 'failed', payment_method: 'paypal' })).toBe(1);
    expect(e.value(METRICS.paymentAmount.name, { status: 'success' })).toBeCloseTo(9.99);
    expect(e.value(METRICS.paymentAmount.name, { status: 'failed' })).toBe(5);
    expect(e.value(METRICS.contentViews.name, { content_type: 'movie', access_type: 'premium' })).toBe(1);
    expect(e.value(METRICS.authLogin.name, { provider: 'google', status: 'success' })).toBe(1);
    expect(e.value(METRICS.authLogin.name, { provider: 'local', status: 'failure' })).toBe(1);
  });

  it('moves each remaining instrument through its own method', async () => {
    const s = h.service;
    s.recordFailedLogin('unknown_user');
    s.recordTokenRefresh();
    s.recordTokenExpired();
    s.recordRateLimitHit('/api/v1/auth/login');
    s.recordStreamStarted('live');
    s.recordStreamStarted('live');
    s.recordStreamStopped('live');
    s.recordReaction('love', 'series');
    s.recordFavoriteAdded('episode');
    s.recordFavoriteRemoved('episode');
    s.recordRegistration('smart_tv');
    s.recordSubscriptionCreated('annual');
    s.recordProfileCreated('kids');
    s.recordProfileSwitch();
    s.recordDeviceRegistration('tablet');
    s.recordRiskEvent('new_device', 'flagged');
    const e = await h.scrape();
    expect(e.value(METRICS.authFailedLogin.name, { reason: 'unknown_user' })).toBe(1);
    expect(e.value(METRICS.authTokenRefresh.name)).toBe(1);
    expect(e.value(METRICS.authTokenExpired.name)).toBe(1);
    expect(e.value(METRICS.rateLimitHits.name, { endpoint: '/api/v1/auth/login' })).toBe(1);
    expect(e.value(METRICS.activeStreams.name, { content_type: 'live' })).toBe(1);
    expect(e.value(METRICS.reactions.name, { reaction_type: 'love', content_type: 'series' })).toBe(1);
    expect(e.value(METRICS.favoritesAdded.name, { content_type: 'episode' })).toBe(1);
    expect(e.value(METRICS.favoritesRemoved.name, { content_type: 'episode' })).toBe(1);
    expect(e.value(METRICS.registrations.name, { source: 'smart_tv' })).toBe(1);
    expect(e.value(METRICS.subscriptionCreated.name, { plan_type: 'annual' })).toBe(1);
    expect(e.value(METRICS.profilesCreated.name, { profile_type: 'kids' })).toBe(1);
    expect(e.value(METRICS.profileSwitches.name)).toBe(1);
    expect(e.value(METRICS.deviceRegistrations.name, { device_type: 'tablet' })).toBe(1);
    expect(e.value(METRICS.riskEvents.name, { risk_type: 'new_device', action: 'flagged' })).toBe(1);
  });

  it('records HTTP requests with bounded labels and the catalogue buckets', async () => {
    h.service.httpRequestStarted();
    h.service.recordHttpRequest('GET', '/api/v1/contents/:id', 200, 0.03);
    h.service.httpRequestStarted();
    h.service.recordHttpRequest('BREW', UNMATCHED_ROUTE, 418, 0.001);
    h.service.httpRequestStarted();
    h.service.recordHttpRequest('GET', '/api/v1/contents', 1234, 0.2);
    h.service.httpRequestStarted(); // still in flight
    const e = await h.scrape();
    expect(
      e.value(METRICS.httpRequests.name, { method: 'GET', path: '/api/v1/contents/:id', status_code: '200' }),
    ).toBe(1);
    expect(
      e.value(METRICS.httpRequests.name, { method: OTHER, path: UNMATCHED_ROUTE, status_code: '418' }),
    ).toBe(1);
    expect(
      e.value(METRICS.httpRequests.name, { method: 'GET', path: '/api/v1/contents', status_code: OTHER }),
    ).toBe(1);
    expect(e.value(METRICS.httpRequestsInFlight.name)).toBe(1);
    const hist = e.find(METRICS.httpRequestDuration.name, { path: '/api/v1/contents/:id' })!;
    const le = (b: string) => (b === '+Inf' ? Infinity : Number(b));
    expect(Object.keys(hist.buckets!).sort((a, b) => le(a) - le(b))).toEqual([
      '0.005',
      '0.01',
      '0.025',
      '0.05',
      '0.075',
      '0.1',
      '0.25',
      '0.5',
      '0.75',
      '1',
      '2.5',
      '5',
      '7.5',
      '10',
      '+Inf',
    ]);
    expect(hist.buckets!['0.025']).toBe(0);
    expect(hist.buckets!['0.05']).toBe(1);
    expect(hist.sum).toBeCloseTo(0.03);
  });

  it('records values outside a closed set as other, with one throttled warning', async () => {
    for (let i = 0; i < 50; i++) h.service.recordContentView(`user-supplied-${i}`, 'free');
    const e = await h.scrape();
    expect(e.value(METRICS.contentViews.name, { content_type: OTHER, access_type: 'free' })).toBe(50);
    expect([...e.labelValues(METRICS.contentViews.name, 'content_type')].sort()).toEqual(
      ['documentary', 'episode', 'live', 'movie', OTHER, 'series'].sort(),
    );
    expect(h.warnings).toHaveLength(1);
    expect(h.warnings[0].context).toMatchObject({ metric: METRICS.contentViews.name, label: 'content_type' });
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY, '12' as unknown as number])(
    'counts the transaction but drops the amount %p',
    async (amount) => {
      h.service.recordPayment('success', 'card', amount);
      const e = await h.scrape();
      expect(e.value(METRICS.paymentTransactions.name, { status: 'success', payment_method: 'card' })).toBe(
        1,
      );
      expect(e.value(METRICS.paymentAmount.name, { status: 'success' })).toBe(0);
      expect(h.warnings.map((w) => w.message)).toEqual([
        'payment amount not recorded: not a finite non-negative number',
      ]);
    },
  );

  it('folds new paths and endpoints into `unmatched` past the series cap', async () => {
    for (let i = 0; i <= MAX_HTTP_SERIES; i++) {
      h.service.recordHttpRequest('GET', `/generated/${i}`, 200, 0.001);
      h.service.recordRateLimitHit(`/generated/${i}`);
    }
    const e = await h.scrape();
    expect(e.family(METRICS.httpRequests.name).samples).toHaveLength(MAX_HTTP_SERIES + 1);
    expect(
      e.value(METRICS.httpRequests.name, { method: 'GET', path: UNMATCHED_ROUTE, status_code: '200' }),
    ).toBe(1);
    expect(e.value(METRICS.rateLimitHits.name, { endpoint: UNMATCHED_ROUTE })).toBe(1);
  });

  it('never throws into business code, whatever it is handed', () => {
    const odd: unknown[] = [undefined, null, 42, {}, Symbol('s'), ['movie'], 'x'.repeat(10_000)];
    const s = h.service as unknown as Record<string, (...args: unknown[]) => void>;
    expect(() => {
      for (const value of odd) {
        s.recordPayment(value, value, value);
        s.recordLogin(value, value);
        s.recordContentView(value, value);
        s.recordRateLimitHit(value);
        s.recordHttpRequest(value, value, value, value);
        s.recordRiskEvent(value, value);
      }
    }).not.toThrow();
  });

  describe('state gauges', () => {
    const source = (over: Partial<StateGaugeSource> = {}): StateGaugeSource => ({
      activeSessions: () => Promise.resolve(7),
      activeUsers: () => Promise.resolve({ free: 5, premium: 2 }),
      premiumSubscribers: () => Promise.resolve(3),
      ...over,
    });

    it('are read from the source of truth at collection time', async () => {
      let sessions = 7;
      h.service.observeState(source({ activeSessions: () => Promise.resolve(sessions) }));
      let e = await h.scrape();
      expect(e.value(METRICS.authActiveSessions.name)).toBe(7);
      expect(e.value(METRICS.activeUsers.name, { access_type: 'premium' })).toBe(2);
      expect(e.value(METRICS.activeUsers.name, { access_type: 'free' })).toBe(5);
      expect(e.value(METRICS.premiumSubscribers.name)).toBe(3);
      sessions = 9;
      e = await h.scrape();
      expect(e.value(METRICS.authActiveSessions.name)).toBe(9);
    });

    it('skip only the failing or slow gauge, and the scrape still answers', async () => {
      h.service.observeState(
        source({
          activeSessions: async () => Promise.reject(new Error('redis down')),
          premiumSubscribers: () => new Promise<number>(() => undefined), // never answers
        }),
      );
      const e = await h.scrape();
      expect(
        e.families.has(METRICS.authActiveSessions.name)
          ? e.family(METRICS.authActiveSessions.name).samples
          : [],
      ).toEqual([]);
      expect(
        e.families.has(METRICS.premiumSubscribers.name)
          ? e.family(METRICS.premiumSubscribers.name).samples
          : [],
      ).toEqual([]);
      expect(e.value(METRICS.activeUsers.name, { access_type: 'free' })).toBe(5);
      expect(h.warnings.map((w) => w.context.metric).sort()).toEqual(
        [METRICS.authActiveSessions.name, METRICS.premiumSubscribers.name].sort(),
      );
    });

    it('reuse a fresh value instead of querying on every scrape', async () => {
      const cached = new MetricsHarness({ stateRead: { ttlMs: 60_000, timeoutMs: 50 } });
      const reads = jest.fn(() => Promise.resolve(4));
      cached.service.observeState(source({ premiumSubscribers: reads }));
      await cached.scrape();
      const e = await cached.scrape();
      expect(e.value(METRICS.premiumSubscribers.name)).toBe(4);
      expect(reads).toHaveBeenCalledTimes(1);
      await cached.shutdown();
    });

    it('accept one source only', () => {
      h.service.observeState(source());
      expect(() => h.service.observeState(source())).toThrow(/already set/);
    });
  });
});
