import { count, defineSettings, oneOf, optionalText, optionalUrl, text } from '@crm/kit/settings.js';

/** What the gateway reads from the environment besides the platform's settings (checked when it starts). */
export const gatewaySettings = defineSettings(
  'gateway',
  {
    SUPERGRAPH: oneOf(['file', 'introspect'], 'file', 'file: the committed schema/supergraph.graphql; introspect: compose from the running subgraphs'),
    SUPERGRAPH_PATH: text('schema/supergraph.graphql', 'the supergraph file'),
    SUBSCRIPTION_MAX_STALL_MS: count(30_000, 'a subscriber that takes no event for this long is closed (4100) to resume by cursor'),
    SUBSCRIPTION_KEEPALIVE_MS: count(30_000, 'each subscription socket is pinged this often; one that has not answered a ping by then is dropped'),
    SUBGRAPH_IDLE_SOCKET_MS: count(30_000, 'idle sockets to the subgraphs close after this (keep it below HTTP_KEEP_ALIVE_MS)'),
    AUTH_ISSUER: optionalText("the dealer's OpenID Connect issuer (unset: the development issuer, never in production)"),
    AUTH_AUDIENCE: text('crm-api', 'the audience its tokens are for'),
    AUTH_JWKS_URL: optionalUrl("the issuer's signing keys (JWKS)"),
    DEV_ISSUER_DIR: text('.data/dev-issuer', 'where the development issuer keeps its keys'),
    TRUST_PROXY: optionalText("Express's trust proxy, to read the client address from X-Forwarded-For behind a proxy"),
    MAX_QUERY_ALIASES: count(15, 'aliases per operation'),
    MAX_QUERY_DEPTH: count(12, 'depth of an operation'),
    MAX_QUERY_DIRECTIVES: count(20, 'directives per operation'),
    MAX_QUERY_TOKENS: count(3000, 'tokens the parser reads'),
    MAX_QUERY_COST: count(10_000, 'records an answer may hold (pages multiplied)'),
    MAX_BODY_BYTES: count(1_048_576, 'request body size, and the largest message on a subscription socket'),
    REQUEST_TIMEOUT_MS: count(15_000, 'how long the gateway waits for the subgraphs (they stop then too)'),
    RATE_LIMIT_STORE: oneOf(['memory', 'redis'], 'memory', 'where rate-limit counts live: memory (one gateway) or redis (shared by several, at REDIS_URL)'),
    RATE_LIMIT_WINDOW_SECONDS: count(60, 'the rate-limit window'),
    RATE_LIMIT_REQUESTS_PER_MINUTE: count(600, 'requests per caller per window'),
    RATE_LIMIT_COST_PER_MINUTE: count(200_000, 'records requested per caller per window'),
    RATE_LIMIT_ANONYMOUS_PER_MINUTE: count(30, 'calls without credentials per client address per window'),
    RATE_LIMIT_SOCKETS_PER_CALLER: count(20, 'open subscription sockets per caller'),
    RATE_LIMIT_SUBSCRIPTIONS_PER_SOCKET: count(50, 'subscriptions per socket'),
  },
  (settings) => (settings.AUTH_ISSUER && !settings.AUTH_JWKS_URL ? ['AUTH_JWKS_URL: is needed with AUTH_ISSUER (it is not set)'] : []),
);

export const gateway = () => gatewaySettings.read();
