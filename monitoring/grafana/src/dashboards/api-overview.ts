/** API Overview (uid api-overview): request rate, latency percentiles, error ratio, in-flight, memory. */
import type { DashboardSpec } from '../layout.ts';
import { API_JOB, m, rate, runtime } from '../metrics.ts';
import { RECORDED as R } from '../recording-rules.ts';

const requests = m.httpRequests;
const duration = m.httpRequestDuration;
const errorRatio = (statusRegex: string) =>
  `sum(${rate(`${requests}{status_code=~"${statusRegex}"}`)}) / sum(${rate(requests)})`;

export const apiOverview: DashboardSpec = {
  uid: 'api-overview',
  title: 'API Overview',
  description: 'MyTelevision API: request rate, latency, errors, in-flight requests and process resources.',
  tags: ['mytelevision', 'api'],
  rows: [
    {
      title: 'Golden signals',
      panels: [
        {
          kind: 'stat',
          title: 'API up',
          description: 'Instances of the API that answered their last scrape.',
          w: 4,
          queries: [{ expr: `sum(up{job="${API_JOB}"})` }],
        },
        {
          kind: 'stat',
          title: 'Request rate',
          description: 'Requests per second over 5 minutes, all routes.',
          w: 5,
          unit: 'reqps',
          queries: [{ expr: `sum(${R.httpRequestRate})` }],
        },
        {
          kind: 'stat',
          title: '5xx error ratio',
          description:
            'Share of responses with a 5xx status (HighErrorRate warns at 1%, HighCriticalErrorRate at 5%).',
          w: 5,
          unit: 'percentunit',
          thresholds: { warn: 0.01, critical: 0.05 },
          queries: [{ expr: `sum(${R.http5xxRate}) / sum(${R.httpRequestRate})` }],
        },
        {
          kind: 'stat',
          title: 'p95 latency',
          description: '95th percentile of request duration (HighResponseTime warns above 500 ms).',
          w: 5,
          unit: 's',
          thresholds: { warn: 0.5, critical: 1 },
          queries: [{ expr: `max(${R.httpP95})` }],
        },
        {
          kind: 'stat',
          title: 'In-flight requests',
          description: 'Requests being handled right now, all instances.',
          w: 5,
          queries: [{ expr: `sum(${m.httpRequestsInFlight})` }],
        },
      ],
    },
    {
      // A sum over instances hides one sick instance behind a healthy one: these panels do not sum.
      title: 'Per instance',
      panels: [
        {
          kind: 'timeseries',
          title: 'Up by instance',
          description:
            '1 when the instance answered its last scrape, 0 when not (APIDown fires per instance).',
          w: 6,
          queries: [{ expr: `up{job="${API_JOB}"}`, legend: '{{instance}}' }],
        },
        {
          kind: 'timeseries',
          title: 'Request rate by instance',
          description: 'Requests per second served by each instance.',
          w: 6,
          unit: 'reqps',
          queries: [{ expr: `sum by (instance) (${rate(requests)})`, legend: '{{instance}}' }],
        },
        {
          kind: 'timeseries',
          title: '5xx error ratio by instance',
          description: 'Share of 5xx responses of each instance.',
          w: 6,
          unit: 'percentunit',
          queries: [
            {
              expr: `sum by (instance) (${rate(`${requests}{status_code=~"5.."}`)}) / sum by (instance) (${rate(requests)})`,
              legend: '{{instance}}',
            },
          ],
        },
        {
          kind: 'timeseries',
          title: 'p95 latency by instance',
          description: '95th percentile of request duration of each instance.',
          w: 6,
          unit: 's',
          queries: [
            {
              expr: `histogram_quantile(0.95, sum by (instance, le) (${rate(`${duration}_bucket`)}))`,
              legend: '{{instance}}',
            },
          ],
        },
      ],
    },
    {
      title: 'Traffic',
      panels: [
        {
          kind: 'timeseries',
          title: 'Request rate by route',
          description: 'Requests per second by method and route template.',
          w: 12,
          unit: 'reqps',
          queries: [{ expr: `sum by (method, path) (${rate(requests)})`, legend: '{{method}} {{path}}' }],
        },
        {
          kind: 'timeseries',
          title: 'Responses by status code',
          description: 'Responses per second by HTTP status code.',
          w: 12,
          unit: 'reqps',
          stacked: true,
          queries: [
            { expr: `sum by (status_code) (${R.httpRequestRateByStatus})`, legend: '{{status_code}}' },
          ],
        },
      ],
    },
    {
      title: 'Latency',
      panels: [
        {
          kind: 'timeseries',
          title: 'Latency percentiles',
          description: 'p50, p95 and p99 of request duration, all routes.',
          w: 8,
          unit: 's',
          queries: [
            { expr: `max(${R.httpP50})`, legend: 'p50' },
            { expr: `max(${R.httpP95})`, legend: 'p95' },
            { expr: `max(${R.httpP99})`, legend: 'p99' },
          ],
        },
        {
          kind: 'timeseries',
          title: 'p95 latency by route',
          description: '95th percentile of request duration by route template.',
          w: 8,
          unit: 's',
          queries: [{ expr: `max by (path) (${R.httpP95ByPath})`, legend: '{{path}}' }],
        },
        {
          kind: 'timeseries',
          title: 'Requests slower than 500 ms',
          description: 'Share of requests above the 500 ms latency objective (the 0.5 s histogram bucket).',
          w: 8,
          unit: 'percentunit',
          queries: [
            {
              expr: `1 - sum(${rate(`${duration}_bucket{le="0.5"}`)}) / sum(${rate(`${duration}_count`)})`,
              legend: '> 500 ms',
            },
          ],
        },
      ],
    },
    {
      title: 'Errors',
      panels: [
        {
          kind: 'timeseries',
          title: 'Error ratios',
          description: 'Share of 5xx and 4xx responses.',
          w: 12,
          unit: 'percentunit',
          queries: [
            { expr: `sum(${R.http5xxRate}) / sum(${R.httpRequestRate})`, legend: '5xx' },
            { expr: errorRatio('4..'), legend: '4xx' },
          ],
        },
        {
          kind: 'timeseries',
          title: '5xx by route',
          description: 'Server errors per second by route template.',
          w: 12,
          unit: 'reqps',
          queries: [
            { expr: `sum by (path) (${rate(`${requests}{status_code=~"5.."}`)})`, legend: '{{path}}' },
          ],
        },
      ],
    },
    {
      title: 'Process',
      panels: [
        {
          kind: 'timeseries',
          title: 'In-flight requests',
          description: 'Requests being handled, per instance.',
          w: 8,
          queries: [{ expr: `sum by (instance) (${m.httpRequestsInFlight})`, legend: '{{instance}}' }],
        },
        {
          kind: 'timeseries',
          title: 'Memory',
          description:
            'Resident set size and V8 heap of the API process (APIHighMemoryUsage fires above 1 GiB RSS).',
          w: 8,
          unit: 'bytes',
          queries: [
            { expr: `${runtime.processResidentMemory}{job="${API_JOB}"}`, legend: 'RSS {{instance}}' },
            { expr: `${runtime.heapUsed}{job="${API_JOB}"}`, legend: 'heap used {{instance}}' },
            { expr: `${runtime.heapTotal}{job="${API_JOB}"}`, legend: 'heap total {{instance}}' },
          ],
        },
        {
          kind: 'timeseries',
          title: 'CPU and event-loop lag',
          description: 'CPU seconds per second of the API process, and event-loop lag (p99).',
          w: 8,
          unit: 's',
          queries: [
            { expr: `${rate(`${runtime.processCpuSeconds}{job="${API_JOB}"}`)}`, legend: 'CPU {{instance}}' },
            {
              expr: `${runtime.eventLoopLagP99}{job="${API_JOB}"}`,
              legend: 'event-loop lag p99 {{instance}}',
            },
          ],
        },
      ],
    },
  ],
};
