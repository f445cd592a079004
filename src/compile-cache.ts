import { enableCompileCache } from 'node:module';

/**
 * Node's on-disk cache of compiled JavaScript (in the OS temporary directory unless
 * NODE_COMPILE_CACHE names another): the API requires about 1,500 modules at start (NestJS, the
 * OpenTelemetry SDK and its instrumentations), and compiling them again on every start is most of
 * the preload's time. Imported first by the preload, so that everything after it is cached.
 */
try {
  enableCompileCache?.();
} catch {
  // A read-only or full temporary directory only costs start time.
}
