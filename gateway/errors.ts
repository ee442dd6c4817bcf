import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger } from '@crm/kit/logger.js';

/**
 * Apollo Server refuses a persisted-query extension it cannot use (automatic persisted queries) with a 400 but no
 * code (requestPipeline.js), so it read as an internal error. The request is the client's mistake: said so, by
 * Apollo's message, with BAD_REQUEST.
 */
const PERSISTED_QUERY_REFUSALS: Record<string, string> = {
  'provided sha does not match query': 'extensions.persistedQuery.sha256Hash is not the SHA-256 (hex) of the query sent with it',
  'Unsupported persisted query version': 'Only version 1 of extensions.persistedQuery is supported',
};

/**
 * Subgraph errors arrive already formatted by their subgraph (code and message a person can read)
 * and pass through; anything without a known code is logged and hidden.
 */
export function formatGatewayError(log: Logger) {
  return (formatted: GraphQLFormattedError, error?: unknown): GraphQLFormattedError => {
    // Apollo gives a codeless error INTERNAL_SERVER_ERROR before it gets here: the error as raised tells them apart.
    if (error instanceof GraphQLError && error.extensions.code === undefined && Object.hasOwn(PERSISTED_QUERY_REFUSALS, error.message)) {
      return { message: PERSISTED_QUERY_REFUSALS[error.message]!, extensions: { code: 'BAD_REQUEST' } };
    }
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
