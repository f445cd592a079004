import { HttpException } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

const MESSAGES: Readonly<Record<string, (error: { limit?: unknown; message?: unknown }) => string>> = {
  'entity.too.large': (e) => `request body exceeds the limit of ${typeof e.limit === 'number' ? `${e.limit} bytes` : 'the server'}`,
  'entity.parse.failed': (e) => `request body is not valid JSON: ${String(e.message)}`,
  'encoding.unsupported': () => 'unsupported request body encoding',
  'charset.unsupported': () => 'unsupported request body charset',
  'request.aborted': () => 'request aborted',
  'request.size.invalid': () => 'request size did not match Content-Length',
};

/**
 * Express error middleware placed right after the JSON body parser: turns its errors (malformed
 * JSON, body too large, bad charset) into HttpExceptions with their 4xx status and a clear message,
 * for the global exception filter to answer as JSON. `onRejected` hears of each rejected request
 * (it runs before routing: the login route counts these as failed logins there).
 */
export function bodyParserErrors(onRejected: (req: Request) => void = () => undefined) {
  return (error: unknown, req: Request, _res: Response, next: NextFunction): void => {
    const { type, status } = (typeof error === 'object' && error !== null ? error : {}) as { type?: unknown; status?: unknown };
    const message = typeof type === 'string' ? MESSAGES[type] : undefined;
    if (message && typeof status === 'number' && status >= 400 && status < 500) {
      onRejected(req);
      next(new HttpException(message(error as { limit?: unknown; message?: unknown }), status));
      return;
    }
    next(error);
  };
}
