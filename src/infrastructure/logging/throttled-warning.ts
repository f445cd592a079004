/** Where throttled warnings go: the app's pino logger in production, a spy in tests. */
export type WarningSink = (message: string, context: Record<string, unknown>) => void;

/**
 * Emits a warning at most once per key per interval, with the count of the ones it held back, so
 * that a fault repeated on every request (a bad label value, an unreachable Collector) is logged
 * once per interval and not once per request (docs/architecture.md#fault-behaviour).
 */
export class ThrottledWarning {
  private readonly lastEmitted = new Map<string, { at: number; suppressed: number }>();

  constructor(
    private readonly sink: WarningSink,
    private readonly intervalMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  warn(key: string, message: string, context: Record<string, unknown> = {}): void {
    const t = this.now();
    const last = this.lastEmitted.get(key);
    if (last && t - last.at < this.intervalMs) {
      last.suppressed++;
      return;
    }
    const suppressed = last?.suppressed ?? 0;
    this.lastEmitted.set(key, { at: t, suppressed: 0 });
    try {
      this.sink(message, suppressed > 0 ? { ...context, suppressed } : context);
    } catch {
      // A broken log sink must not turn a telemetry warning into a request failure.
    }
  }
}
