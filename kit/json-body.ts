/**
 * A JSON request body read as the platform reads every one: `application/json` in UTF-8 (a byte-order mark allowed),
 * at most so many bytes (counted as it inflates, when compressed bodies are taken), refused with a status, a code and a
 * message a person understands, never the input. `/graphql` reads its body with it (kit/graphql-http.ts), and so does
 * any other route that takes JSON (`jsonBody`, e.g. the gateway's /export).
 */
import { isUtf8 } from 'node:buffer';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable, Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { RequestHandler } from 'express';
import type { ErrorCode } from './errors.js';
import { NOT_UTF8, problem } from './http-errors.js';

/** Answered as it says, with its status and code, before anything is run. */
export class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const DECODERS: Record<string, () => Transform> = { gzip: createGunzip, deflate: createInflate, br: createBrotliDecompress };

/** The body as JSON: `application/json` in UTF-8, at most `maxBytes` (once decompressed, when `inflate`). */
export async function readJsonBody(req: IncomingMessage, maxBytes: number, inflate: boolean): Promise<unknown> {
  const [type, ...parameters] = (req.headers['content-type'] ?? '').toLowerCase().split(';');
  if (type!.trim() !== 'application/json') throw new Refusal(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the operation as JSON (Content-Type: application/json)');
  const charset = parameters.map((p) => p.trim()).find((p) => p.startsWith('charset='));
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
  const decoder = inflate ? DECODERS[encoding] : undefined;
  if ((charset && !/^charset="?utf-8"?$/.test(charset)) || (encoding !== 'identity' && !decoder)) {
    throw new Refusal(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the body as UTF-8 JSON');
  }
  const tooLarge = () => new Refusal(413, 'PAYLOAD_TOO_LARGE', `The request body is larger than ${maxBytes} bytes`);
  if (Number(req.headers['content-length'] ?? 0) > maxBytes) throw tooLarge();
  const body = decoder ? await readDecoded(req, decoder(), maxBytes, tooLarge) : await readBody(req, req, maxBytes, tooLarge);
  if (!isUtf8(body)) throw new Refusal(400, 'BAD_REQUEST', NOT_UTF8);
  // An empty body is an operation with nothing in it, which Apollo names; a byte-order mark (some .NET and
  // PowerShell clients send one) is no part of the JSON.
  if (body.length === 0) return {};
  const text = body.toString('utf8');
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch {
    throw new Refusal(400, 'BAD_REQUEST', 'The request body is not valid JSON');
  }
}

/** A compressed body, counted as it is decompressed: a small body that inflates past the limit is refused early. */
async function readDecoded(req: IncomingMessage, decoder: Transform, maxBytes: number, tooLarge: () => Refusal): Promise<Buffer> {
  // pipe() passes nothing of its source's end on: a client gone mid-body would leave the decoder waiting for good.
  let aborted: Error | undefined;
  const abort = (error?: Error) => {
    aborted = error ?? new Error('The client closed the request before its body ended');
    decoder.destroy(aborted);
  };
  const closed = () => void (req.complete || abort());
  req.once('error', abort).once('close', closed).pipe(decoder);
  try {
    return await readBody(req, decoder, maxBytes, tooLarge);
  } catch (error) {
    // What the client still sends is read and dropped, as after any refusal (readBody).
    req.unpipe(decoder).resume();
    decoder.destroy();
    if (error instanceof Refusal) throw error;
    if (aborted) throw aborted;
    throw new Refusal(400, 'BAD_REQUEST', 'The request body could not be decompressed');
  } finally {
    req.off('error', abort).off('close', closed);
  }
}

/**
 * Events rather than an async iterator: leaving one early destroys the request, and with it the socket the refusal
 * is to be written on. What comes after a refusal is read and dropped.
 */
function readBody(req: IncomingMessage, source: Readable, maxBytes: number, tooLarge: () => Refusal): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    // A socket error after a refusal has no one to tell; without a listener it would end the process.
    const stop = () => {
      source
        .off('data', onData)
        .off('end', onEnd)
        .off('error', onError)
        .on('error', () => undefined);
      req.on('error', () => undefined).resume();
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) return void chunks.push(chunk);
      stop();
      reject(tooLarge());
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      stop();
      reject(error);
    };
    source.on('data', onData).on('end', onEnd).on('error', onError);
  });
}

export function refuse(req: IncomingMessage, res: ServerResponse, refusal: Refusal): void {
  const unread = !req.complete;
  res.writeHead(refusal.status, {
    'content-type': 'application/json; charset=utf-8',
    // A body left unread (refused before or while reading it) would be taken for the next request on this socket.
    ...(unread ? { connection: 'close' } : {}),
  });
  res.end(JSON.stringify(problem(refusal.code, refusal.message)));
}

/** `readJsonBody` for an Express route: `req.body` is the JSON, or the request is refused as `/graphql` refuses it. */
export function jsonBody(maxBytes: number, options: { inflate?: boolean } = {}): RequestHandler {
  return (req, res, next) => {
    readJsonBody(req, maxBytes, options.inflate === true).then(
      (body) => {
        req.body = body;
        next();
      },
      (error: unknown) => (error instanceof Refusal ? refuse(req, res, error) : next(error)),
    );
  };
}
