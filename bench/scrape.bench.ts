/**
 * Scrape path: rendering the exposition (what GET /metrics does) against prom-client's
 * `register.metrics()` on the same series, at the series count the traffic generator produces and
 * at 10,000 series, with the longest event-loop stall seen while scraping.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { compareAsync, median, REPORTED, sdkMetrics, type Row } from './lib.ts';
import { promClientTwin } from './prom-client-twin.ts';

const METHODS = ['GET', 'POST', 'PUT', 'DELETE'];
const STATUSES = [200, 201, 204, 400, 401, 403, 404, 409, 429, 500];

/** Records `labelSets` distinct HTTP label sets (each in the counter and the histogram) on both sides. */
function populate(labelSets: number) {
  const { service: ours, render } = sdkMetrics();
  const twin = promClientTwin();
  for (let i = 0; i < labelSets; i++) {
    const method = METHODS[i % METHODS.length];
    const status = STATUSES[Math.floor(i / METHODS.length) % STATUSES.length];
    const path = `/api/v1/route-${Math.floor(i / (METHODS.length * STATUSES.length))}/:id`;
    const seconds = (i % 500) / 1000;
    ours.httpRequestStarted();
    ours.recordHttpRequest(method, path, status, seconds);
    const labels = { method, path, status_code: String(status) };
    twin.httpRequests.inc(labels);
    twin.httpDuration.observe(labels, seconds);
  }
  // The business metrics every scrape also carries, on both sides.
  ours.recordLogin('local', true);
  twin.login.inc({ provider: 'local', status: 'success' });
  const renderTwin = () => twin.registry.metrics();
  return { render, renderTwin };
}

async function timeMs(fn: () => Promise<string>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** The longest event-loop stall (ms) over `scrapes` scrapes, timers ticking beside them. */
async function longestStall(fn: () => Promise<string>, scrapes = 10): Promise<number> {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  for (let i = 0; i < scrapes; i++) {
    await fn();
    await new Promise((r) => setTimeout(r, 5));
  }
  h.disable();
  return h.max / 1e6;
}

export async function scrapeBench(generatorLabelSets: number): Promise<Row[]> {
  const rows: Row[] = [];
  for (const labelSets of [generatorLabelSets, 1_000, 10_000]) {
    const { render, renderTwin } = populate(labelSets);
    const bytes = Buffer.byteLength(await render());
    const twinBytes = Buffer.byteLength(await renderTwin());
    const r = await compareAsync(
      () => timeMs(render),
      () => timeMs(renderTwin),
      7,
    );
    rows.push({
      figure: `GET /metrics render, ${labelSets} HTTP label sets (${(bytes / 1024).toFixed(0)} KiB vs ${(twinBytes / 1024).toFixed(0)} KiB)`,
      ours: `${r.ours.toFixed(1)} ms`,
      baseline: `${r.baseline.toFixed(1)} ms`,
      ratio: r.ratio,
      target: REPORTED,
      met: true,
    });
    {
      const stalls = [await longestStall(render), await longestStall(render), await longestStall(render)];
      const twinStalls = [
        await longestStall(renderTwin),
        await longestStall(renderTwin),
        await longestStall(renderTwin),
      ];
      const s = median(stalls);
      const atGenerator = labelSets === generatorLabelSets;
      rows.push({
        figure: `longest event-loop stall during scrapes, ${labelSets} label sets`,
        ours: `${s.toFixed(1)} ms`,
        baseline: `${median(twinStalls).toFixed(1)} ms`,
        ratio: s / median(twinStalls),
        target: atGenerator ? '<= 20 ms' : REPORTED,
        met: atGenerator ? s <= 20 : true,
      });
    }
  }
  return rows;
}
