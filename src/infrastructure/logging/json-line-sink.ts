import type { WarningSink } from './throttled-warning';

/**
 * A warning sink writing one JSON line to stderr in pino's shape (level 40 = warn), for code that
 * runs before the application's logger exists: the preload must not load pino itself, or the pino
 * instrumentation could not patch it and log lines would lose their trace ids.
 */
export function jsonLineSink(name: string, stream: NodeJS.WritableStream = process.stderr): WarningSink {
  return (msg, context) => {
    stream.write(
      `${JSON.stringify({ level: 40, time: Date.now(), pid: process.pid, name, msg, ...context })}\n`,
    );
  };
}
