import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { ArgumentValidationError } from 'type-graphql';
import { ConnectionException, DeadlockException, OptimisticLockError, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { Logger } from './logger.js';

/**
 * Every `extensions.code` the platform answers with, and what a client does about it: one table for every service
 * (the README's table and the schema's `ErrorCode` enum are made from it). The same condition has the same code
 * everywhere: malformed input is BAD_USER_INPUT, an id that names nothing is NOT_FOUND, a record whose state does not
 * allow the change (changed since it was read, archived, a duplicate, a transition its status forbids) is CONFLICT.
 */
export const ERROR_CODES = {
  BAD_USER_INPUT: 'The input is malformed, out of range or incomplete (`extensions.field` names it): correct it and send again',
  NOT_FOUND: 'An id names no record, or none the caller may see',
  CONFLICT:
    "The record's state does not allow the change: someone changed it since it was read (reload, send its new `version`), it is archived, the value must be unique, or its status forbids the transition",
  UNAUTHENTICATED: 'No valid credentials: sign in again or send a valid API key',
  FORBIDDEN: 'The caller may not do this (a permission, a network or hours the access policy allows)',
  RATE_LIMITED: 'Too many requests or too costly ones in the window: retry after `Retry-After` seconds',
  QUERY_TOO_COSTLY: 'The operation could return more records than allowed: ask for smaller pages or fewer nested lists',
  CURSOR_EXPIRED: 'The events after this cursor are no longer kept: resubscribe without `after` and reload the state',
  TIMEOUT: 'The operation took too long and was stopped: narrow it down and try again',
  SERVICE_UNAVAILABLE: 'A service or its database is down right now: retry shortly; the rest of the answer is complete',
  BAD_REQUEST: 'The HTTP request is malformed or not a GraphQL request (its headers are too large, the body is not JSON, or the operation is missing)',
  PAYLOAD_TOO_LARGE: 'The request body is larger than allowed',
  UNSUPPORTED_MEDIA_TYPE: 'Send the operation as UTF-8 JSON (`Content-Type: application/json`)',
  GRAPHQL_PARSE_FAILED: 'The operation is not valid GraphQL syntax, or too large to parse',
  GRAPHQL_VALIDATION_FAILED: 'The operation does not fit the schema, or is too deep or has too many aliases or directives',
  PERSISTED_QUERY_NOT_FOUND: "A persisted query's hash the gateway does not know (automatic persisted queries): send it again with the query's text",
  INTERNAL_SERVER_ERROR: 'An unexpected failure, logged with the request id: report it if it persists',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The codes as a Markdown table (in the README, kept true by a test). */
export const errorCodeTable = () =>
  ['| Code | Meaning, and what to do |', '| --- | --- |', ...Object.entries(ERROR_CODES).map(([code, meaning]) => `| \`${code}\` | ${meaning} |`)].join('\n');

/** A business failure a client can act on. Every module throws these, never a bare Error. */
export class DomainError extends GraphQLError {
  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message, { extensions: { code, ...details } });
  }
}

export const badInput = (message: string, field?: string) => new DomainError('BAD_USER_INPUT', message, field ? { field } : {});

/** `field`: the argument that named it, when a caller must tell which (e.g. an item of a bulk call). */
export const notFound = (type: string, id: string, field?: string) =>
  new DomainError('NOT_FOUND', `${type} ${id} does not exist`, { type, id, ...(field ? { field } : {}) });

/** The record's state does not allow the change; `field`: the argument that named the record. */
export const conflict = (message: string, field?: string) => new DomainError('CONFLICT', message, field ? { field } : {});

/** An archived record cannot change or be used for something new (e.g. a campaign on an archived segment). */
export const archived = (type: string, id: string, field?: string) =>
  new DomainError('CONFLICT', `${type} ${id} is archived`, { type, id, reason: 'ARCHIVED', ...(field ? { field } : {}) });

const PASS_THROUGH = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'PERSISTED_QUERY_NOT_FOUND',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
]);

export interface ValidationFailure {
  property: string;
  constraints?: Record<string, string>;
  children?: ValidationFailure[];
}

/** class-validator nests the failures of nested inputs (e.g. amount.currency); flatten them with their path. */
export function flattenValidation(failures: ValidationFailure[], prefix = ''): Array<{ field: string; message: string }> {
  return failures.flatMap((failure) => {
    const field = `${prefix}${failure.property}`;
    return [...Object.values(failure.constraints ?? {}).map((message) => ({ field, message })), ...flattenValidation(failure.children ?? [], `${field}.`)];
  });
}

// Connection refused, reset or timed out, the server shutting down or not accepting connections yet.
const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006']);

/** PostgreSQL cancelled the statement (statement_timeout or a deadline). */
const QUERY_CANCELED = '57014';

/**
 * PostgreSQL refused text it cannot store: a NUL byte or an invalid byte sequence (22021), or a character or \u0000
 * in JSON it cannot convert (22P05). The gateway refuses such text up front; should any get past it, it is still the
 * client's input at fault, not the service.
 */
const BAD_TEXT_CODES = new Set(['22021', '22P05']);

/**
 * PostgreSQL refused a value out of its column's range: a number too large for its numeric column (22003, e.g. a
 * quote's total summed from lines that each fit) or a date it has no calendar day for (22008). The scalars refuse
 * such input up front; should any get past them, the client's input is at fault, not the service.
 */
const OUT_OF_RANGE_CODES = new Set(['22003', '22008']);

/** The SQLSTATE of a database error, wherever the driver or the ORM wrapped it. */
function sqlStateOf(error: unknown): string | undefined {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

/** The database cannot be reached right now (an outage, a restart): the request may be retried shortly. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e = error; e instanceof Error; e = (e as { cause?: unknown }).cause) {
    if (e instanceof ConnectionException) return true;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && UNREACHABLE.has(code)) return true;
    if (/^Connection terminated|timeout exceeded when trying to connect/i.test(e.message)) return true;
  }
  return false;
}

/**
 * The one error formatter: domain errors and GraphQL validation errors pass through,
 * input validation becomes BAD_USER_INPUT, anything else is logged and hidden.
 */
export function createErrorFormatter(log: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (original instanceof DomainError) {
      return { message: original.message, path: formatted.path, extensions: original.extensions };
    }
    if (original instanceof OptimisticLockError) {
      return {
        message: 'Someone else changed this record first; reload it and apply your change again',
        path: formatted.path,
        extensions: { code: 'CONFLICT' },
      };
    }
    if (original instanceof UniqueConstraintViolationException) {
      return { message: 'A record with the same unique value already exists', path: formatted.path, extensions: { code: 'CONFLICT' } };
    }
    if (original instanceof DeadlockException) {
      return { message: 'A concurrent change got in the way; apply your change again', path: formatted.path, extensions: { code: 'CONFLICT' } };
    }
    if (
      (original as { code?: unknown } | undefined)?.code === QUERY_CANCELED ||
      (original as { cause?: { code?: unknown } } | undefined)?.cause?.code === QUERY_CANCELED
    ) {
      log.warn({ path: formatted.path }, 'statement cancelled at its time limit');
      return { message: 'The request took too long and was stopped; narrow it down and try again', path: formatted.path, extensions: { code: 'TIMEOUT' } };
    }
    if (BAD_TEXT_CODES.has(sqlStateOf(original) ?? '')) {
      log.warn({ path: formatted.path, code: sqlStateOf(original) }, 'database refused the text of the input');
      return {
        message: 'The input holds text that cannot be stored (a NUL byte or a broken character): send plain UTF-8 text',
        path: formatted.path,
        extensions: { code: 'BAD_USER_INPUT' },
      };
    }
    if (OUT_OF_RANGE_CODES.has(sqlStateOf(original) ?? '')) {
      log.warn({ path: formatted.path, code: sqlStateOf(original) }, 'database refused a value out of range');
      return {
        message: 'A number or date in the input is out of the range that can be stored: send a smaller amount or a nearer date',
        path: formatted.path,
        extensions: { code: 'BAD_USER_INPUT' },
      };
    }
    if (isDatabaseUnavailable(original)) {
      log.warn({ path: formatted.path }, 'database unavailable');
      return { message: 'The database is unavailable right now; retry shortly', path: formatted.path, extensions: { code: 'SERVICE_UNAVAILABLE' } };
    }
    if (original instanceof ArgumentValidationError) {
      const failures = flattenValidation(original.extensions.validationErrors as ValidationFailure[]);
      return {
        message: failures.map((f) => f.message).join('; ') || 'Invalid input',
        path: formatted.path,
        extensions: { code: 'BAD_USER_INPUT', fields: failures.map((f) => f.field) },
      };
    }
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && PASS_THROUGH.has(code)) {
      return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions: { code } };
    }
    log.error({ err: original, path: formatted.path }, 'unexpected error');
    return { message: 'Internal server error', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  };
}
