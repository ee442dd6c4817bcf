import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { loadGatewayConfig } from './config.js';
import { createGateway } from './app.js';
import { gatewaySettings } from './settings.js';
import { platform, platformSecret, platformSettings } from '@crm/kit/config.js';
import { loggingSettings } from '@crm/kit/logger.js';
import { checkSettings, exitOnConfigurationError } from '@crm/kit/settings.js';

// The whole configuration before anything starts: one message naming every bad value.
try {
  checkSettings([loggingSettings, platformSettings, gatewaySettings]);
} catch (error) {
  exitOnConfigurationError(error);
}
platformSecret();
const config = loadGatewayConfig();
const { httpServer, stop, log } = await createGateway(config);
// On HOST, as the subgraphs: 127.0.0.1 unless a deployment opens it (0.0.0.0 in containers). On every interface by
// default, a laptop's `npm start` handed the development issuer's ADMIN tokens to its whole network.
await new Promise<void>((resolve) => httpServer.listen(config.port, platform().HOST, resolve));
log.info({ url: `http://localhost:${(httpServer.address() as AddressInfo).port}/graphql` }, 'gateway ready');

const shutdown = async () => {
  await stop();
  process.exit(0);
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
