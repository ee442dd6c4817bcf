import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { ArgumentValidationError } from 'type-graphql';
import { ConnectionException, DeadlockException, OptimisticLockError, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { Logger } from './logger.js';

export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'FORBIDDEN'
  | 'UNAUTHENTICATED'
  | 'SERVICE_UNAVAILABLE'
  | 'CURSOR_EXPIRED'
  | 'RATE_LIMITED'
  | 'TIMEOUT'
  | 'INTERNAL_SERVER_ERROR';

/** A business failure a client can act on. Every module throws these, never a bare Error. */
export class DomainError extends GraphQLError {
  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message, { extensions: { code, ...details } });
  }
}

export const badInput = (message: string, field?: string) => new DomainError('BAD_USER_INPUT', message, field ? { field } : {});

export const notFound = (type: string, id: string) => new DomainError('NOT_FOUND', `${type} ${id} does not exist`, { type, id });

export const conflict = (message: string) => new DomainError('CONFLICT', message);

const PASS_THROUGH = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'PERSISTED_QUERY_NOT_FOUND',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
]);

interface ValidationFailure {
  property: string;
  constraints?: Record<string, string>;
  children?: ValidationFailure[];
}

/** class-validator nests the failures of nested inputs (e.g. amount.currency); flatten them with their path. */
function flattenValidation(failures: ValidationFailure[], prefix = ''): Array<{ field: string; message: string }> {
  return failures.flatMap((failure) => {
    const field = `${prefix}${failure.property}`;
    return [...Object.values(failure.constraints ?? {}).map((message) => ({ field, message })), ...flattenValidation(failure.children ?? [], `${field}.`)];
  });
}

// Connection refused, reset or timed out, the server shutting down or not accepting connections yet.
const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006']);

/** PostgreSQL cancelled the statement (statement_timeout or a deadline). */
const QUERY_CANCELED = '57014';

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
