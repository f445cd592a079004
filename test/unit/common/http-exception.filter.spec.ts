import { BadRequestException } from '@nestjs/common';
import type { ArgumentsHost } from '@nestjs/common';
import { dependencyUnavailable, HttpExceptionFilter } from '../../../src/common/http-exception.filter';

function respond(exception: unknown): { status: number; body: { statusCode: number; message: unknown } } {
  const out = { status: 0, body: undefined as unknown as { statusCode: number; message: unknown } };
  const res = {
    headersSent: false,
    status(code: number) {
      out.status = code;
      return this;
    },
    json(body: typeof out.body) {
      out.body = body;
    },
  };
  const host = {
    switchToHttp: () => ({
      getResponse: () => res,
      getRequest: () => ({ method: 'GET', originalUrl: '/x' }),
    }),
  } as unknown as ArgumentsHost;
  new HttpExceptionFilter().catch(exception, host);
  return out;
}

describe('HttpExceptionFilter', () => {
  it('answers 503 when the database or the session store is unreachable', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    expect(respond(refused)).toMatchObject({ status: 503, body: { statusCode: 503 } });
    expect(respond(new Error('Connection terminated unexpectedly')).status).toBe(503);
    expect(
      respond(Object.assign(new Error('the database system is shutting down'), { code: '57P03' })).status,
    ).toBe(503);
    expect(respond(new Error('Connection is closed.')).status).toBe(503);
  });

  it('keeps 500 for other failures, without their details, and 4xx for client errors', () => {
    expect(respond(new TypeError('x is undefined'))).toMatchObject({
      status: 500,
      body: { message: 'Internal server error' },
    });
    expect(respond(new BadRequestException('email must be an email')).status).toBe(400);
    expect(dependencyUnavailable({ code: '23505' })).toBe(false); // a unique violation is a bug or a 409, not an outage
  });
});
