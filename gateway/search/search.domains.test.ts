import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { systemViewer } from '@crm/kit/access/viewer.js';
import { createLogger } from '@crm/kit/logger.js';
import { searchDomains } from './search.domains.js';

// A domain that cannot answer leaves its hits out of the search, and says so in the log.

let broken: Server;
let brokenUrl: string;
let closedUrl: string;
const lines: Array<Record<string, unknown>> = [];
const log = createLogger('search-test', {
  level: 'warn',
  to: new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  }),
});

beforeAll(async () => {
  process.env.PLATFORM_SECRET ??= 'a-test-secret-of-at-least-32-characters';
  // A subgraph answering 502 with an HTML page, as a proxy in front of a dead service does.
  broken = createServer((_req, res) => res.writeHead(502, { 'content-type': 'text/html' }).end('<html>Bad gateway</html>'));
  broken.listen(0, '127.0.0.1');
  await once(broken, 'listening');
  brokenUrl = `http://127.0.0.1:${(broken.address() as AddressInfo).port}/graphql`;
  // A port nothing listens on any more: a subgraph that is down.
  const gone = createServer().listen(0, '127.0.0.1');
  await once(gone, 'listening');
  closedUrl = `http://127.0.0.1:${(gone.address() as AddressInfo).port}/graphql`;
  await new Promise<void>((resolve) => gone.close(() => resolve()));
});
afterAll(() => new Promise<void>((resolve) => broken.close(() => resolve())));

const context = { requestId: 'search-test-1', viewer: systemViewer('search-test') };

describe('the global search when a domain cannot answer', () => {
  it('leaves its hits out and logs which domain failed and how', async () => {
    const [identity, sales] = searchDomains({ identity: brokenUrl, sales: closedUrl }, log);
    expect(await identity!.search('novak', 5, context)).toEqual([]);
    expect(await sales!.search('kodiaq', 5, context)).toEqual([]);
    expect(lines.map(({ subgraph, requestId, failure, msg }) => ({ subgraph, requestId, failure, msg }))).toEqual([
      { subgraph: 'identity', requestId: 'search-test-1', failure: 'HTTP 502 without JSON', msg: 'search: a domain did not answer; its hits are left out' },
      { subgraph: 'sales', requestId: 'search-test-1', failure: 'ECONNREFUSED', msg: 'search: a domain did not answer; its hits are left out' },
    ]);
  });
});
