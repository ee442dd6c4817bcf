/**
 * `/graphql` on Node's own HTTP server, without Express: a subgraph's, and the gateway's POSTs. Every request of
 * every query comes through here, and Express with its body parser (routing, `type-is`, `raw-body`, content
 * negotiation, an ETag per answer) was about a tenth of a subgraph's CPU per request in the profiles of a 360° load,
 * and a tenth of the gateway's (ADR 12). What it did for this one route is done here directly; the other routes stay
 * on Express.
 *
 * Refusals are the platform's (kit/http-errors.ts): a GraphQL-shaped body with a code, never the input or a stack.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable, Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import { isUtf8 } from 'node:buffer';
import { NOT_UTF8, problem } from './http-errors.js';
import type { Logger } from './logger.js';
import type { ErrorCode } from './errors.js';

export const GRAPHQL_PATH = '/graphql';

export interface GraphqlHttpOptions<Context extends BaseContext> {
  apollo: ApolloServer<Context>;
  /** The request's context; a `Refusal` thrown here is answered as it says (e.g. no valid caller token). */
  context: (req: IncomingMessage, res: ServerResponse) => Promise<Context>;
  /**
   * When the context is made. `first` (a subgraph): before the body is read, so nothing of an unknown caller's
   * request is read or parsed. `in-pipeline` (the gateway): by Apollo, after the body, so that its GraphQL errors
   * (no valid credentials 401, too many requests 429) are answered as every other error is, through `formatError`.
   */
  contextWhen?: 'first' | 'in-pipeline';
  maxBodyBytes: number;
  /** Bodies compressed with gzip, deflate or br are read (the gateway's clients); otherwise refused (415). */
  inflate?: boolean;
  /** Set on every answer, refusals included (the gateway's security headers, the same for every JSON answer). */
  headers?: Readonly<Record<string, string>>;
  log: Logger;
}

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

/** True for `/graphql` and `/graphql?…`: the requests `graphqlHttpHandler` serves. */
export const isGraphqlRequest = (req: IncomingMessage) => req.url === GRAPHQL_PATH || req.url?.startsWith(`${GRAPHQL_PATH}?`) === true;

export function graphqlHttpHandler<Context extends BaseContext>(options: GraphqlHttpOptions<Context>) {
  const { contextWhen = 'first', headers: fixedHeaders = {} } = options;
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      for (const [key, value] of Object.entries(fixedHeaders)) res.setHeader(key, value);
      // The caller's token first (contextWhen 'first'): nothing of an unknown caller's request is read or parsed.
      const early = contextWhen === 'first' ? await options.context(req, res) : undefined;
      const body = req.method === 'POST' ? await readJsonBody(req, options.maxBodyBytes, options.inflate === true) : undefined;
      const headers = new HeaderMap();
      for (const [key, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
      }
      const query = req.url!.indexOf('?');
      const answer = await options.apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method!.toUpperCase(), headers, search: query < 0 ? '' : req.url!.slice(query), body },
        context: early ? () => Promise.resolve(early) : () => options.context(req, res),
      });
      for (const [key, value] of answer.headers) res.setHeader(key, value);
      res.statusCode = answer.status ?? 200;
      if (answer.body.kind === 'complete') return void res.end(answer.body.string);
      for await (const chunk of answer.body.asyncIterator) res.write(chunk);
      res.end();
    } catch (error) {
      if (error instanceof Refusal) return refuse(req, res, error);
      // Logged by kind only: the message of a body or driver error may quote the input.
      options.log.error({ kind: (error as Error).name, path: GRAPHQL_PATH }, 'request failed');
      if (res.headersSent) return void res.destroy();
      refuse(req, res, new Refusal(500, 'INTERNAL_SERVER_ERROR', 'Internal server error'));
    }
  };
}

const DECODERS: Record<string, () => Transform> = { gzip: createGunzip, deflate: createInflate, br: createBrotliDecompress };

/** The body as JSON: `application/json` in UTF-8, at most `maxBytes` (once decompressed, when `inflate`). */
async function readJsonBody(req: IncomingMessage, maxBytes: number, inflate: boolean): Promise<unknown> {
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

function refuse(req: IncomingMessage, res: ServerResponse, refusal: Refusal): void {
  const unread = !req.complete;
  res.writeHead(refusal.status, {
    'content-type': 'application/json; charset=utf-8',
    // A body left unread (refused before or while reading it) would be taken for the next request on this socket.
    ...(unread ? { connection: 'close' } : {}),
  });
  res.end(JSON.stringify(problem(refusal.code, refusal.message)));
}
