import http from 'node:http';
import type { Duplex } from 'node:stream';
import type { ErrorRequestHandler } from 'express';
import type { Logger } from './logger.js';
import type { ErrorCode } from './errors.js';

/** A GraphQL-shaped error body: what a client reads whatever went wrong, never an HTML page, a stack or its own input. */
export const problem = (code: ErrorCode, message: string) => ({ errors: [{ message, extensions: { code } }] });

/**
 * The refusal of a body that is not UTF-8 (kit/json-body.ts). Read as UTF-8 anyway, its broken bytes would become
 * U+FFFD and be stored in place of what the client meant to send.
 */
export const NOT_UTF8 = 'The request body is not valid UTF-8: send the JSON as UTF-8';

/**
 * Body parser failures (JSON bodies are read by kit/json-body.ts; a raw body, e.g. a provider's webhook, by Express)
 * answered as JSON with a code, and logged without the body (it may hold personal data). Any other error escaping a
 * route is logged by kind only and answered 500, never with Express's HTML and stack.
 */
export function bodyErrors(log: Logger, maxBytes: number): ErrorRequestHandler {
  return (error: { type?: string; status?: number }, req, res, next) => {
    if (res.headersSent) return next(error);
    if (error.type === 'entity.too.large') return void res.status(413).json(problem('PAYLOAD_TOO_LARGE', `The request body is larger than ${maxBytes} bytes`));
    if (error.type === 'encoding.unsupported') return void res.status(415).json(problem('UNSUPPORTED_MEDIA_TYPE', 'Send the body uncompressed'));
    log.error({ kind: error.type ?? (error as Error).name, path: req.path }, 'request failed');
    res.status(error.status && error.status < 500 ? error.status : 500).json(problem('INTERNAL_SERVER_ERROR', 'Internal server error'));
  };
}

/** What Node's HTTP parser could not read, answered as the rest of the platform answers: a status and a JSON problem. */
function malformedRequest(code: string | undefined): { status: number; message: string } {
  if (code === 'HPE_HEADER_OVERFLOW')
    return { status: 431, message: `The request's headers are larger than ${http.maxHeaderSize} bytes: send a shorter token and fewer cookies` };
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT' || code === 'ERR_HTTP_HEADERS_TIMEOUT')
    return { status: 408, message: 'The request was not received in time: send it again' };
  return { status: 400, message: 'The HTTP request is malformed' };
}

/**
 * A request Node's HTTP server cannot parse (headers too large, a broken request line, a timeout) never reaches a
 * route: Node answers it with a bare status and an empty body. This answers it as every route does, with a JSON
 * problem and BAD_REQUEST, and logs its kind only (what was sent may hold a token). A socket already gone or
 * mid-answer is closed.
 */
export function answerMalformedRequests(server: http.Server, log: Logger): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // An answer already under way on this socket cannot be followed by another one (Node's own handler checks the same).
    const answering = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent;
    if (error.code === 'ECONNRESET' || !socket.writable || answering) return void socket.destroy();
    const { status, message } = malformedRequest(error.code);
    log.info({ kind: error.code, status }, 'malformed HTTP request refused');
    const body = JSON.stringify(problem('BAD_REQUEST', message));
    socket.end(
      `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}
