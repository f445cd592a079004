import {
  ArgumentsHost,
  Catch,
  HttpException,
  HttpStatus,
  Logger,
  type ExceptionFilter,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { STATUS_CODES } from 'node:http';

/** The JSON body of every error response. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string | string[];
  /** Structured detail some errors add (the readiness probe's per-dependency status). */
  details?: unknown;
}

/**
 * Turns every error into `{statusCode, error, message}` JSON. Errors raised by the body parser
 * (malformed JSON, oversized bodies) keep their 4xx status with a clear message; anything else that
 * is not an HttpException is a 500 whose details are logged, never sent. It only sets the status
 * through `res.status()`, so the HTTP metrics middleware reads the real code on 'finish'.
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<Response>();
    const req = ctx.getRequest<Request>();
    const body = this.toBody(exception);
    if (body.statusCode >= 500) {
      this.logger.error(
        `${req.method} ${req.originalUrl ?? req.url} failed: ${exception instanceof Error ? exception.stack : String(exception)}`,
      );
    }
    if (res.headersSent) return;
    res.status(body.statusCode).json(body);
  }

  private toBody(exception: unknown): ErrorBody {
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      const { message, details } =
        typeof response === 'string'
          ? { message: response, details: undefined }
          : (response as { message?: string | string[]; details?: unknown });
      const body: ErrorBody = {
        statusCode: status,
        error: reasonPhrase(status),
        message: message ?? exception.message,
      };
      if (details !== undefined) body.details = details;
      return body;
    }
    const parserError = bodyParserError(exception);
    if (parserError) return parserError;
    if (dependencyUnavailable(exception)) {
      // The database or the session store is down: the request may succeed later (503, not 500).
      return {
        statusCode: HttpStatus.SERVICE_UNAVAILABLE,
        error: reasonPhrase(HttpStatus.SERVICE_UNAVAILABLE),
        message: 'a backing service is unavailable, retry later',
      };
    }
    return {
      statusCode: HttpStatus.INTERNAL_SERVER_ERROR,
      error: reasonPhrase(HttpStatus.INTERNAL_SERVER_ERROR),
      message: 'Internal server error',
    };
  }
}

function reasonPhrase(status: number): string {
  return STATUS_CODES[status] ?? 'Error';
}

/** A body-parser error that reached the filter without bodyParserErrors: keep its 4xx status. */
function bodyParserError(exception: unknown): ErrorBody | undefined {
  if (typeof exception !== 'object' || exception === null) return undefined;
  const { type, status } = exception as { type?: unknown; status?: unknown };
  if (typeof type !== 'string' || typeof status !== 'number' || status < 400 || status > 499)
    return undefined;
  return { statusCode: status, error: reasonPhrase(status), message: 'invalid request body' };
}

/** Connection-level failures of PostgreSQL (pg, SQLSTATE class 08 and 57P0x) or Redis (ioredis). */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  '57P01',
  '57P02',
  '57P03',
]);
const UNAVAILABLE_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Connection is closed|MaxRetriesPerRequest|Stream isn't writeable/i;

export function dependencyUnavailable(exception: unknown): boolean {
  if (typeof exception !== 'object' || exception === null) return false;
  const { code, message, name } = exception as { code?: unknown; message?: unknown; name?: unknown };
  if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) return true;
  if (name === 'MaxRetriesPerRequestError') return true;
  return typeof message === 'string' && UNAVAILABLE_MESSAGES.test(message);
}
