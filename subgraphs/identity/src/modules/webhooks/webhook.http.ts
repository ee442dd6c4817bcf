import { lookup } from 'node:dns';
import type { LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import { Agent, request } from 'undici';
import { isPublicAddress } from './webhook.address-guard.js';

/** What one attempt to deliver came to, as the delivery log keeps it. */
export interface AttemptOutcome {
  ok: boolean;
  responseStatus: number | null;
  /** The start of the answer (RESPONSE_BODY_LIMIT characters at most). */
  responseBody: string | null;
  error: string | null;
  durationMs: number;
}

export const RESPONSE_BODY_LIMIT = 1024;

class RefusedAddress extends Error {}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * Resolves the host once and hands the socket only the addresses the guard allows, so the connection goes to the
 * address that was checked (a second, rebinding answer is never asked for).
 */
function guardedLookup(allowPrivate: boolean) {
  return (hostname: string, options: { all?: boolean }, callback: LookupCallback) => {
    lookup(hostname, { all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const usable = allowPrivate ? addresses : addresses.filter((a) => isPublicAddress(a.address));
      if (usable.length === 0) return callback(new RefusedAddress(`${hostname} resolves only to private or reserved addresses`), []);
      if (options.all) return callback(null, usable);
      return callback(null, usable[0]!.address, usable[0]!.family);
    });
  };
}

const agents = new Map<boolean, Agent>();
/**
 * One connection pool per mode, kept for the process (partners' endpoints are few, keep-alive helps). Idle sockets
 * go after 4 s, under the 5 s many servers (Node's among them) keep them: reusing one the partner has just closed
 * would fail a delivery with ECONNRESET.
 */
function agentFor(allowPrivate: boolean): Agent {
  let agent = agents.get(allowPrivate);
  if (!agent) {
    agent = new Agent({ connect: { lookup: guardedLookup(allowPrivate) as never }, keepAliveTimeout: 4_000 });
    agents.set(allowPrivate, agent);
  }
  return agent;
}

async function readStart(body: AsyncIterable<Buffer> & { destroy(): void }): Promise<string> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    length += chunk.length;
    if (length >= RESPONSE_BODY_LIMIT * 4) break;
  }
  body.destroy();
  return Buffer.concat(chunks).toString('utf8').slice(0, RESPONSE_BODY_LIMIT);
}

/**
 * POSTs one signed delivery. Only 2xx counts as delivered; redirects are never followed (a 3xx is a failure naming
 * where it pointed), an address the SSRF guard refuses is a failure, and so is no answer within `timeoutMs`.
 */
export async function postDelivery(
  url: string,
  headers: Record<string, string>,
  body: string,
  options: { allowPrivate: boolean; timeoutMs: number },
): Promise<AttemptOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  if (!options.allowPrivate && isIP(host) && !isPublicAddress(host)) {
    return { ok: false, responseStatus: null, responseBody: null, error: `refused: ${host} is a private or reserved address`, durationMs: 0 };
  }
  try {
    const response = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'crm-webhooks/1', ...headers },
      body,
      dispatcher: agentFor(options.allowPrivate),
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    const text = await readStart(response.body);
    const status = response.statusCode;
    if (status >= 300 && status < 400) {
      const location = String(response.headers.location ?? '').slice(0, 200);
      return {
        ok: false,
        responseStatus: status,
        responseBody: text,
        error: `redirect not followed${location ? ` (to ${location})` : ''}`,
        durationMs: elapsed(),
      };
    }
    const ok = status >= 200 && status < 300;
    return { ok, responseStatus: status, responseBody: text, error: ok ? null : `answered ${status}`, durationMs: elapsed() };
  } catch (error) {
    return { ok: false, responseStatus: null, responseBody: null, error: describeFailure(error).slice(0, 300), durationMs: elapsed() };
  }
}

/** Why no answer came, for the log (errors of the socket layer may come from another realm: read, don't instanceof). */
function describeFailure(error: unknown): string {
  const { message, code, cause } = (error ?? {}) as { message?: unknown; code?: unknown; cause?: unknown };
  if (error instanceof RefusedAddress || cause instanceof RefusedAddress)
    return `refused: ${(cause instanceof RefusedAddress ? cause : (error as RefusedAddress)).message}`;
  if (typeof message !== 'string') return 'failed';
  return typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message;
}
