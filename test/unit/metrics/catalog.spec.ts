import { METRIC_DEFINITIONS, METRICS, prometheusType } from '@infrastructure/metrics';

/**
 * The team's agreed metric list, typed here, not derived from the catalogue: the catalogue must say
 * exactly this, names and label names in order (docs/decisions.md#the-metric-catalogue).
 */
const AGREED: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['mytelevision_http_requests_total', ['method', 'path', 'status_code']],
  ['mytelevision_http_request_duration_seconds', ['method', 'path', 'status_code']],
  ['mytelevision_http_requests_in_flight', []],
  ['mytelevision_auth_login_total', ['provider', 'status']],
  ['mytelevision_auth_failed_login_total', ['reason']],
  ['mytelevision_auth_active_sessions_total', []],
  ['mytelevision_auth_token_refresh_total', []],
  ['mytelevision_auth_token_expired_total', []],
  ['mytelevision_rate_limit_hits_total', ['endpoint']],
  ['mytelevision_content_views_total', ['content_type', 'access_type']],
  ['mytelevision_active_streams_total', ['content_type']],
  ['mytelevision_reactions_total', ['reaction_type', 'content_type']],
  ['mytelevision_favorites_added_total', ['content_type']],
  ['mytelevision_favorites_removed_total', ['content_type']],
  ['mytelevision_registrations_total', ['source']],
  ['mytelevision_active_users_total', ['access_type']],
  ['mytelevision_premium_subscribers_total', []],
  ['mytelevision_payment_transactions_total', ['status', 'payment_method']],
  ['mytelevision_payment_amount_total', ['status']],
  ['mytelevision_subscription_created_total', ['plan_type']],
  ['mytelevision_profiles_created_total', ['profile_type']],
  ['mytelevision_profile_switches_total', []],
  ['mytelevision_device_registrations_total', ['device_type']],
  ['mytelevision_risk_events_total', ['risk_type', 'action']],
];

/** The agreed kind of each metric: these gauges, one histogram, the rest counters. */
const GAUGES = new Set([
  'mytelevision_http_requests_in_flight',
  'mytelevision_auth_active_sessions_total',
  'mytelevision_active_streams_total',
  'mytelevision_active_users_total',
  'mytelevision_premium_subscribers_total',
]);

describe('metric catalogue', () => {
  it('holds exactly the 24 agreed metrics, with their label names', () => {
    expect(METRIC_DEFINITIONS).toHaveLength(24);
    expect(METRIC_DEFINITIONS.map((d) => [d.name, Object.keys(d.labels)])).toEqual(
      AGREED.map(([n, l]) => [n, [...l]]),
    );
  });

  it('gives each metric its agreed kind', () => {
    for (const d of METRIC_DEFINITIONS) {
      const expected = GAUGES.has(d.name)
        ? 'gauge'
        : d.name === 'mytelevision_http_request_duration_seconds'
          ? 'histogram'
          : 'counter';
      expect([d.name, prometheusType(d.kind)]).toEqual([d.name, expected]);
    }
  });

  it('uses the agreed closed label-value sets', () => {
    expect(METRICS.authLogin.labels).toEqual({
      provider: ['local', 'google', 'apple', 'facebook'],
      status: ['success', 'failure'],
    });
    expect(METRICS.authFailedLogin.labels.reason).toEqual([
      'invalid_credentials',
      'unknown_user',
      'account_locked',
      'rate_limited',
      'invalid_request',
    ]);
    expect(METRICS.contentViews.labels).toEqual({
      content_type: ['movie', 'series', 'episode', 'live', 'documentary'],
      access_type: ['free', 'premium'],
    });
    expect(METRICS.reactions.labels.reaction_type).toEqual(['like', 'dislike', 'love']);
    expect(METRICS.registrations.labels.source).toEqual(['web', 'ios', 'android', 'smart_tv', 'other']);
    expect(METRICS.paymentTransactions.labels).toEqual({
      status: ['success', 'failed'],
      payment_method: ['card', 'mobile_money', 'paypal'],
    });
    expect(METRICS.subscriptionCreated.labels.plan_type).toEqual(['monthly', 'annual']);
    expect(METRICS.profilesCreated.labels.profile_type).toEqual(['adult', 'kids']);
    expect(METRICS.deviceRegistrations.labels.device_type).toEqual([
      'tv',
      'mobile',
      'tablet',
      'web',
      'other',
    ]);
    expect(METRICS.riskEvents.labels).toEqual({
      risk_type: ['brute_force', 'new_device', 'suspicious_payment'],
      action: ['blocked', 'flagged'],
    });
    // Route templates, not raw URLs.
    expect(METRICS.httpRequests.labels.path).toBe('route');
    expect(METRICS.rateLimitHits.labels.endpoint).toBe('route');
  });

  it('times requests in seconds', () => {
    expect(METRICS.httpRequestDuration.unit).toBe('s');
  });
});
