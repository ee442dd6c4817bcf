import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from '@crm/kit/logger.js';

/**
 * Subgraph errors arrive already formatted by their subgraph (code and message a person can read)
 * and pass through; anything without a known code is logged and hidden.
 */
export function formatGatewayError(log: Logger) {
  return (formatted: GraphQLFormattedError): GraphQLFormattedError => {
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR') {
      const { stacktrace: _hidden, ...extensions } = formatted.extensions ?? {};
      // A syntax error names the line and column; the excerpt of the client's own text is not repeated back.
      const message = formatted.message.split('\n\nGraphQL request:')[0]!;
      return { message, locations: formatted.locations, path: formatted.path, extensions };
    }
    log.error({ error: formatted }, 'unexpected gateway error');
    return { message: 'Internal server error', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  };
}
