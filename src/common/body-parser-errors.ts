import { HttpException } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

const MESSAGES: Readonly<Record<string, (error: { limit?: unknown; message?: unknown }) => string>> = {
  'entity.too.large': (e) =>
    `request body exceeds the limit of ${typeof e.limit === 'number' ? `${e.limit} bytes` : 'the server'}`,
  'entity.parse.failed': (e) => `request body is not valid JSON: ${String(e.message)}`,
  'encoding.unsupported': () => 'unsupported request body encoding',
  'charset.unsupported': () => 'unsupported request body charset',
  'request.aborted': () => 'request aborted',
  'request.size.invalid': () => 'request size did not match Content-Length',
  'parameters.too.many': () => 'request body has too many parameters',
  // Raised by the hostile-input guards (src/common/hostile-input) with their own clear message.
  'entity.shape.refused': (e) => String(e.message),
  'url.nul.refused': (e) => String(e.message),
};

/**
 * A body labelled Content-Encoding gzip, br or deflate that does not decompress: zlib's error reaches
 * here with the body parser's 400 but no `type`. Its codes are zlib's (`Z_DATA_ERROR`) or Brotli's
 * (`ERR__ERROR_FORMAT_…`, `ERR_BROTLI_…`).
 */
function decompressionMessage(error: { code?: unknown }, req: Request): string | undefined {
  const encoding = req.headers['content-encoding'];
  if (typeof error.code !== 'string' || !/^(Z_|ERR_)/.test(error.code) || !encoding) return undefined;
  return `request body is not valid ${encoding.slice(0, 32)} data (Content-Encoding)`;
}

/**
 * Express error middleware placed right after the body parsers and the hostile-input guards: turns
 * their errors (malformed JSON, body too large, bad charset, a body labelled compressed that is not,
 * too deep a nesting, a NUL in the URL) into HttpExceptions with their 4xx status and a clear message,
 * for the global exception filter to answer as JSON. `onRejected` hears of each rejected request
 * (it runs before routing: the login route counts these as failed logins there).
 */
export function bodyParserErrors(onRejected: (req: Request) => void = () => undefined) {
  return (error: unknown, req: Request, _res: Response, next: NextFunction): void => {
    const fields = (typeof error === 'object' && error !== null ? error : {}) as {
      type?: unknown;
      status?: unknown;
      code?: unknown;
    };
    const { type, status } = fields;
    if (error instanceof HttpException || typeof status !== 'number' || status < 400 || status >= 500) {
      next(error);
      return;
    }
    const known = typeof type === 'string' ? MESSAGES[type] : undefined;
    // Any other 4xx the parsers raise (they only raise client errors as 4xx) keeps its status too.
    const message = known
      ? known(error as { limit?: unknown; message?: unknown })
      : (decompressionMessage(fields, req) ?? 'invalid request body');
    onRejected(req);
    next(new HttpException(message, status));
  };
}
