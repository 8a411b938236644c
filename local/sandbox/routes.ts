/**
 * A small regex router for the Google APIs. Google's paths carry colons (`values/A1:B2:append`,
 * `documents/ID:batchUpdate`) and slash-bearing names (`spaces/S/messages/M`) that Express 5's
 * path patterns cannot express well, so each API declares `[method, /^regex$/, handler]` over the
 * raw path; captured groups arrive percent-decoded. A handler's return value is sent as JSON
 * (unless it already answered); thrown GoogleErrors become Google's error bodies.
 */
import type { Request, RequestHandler, Response } from 'express';
import { GoogleError } from './googleError.js';

export type RouteHandler = (req: Request, res: Response, params: string[]) => unknown;

export class Routes {
  private readonly table: Array<{ method: string; re: RegExp; handler: RouteHandler }> = [];

  on(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', re: RegExp, handler: RouteHandler): this {
    this.table.push({ method, re, handler });
    return this;
  }

  handler(): RequestHandler {
    return async (req, res, next) => {
      const path = req.path;
      let pathMatched = false;
      for (const route of this.table) {
        const m = route.re.exec(path);
        if (!m) continue;
        pathMatched = true;
        if (route.method !== req.method) continue;
        try {
          const params = m.slice(1).map((p) => (p === undefined ? '' : decodeURIComponent(p)));
          const out = await route.handler(req, res, params);
          if (!res.headersSent) {
            if (out === undefined) res.status(204).end();
            else res.json(out);
          }
        } catch (err) {
          next(err);
        }
        return;
      }
      next(
        pathMatched
          ? new GoogleError(405, `Method ${req.method} is not supported on ${path} by the sandbox.`, { status: 'INVALID_ARGUMENT' })
          : new GoogleError(404, `The sandbox does not implement ${req.method} ${req.baseUrl}${path} (only the methods tasuki uses).`),
      );
    };
  }
}

/** Current time in Google's RFC 3339 form with milliseconds. */
export function nowRfc3339(): string {
  return new Date().toISOString();
}
