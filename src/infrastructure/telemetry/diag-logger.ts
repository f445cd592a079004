import { type DiagLogger } from '@opentelemetry/api';
import { ThrottledWarning, type WarningSink } from '../logging/throttled-warning';

/**
 * The SDK's diagnostic logger. Export failures (Collector down, endpoint closed) are reported by the
 * SDK on every batch; this logger emits each distinct message at most once per interval, so an
 * outage is logged a bounded number of times and never per request.
 */
export function throttledDiagLogger(sink: WarningSink, intervalMs = 60_000): DiagLogger {
  const throttle = new ThrottledWarning(sink, intervalMs);
  const emit =
    (level: string) =>
    (message: string, ...args: unknown[]) => {
      const detail = args.map(describe).join(' ').slice(0, 500);
      // Throttle by the message and the error's first words, not by volatile details like ids.
      throttle.warn(`${level}:${message}:${detail.slice(0, 80)}`, `opentelemetry: ${message}`, {
        level,
        detail,
      });
    };
  const ignore = () => undefined;
  return { error: emit('error'), warn: emit('warn'), info: ignore, debug: ignore, verbose: ignore };
}

function describe(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
