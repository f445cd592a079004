/**
 * API SLOs (uid slo): the availability SLO (99.9% of requests not 5xx) and the latency SLO (99% of
 * requests under 500 ms) over 30 days: error budget left, and the burn rates of the windows the
 * multi-window multi-burn-rate alerts read (monitoring/prometheus/rules/slo.yml).
 */
import type { DashboardSpec } from '../layout.ts';
import type { PanelSpec } from '../panels.ts';
import { RECORDED as R, sloErrorRatio } from '../recording-rules.ts';

/** Error budget of each SLO: the share of requests allowed to fail over 30 days. */
const BUDGET = { availability: 0.001, latency: 0.01 } as const;
/** The alert windows, with the burn rate at which each pair alerts (page: 1h, 6h; ticket: 1d, 3d). */
const WINDOWS = [
  ['5m', 14.4],
  ['1h', 14.4],
  ['30m', 6],
  ['6h', 6],
  ['2h', 3],
  ['1d', 3],
  ['3d', 1],
] as const;

function burnRates(slo: 'availability' | 'latency', label: string): PanelSpec {
  return {
    kind: 'timeseries',
    title: `${label}: burn rate by window`,
    description:
      `Error ratio of each window divided by the error budget (${BUDGET[slo] * 100}%): 1 spends the budget in exactly 30 days. ` +
      'Pages at 14.4 (1h and 5m) or 6 (6h and 30m); tickets at 3 (1d and 2h) or 1 (3d and 6h).',
    w: 12,
    queries: WINDOWS.map(([window]) => ({
      expr: `sum by (job) (${sloErrorRatio(slo, window)}) / ${BUDGET[slo]}`,
      legend: `{{job}} ${window}`,
    })),
  };
}

export const slo: DashboardSpec = {
  uid: 'slo',
  title: 'API SLOs',
  description:
    'Availability (99.9% of requests not 5xx) and latency (99% under 500 ms) over 30 days: error budget left and burn rates.',
  tags: ['mytelevision', 'slo'],
  rows: [
    {
      title: 'Error budget (30 days)',
      panels: [
        {
          kind: 'stat',
          title: 'Availability budget left',
          description:
            'Share of the 30-day availability error budget (0.1% of requests) not yet spent; below 0: SLO missed.',
          w: 6,
          unit: 'percentunit',
          queries: [{ expr: `min(${R.sloAvailabilityBudgetLeft})` }],
        },
        {
          kind: 'stat',
          title: 'Availability (30 days)',
          description: 'Share of requests not answered 5xx over 30 days (objective 99.9%).',
          w: 6,
          unit: 'percentunit',
          queries: [{ expr: `1 - max(${R.sloAvailabilityErrors30d})` }],
        },
        {
          kind: 'stat',
          title: 'Latency budget left',
          description:
            'Share of the 30-day latency error budget (1% of requests slower than 500 ms) not yet spent.',
          w: 6,
          unit: 'percentunit',
          queries: [{ expr: `min(${R.sloLatencyBudgetLeft})` }],
        },
        {
          kind: 'stat',
          title: 'Requests under 500 ms (30 days)',
          description: 'Share of requests answered in less than 500 ms over 30 days (objective 99%).',
          w: 6,
          unit: 'percentunit',
          queries: [{ expr: `1 - max(${R.sloLatencyErrors30d})` }],
        },
      ],
    },
    {
      title: 'Budget over time',
      panels: [
        {
          kind: 'timeseries',
          title: 'Error budget left',
          description: 'Share of each 30-day error budget left, per SLO.',
          w: 24,
          unit: 'percentunit',
          queries: [
            { expr: `sum by (job) (${R.sloAvailabilityBudgetLeft})`, legend: '{{job}} availability' },
            { expr: `sum by (job) (${R.sloLatencyBudgetLeft})`, legend: '{{job}} latency' },
          ],
        },
      ],
    },
    {
      title: 'Burn rates',
      panels: [burnRates('availability', 'Availability'), burnRates('latency', 'Latency')],
    },
  ],
};
