import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { loadGatewayConfig } from './config.js';
import { createGateway } from './app.js';
import { gatewaySettings } from './settings.js';
import { platformSecret, platformSettings } from '@crm/kit/config.js';
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
await new Promise<void>((resolve) => httpServer.listen(config.port, resolve));
log.info({ url: `http://localhost:${(httpServer.address() as AddressInfo).port}/graphql` }, 'gateway ready');

const shutdown = async () => {
  await stop();
  process.exit(0);
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
