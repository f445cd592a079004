/** One side of the memory benchmark, alone in its process: prints bytes of heap per label set. */
import { sdkMetrics } from './lib.ts';
import { promClientTwin } from './prom-client-twin.ts';

const [side, count] = [process.argv[2], Number(process.argv[3])];
const gc = (globalThis as { gc?: () => void }).gc!;
const ours = side === 'ours' ? sdkMetrics().service : undefined;
const twin = side === 'ours' ? undefined : promClientTwin();
const record = (i: number) => {
  const method = ['GET', 'POST', 'PUT', 'DELETE'][i % 4];
  const status = 200 + (Math.floor(i / 4) % 10);
  const path = `/api/v1/route-${Math.floor(i / 40)}/:id`;
  if (ours) ours.recordHttpRequest(method, path, status, 0.01);
  else {
    const labels = { method, path, status_code: String(status) };
    twin!.httpRequests.inc(labels);
    twin!.httpDuration.observe(labels, 0.01);
  }
};
record(-1); // first-use allocations outside the measurement
gc();
gc();
const before = process.memoryUsage().heapUsed;
for (let i = 0; i < count; i++) record(i);
gc();
gc();
const after = process.memoryUsage().heapUsed;
process.stdout.write(String((after - before) / count));
