/**
 * Auth & Sessions (uid auth-sessions): logins by provider and status, failed logins by reason,
 * sessions, token refresh and expiry, rate limiting, risk events.
 */
import type { DashboardSpec } from '../layout.ts';
import { m, rate } from '../metrics.ts';
import { RECORDED as R } from '../recording-rules.ts';

export const authSessions: DashboardSpec = {
  uid: 'auth-sessions',
  title: 'Auth & Sessions',
  description: 'Logins, failed logins, sessions, tokens, rate limiting and security (risk) events.',
  tags: ['mytelevision', 'auth', 'security'],
  rows: [
    {
      title: 'Overview',
      panels: [
        {
          kind: 'stat',
          title: 'Active sessions',
          description: 'Sessions open now, read from the session store.',
          w: 6,
          queries: [{ expr: `max(${m.authActiveSessions})` }],
        },
        {
          kind: 'stat',
          title: 'Login success ratio',
          description: 'Share of login attempts that succeeded over 5 minutes.',
          w: 6,
          unit: 'percentunit',
          queries: [
            {
              expr: `sum(${R.loginRateByProviderStatus}{status="success"}) / sum(${R.loginRateByProviderStatus})`,
            },
          ],
        },
        {
          kind: 'stat',
          title: 'Failed logins per minute',
          description: 'PossibleBruteForce fires above 10 per minute.',
          w: 6,
          thresholds: { warn: 5, critical: 10 },
          queries: [{ expr: `sum(${R.failedLoginRate2m}) * 60` }],
        },
        {
          kind: 'stat',
          title: 'Expired tokens (5m)',
          description: 'Expired tokens presented in the last 5 minutes; HighTokenExpiration fires above 50.',
          w: 6,
          thresholds: { warn: 25, critical: 50 },
          queries: [{ expr: `sum(${R.tokenExpiredIncrease5m})` }],
        },
      ],
    },
    {
      title: 'Logins',
      panels: [
        {
          kind: 'timeseries',
          title: 'Logins by provider and status',
          description: 'Login attempts per second by provider (local, google, apple, facebook) and outcome.',
          w: 12,
          unit: 'ops',
          queries: [
            {
              expr: `sum by (provider, status) (${R.loginRateByProviderStatus})`,
              legend: '{{provider}} {{status}}',
            },
          ],
        },
        {
          kind: 'timeseries',
          title: 'Failed logins by reason',
          description: 'Failed login attempts per second by reason.',
          w: 12,
          unit: 'ops',
          stacked: true,
          queries: [{ expr: `sum by (reason) (${R.failedLoginRateByReason})`, legend: '{{reason}}' }],
        },
      ],
    },
    {
      title: 'Sessions and tokens',
      panels: [
        {
          kind: 'timeseries',
          title: 'Active sessions',
          description: 'Sessions open, from the session store (the same value on every replica).',
          w: 12,
          queries: [{ expr: `max(${m.authActiveSessions})`, legend: 'sessions' }],
        },
        {
          kind: 'timeseries',
          title: 'Token refreshes and expirations',
          description: 'Refresh-token rotations and expired tokens presented, per second.',
          w: 12,
          unit: 'ops',
          queries: [
            { expr: `sum(${rate(m.authTokenRefresh)})`, legend: 'refreshed' },
            { expr: `sum(${rate(m.authTokenExpired)})`, legend: 'expired' },
          ],
        },
      ],
    },
    {
      title: 'Abuse and risk',
      panels: [
        {
          kind: 'timeseries',
          title: 'Rate-limit hits by endpoint',
          description: 'Requests rejected by the rate limiter per second, by route template.',
          w: 12,
          unit: 'ops',
          queries: [{ expr: `sum by (endpoint) (${rate(m.rateLimitHits)})`, legend: '{{endpoint}}' }],
        },
        {
          kind: 'timeseries',
          title: 'Risk events',
          description:
            'Risk events (brute force, new device, suspicious payment) by action taken, per second.',
          w: 12,
          unit: 'ops',
          queries: [
            {
              expr: `sum by (risk_type, action) (${rate(m.riskEvents)})`,
              legend: '{{risk_type}} {{action}}',
            },
          ],
        },
      ],
    },
  ],
};
