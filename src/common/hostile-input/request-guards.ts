import type { NextFunction, Request, Response } from 'express';
import { bodyShapeProblem } from './body-shape';

/** The error the body guard hands to bodyParserErrors, shaped like the body parser's own errors. */
export class BodyRefusedError extends Error {
  readonly status = 400;
  readonly type = 'entity.shape.refused';
}

/**
 * Refuses a URL holding an encoded NUL (`%00`) with 400 before routing: ids and names reach
 * PostgreSQL, whose text type cannot store NUL, and no id or query value of the API contains one.
 */
export function refuseNulInUrl(req: Request, _res: Response, next: NextFunction): void {
  if (/%00/.test(req.url)) {
    next(new UrlRefusedError('the URL contains an encoded NUL character (%00)'));
    return;
  }
  next();
}

export class UrlRefusedError extends Error {
  readonly status = 400;
  readonly type = 'url.nul.refused';
}

/**
 * Placed right after the body parsers: refuses a parsed body that is too deeply nested or holds
 * strings no field accepts (bodyShapeProblem), before validation recurses into it.
 */
export function refuseHostileBody(req: Request, _res: Response, next: NextFunction): void {
  const body: unknown = req.body;
  const problem = typeof body === 'object' && body !== null ? bodyShapeProblem(body) : undefined;
  next(problem ? new BodyRefusedError(problem) : undefined);
}
