import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { loadGatewayConfig } from './config.js';
import { createGateway } from './app.js';

const config = loadGatewayConfig();
const { httpServer, stop, log } = await createGateway(config);
await new Promise<void>((resolve) => httpServer.listen(config.port, resolve));
log.info({ url: `http://localhost:${(httpServer.address() as AddressInfo).port}/graphql` }, 'gateway ready');

const shutdown = async () => {
  await stop();
  process.exit(0);
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
