import { randomBytes } from 'node:crypto';
import type { RequestHandler } from 'express';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * Security headers on every answer (helmet), with a content security policy that lets the IDE page run only its
 * own scripts: its one inline script carries a nonce made per response.
 */
export function securityHeaders(): RequestHandler[] {
  return [nonce, helmet(helmetOptions((_req, res) => `'nonce-${(res as unknown as { locals: { cspNonce: string } }).locals.cspNonce}'`))];
}

/**
 * The same headers for a JSON answer of POST /graphql, which is served without Express (kit/graphql-http.ts):
 * worked out once by helmet, since none of them depends on the request. No page runs in such an answer, so its
 * policy needs no nonce.
 */
export function jsonAnswerHeaders(): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const capture = {
    setHeader: (name: string, value: string) => void (headers[name.toLowerCase()] = value),
    removeHeader: (name: string) => void delete headers[name.toLowerCase()],
  };
  let done = false;
  helmet(helmetOptions())({} as never, capture as never, () => void (done = true));
  if (!done) throw new Error('helmet did not set its headers synchronously');
  return Object.freeze(headers);
}

const nonce: RequestHandler = (_req, res, next) => {
  res.locals.cspNonce = randomBytes(16).toString('base64');
  next();
};

type Source = string | ((req: unknown, res: unknown) => string);

function helmetOptions(scriptNonce?: Source): HelmetOptions {
  return {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", ...(scriptNonce ? [scriptNonce] : [])],
        styleSrc: ["'self'", "'unsafe-inline'"], // GraphiQL sets styles inline
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'", 'ws:', 'wss:'],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
      },
    },
    crossOriginEmbedderPolicy: false,
  };
}
