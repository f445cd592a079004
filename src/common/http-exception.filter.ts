import { ArgumentsHost, Catch, HttpException, HttpStatus, Logger, type ExceptionFilter } from '@nestjs/common';
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
        typeof response === 'string' ? { message: response, details: undefined } : (response as { message?: string | string[]; details?: unknown });
      const body: ErrorBody = { statusCode: status, error: reasonPhrase(status), message: message ?? exception.message };
      if (details !== undefined) body.details = details;
      return body;
    }
    const parserError = bodyParserError(exception);
    if (parserError) return parserError;
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
  if (typeof type !== 'string' || typeof status !== 'number' || status < 400 || status > 499) return undefined;
  return { statusCode: status, error: reasonPhrase(status), message: 'invalid request body' };
}
