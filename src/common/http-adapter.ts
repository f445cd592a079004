import type { NestApplicationOptions } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import { createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';

/** How often the server checks its headers and request timeouts (Node's default: every 30 s). */
export const TIMEOUT_CHECK_INTERVAL_MS = 1_000;

/**
 * Nest's Express adapter with one change: the HTTP server checks HTTP_HEADERS_TIMEOUT_MS and
 * HTTP_REQUEST_TIMEOUT_MS every second, so a slow client is cut about when its timeout ends rather
 * than up to 30 s later. The option exists only at server creation, hence the adapter; the timeouts
 * themselves are set by configureApp. HTTPS (TLS_CERT_FILE/TLS_KEY_FILE) gets the same check;
 * forceCloseConnections keeps Nest's own server.
 */
export class ApiHttpAdapter extends ExpressAdapter {
  override initHttpServer(options: NestApplicationOptions): void {
    if (options?.forceCloseConnections) {
      super.initHttpServer(options);
      return;
    }
    const checking = { connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS };
    this.setHttpServer(
      options?.httpsOptions
        ? createHttpsServer({ ...options.httpsOptions, ...checking }, this.getInstance())
        : createServer(checking, this.getInstance()),
    );
  }
}
