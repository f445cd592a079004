import type { Meter } from '@opentelemetry/api';
import { readdirSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { RUNTIME_METRICS } from '../metrics/catalog';

export const PROCESS_METER_NAME = 'mytelevision-process';

/**
 * The process and runtime metrics Prometheus users expect from a Node.js service, under the names
 * they know (process_resident_memory_bytes, process_cpu_seconds_total, nodejs_eventloop_lag_seconds,
 * heap sizes). Observed at collection time only: nothing runs per request.
 */
export function registerProcessMetrics(meter: Meter): () => void {
  const m = RUNTIME_METRICS;
  const startTimeSeconds = Math.round((Date.now() - performance.now()) / 1000);
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();

  meter
    .createObservableCounter(m.processCpuSeconds.name, {
      description: 'Total user and system CPU time spent in seconds',
    })
    .addCallback((r) => {
      const { user, system } = process.cpuUsage();
      r.observe((user + system) / 1e6);
    });
  meter
    .createObservableGauge(m.processResidentMemory.name, { description: 'Resident memory size in bytes' })
    .addCallback((r) => r.observe(process.memoryUsage.rss()));
  meter
    .createObservableGauge(m.processStartTime.name, {
      description: 'Start time of the process since unix epoch in seconds',
    })
    .addCallback((r) => r.observe(startTimeSeconds));
  meter
    .createObservableGauge(m.processOpenFds.name, { description: 'Number of open file descriptors' })
    .addCallback((r) => {
      const n = openFileDescriptors();
      if (n !== undefined) r.observe(n);
    });
  const heap = (pick: (u: NodeJS.MemoryUsage) => number) => (r: { observe(v: number): void }) =>
    r.observe(pick(process.memoryUsage()));
  meter
    .createObservableGauge(m.heapUsed.name, { description: 'V8 heap used in bytes' })
    .addCallback(heap((u) => u.heapUsed));
  meter
    .createObservableGauge(m.heapTotal.name, { description: 'V8 heap size in bytes' })
    .addCallback(heap((u) => u.heapTotal));
  meter
    .createObservableGauge(m.externalMemory.name, {
      description: 'Memory of C++ objects bound to JS objects in bytes',
    })
    .addCallback(heap((u) => u.external));
  // Event-loop delay since the previous collection: the mean and the 99th percentile, in seconds.
  const lag = meter.createObservableGauge(m.eventLoopLag.name, {
    description: 'Mean event-loop delay since the previous collection, in seconds',
  });
  const lagP99 = meter.createObservableGauge(m.eventLoopLagP99.name, {
    description: '99th percentile of the event-loop delay since the previous collection, in seconds',
  });
  meter.addBatchObservableCallback(
    (r) => {
      if (loopDelay.count > 0) {
        r.observe(lag, loopDelay.mean / 1e9);
        r.observe(lagP99, loopDelay.percentile(99) / 1e9);
      }
      loopDelay.reset();
    },
    [lag, lagP99],
  );
  return () => loopDelay.disable();
}

function openFileDescriptors(): number | undefined {
  try {
    return readdirSync('/proc/self/fd').length - 1; // minus the descriptor readdir itself holds
  } catch {
    return undefined; // not Linux
  }
}
