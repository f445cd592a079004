import { freePort } from '../support/ports';
import { startApi, type RunningApi } from '../support/api-process';
import { waitFor } from '../support/wait';

/**
 * Telemetry never breaks the API (docs/architecture.md#fault-behaviour). With the OTLP endpoint on a
 * closed port every request still succeeds, and the export failure is logged a bounded number of
 * times, not per request.
 */
const REQUESTS = 500;

async function hammer(api: RunningApi): Promise<Map<number, number>> {
  const statuses = new Map<number, number>();
  let next = 0;
  const worker = async () => {
    while (next < REQUESTS) {
      next++;
      const res = await api.client.contents();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return statuses;
}

const exportFailureLines = (api: RunningApi) =>
  api.process
    .output()
    .split('\n')
    .filter((l) => l.includes('"name":"opentelemetry"'));

describe.each([
  ['traces to a closed OTLP port (pull metrics)', { OTEL_METRICS_EXPORTER: 'prometheus' }],
  [
    'traces and pushed metrics to a closed OTLP port',
    { OTEL_METRICS_EXPORTER: 'otlp', OTEL_METRIC_EXPORT_INTERVAL: '500' },
  ],
])('%s', (_name, env) => {
  let api: RunningApi;
  let statuses: Map<number, number>;

  beforeAll(async () => {
    const closed = await freePort(); // nothing listens there
    api = await startApi(
      {
        ...env,
        THROTTLE_LIMIT: '100000',
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${closed}`,
        OTEL_BSP_SCHEDULE_DELAY: '200',
        OTEL_EXPORTER_OTLP_TIMEOUT: '500',
      },
      'api (closed OTLP port)',
    );
    statuses = await hammer(api);
  });

  afterAll(() => api?.stop());

  it(`serves all ${REQUESTS} requests`, () => {
    expect([...statuses.entries()]).toEqual([[200, REQUESTS]]);
  });

  it('logs the export failure, a bounded number of times', async () => {
    // Exports are retried in the background: wait until the failure has been reported at least once.
    await waitFor('an export failure in the log', () => exportFailureLines(api).length > 0, {
      timeoutMs: 20_000,
    });
    // An observation window, not a synchronisation: at OTEL_BSP_SCHEDULE_DELAY=200 ms about ten more
    // export rounds fail in these 2 s, and each must be absorbed by the throttle.
    await new Promise((r) => setTimeout(r, 2_000));
    const lines = exportFailureLines(api);
    // One line per distinct failure per minute: far fewer than the requests or export rounds.
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.length).toBeLessThanOrEqual(5);
    expect(lines.join('\n')).toMatch(/ECONNREFUSED|export/i);
    expect(api.process.alive).toBe(true);
  });

  it('still answers its probes', async () => {
    expect((await api.client.request('GET', '/health/ready')).status).toBe(200);
  });
});

describe('OTEL_SDK_DISABLED=true', () => {
  let api: RunningApi;
  beforeAll(async () => (api = await startApi({ OTEL_SDK_DISABLED: 'true' }, 'api (SDK disabled)')));
  afterAll(() => api?.stop());

  it('serves the API with no telemetry at all', async () => {
    expect((await api.client.contents()).status).toBe(200);
    const metrics = await api.client.metrics();
    expect(metrics.status).toBe(503);
    expect(metrics.body).toMatch(/telemetry is off/);
    expect(exportFailureLines(api)).toEqual([]);
  });
});
