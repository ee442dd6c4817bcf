import { Authorized, Directive, getMetadataStorage, type AuthChecker } from 'type-graphql';
import type { RequestContext } from '../context.js';
import type { Permission } from './permissions.js';
import { markPersonal } from './personal-data.js';
import { DomainError } from '../errors.js';
import { requirePermission } from './viewer.js';

/**
 * Access is declared on every query and mutation, next to it: @Allow(permissions), @SignedIn(), @Public(why) or
 * @Internal().
 * A subgraph whose schema has a root field without one refuses to build (deny by default).
 */
const declared = new WeakMap<object, Set<string>>();
const declare = (target: object, key: string | symbol) => {
  const methods = declared.get(target.constructor) ?? new Set<string>();
  methods.add(String(key));
  declared.set(target.constructor, methods);
};

type MethodDecorator = (target: object, key: string | symbol, descriptor?: PropertyDescriptor) => void;

/** Needs every permission listed. On an object field it guards the field: without it the field is null with FORBIDDEN. */
export function Allow(...permissions: [Permission, ...Permission[]]): MethodDecorator {
  return (target, key, descriptor) => {
    declare(target, key);
    Authorized(...permissions)(target, key, descriptor as never);
  };
}

/**
 * Any signed-in caller; what each gets is decided deeper (e.g. search asks each domain with the caller's rights). On
 * an object field it keeps the field from callers without credentials (null with UNAUTHENTICATED): what a public
 * operation answers a stranger (submitWebForm's lead).
 */
export function SignedIn(): MethodDecorator {
  return (target, key, descriptor) => {
    declare(target, key);
    Authorized()(target, key, descriptor as never);
  };
}

/**
 * Open to callers without credentials. `why` is for the reader of the code; the field's schema description must say
 * it too, so clients see why it needs no sign-in and what protects it instead (a form key, a signed link).
 */
export function Public(why: string): MethodDecorator {
  if (!why.trim()) throw new Error('@Public needs the reason the operation is open');
  return (target, key) => declare(target, key);
}

/** The platform's own plumbing: only its services may call it, and it is not part of the client API (@inaccessible). */
export function Internal(): MethodDecorator {
  return (target, key, descriptor) => {
    declare(target, key);
    Authorized('platform:internal')(target, key, descriptor as never);
    Directive('@inaccessible')(target, key, descriptor as never);
  };
}

/**
 * Personal data: readable only with pii:read (without it the field is null with a FORBIDDEN error naming it), and
 * redacted in the audit log. On an entity property that is no GraphQL field it only marks it for redaction.
 */
export function PersonalData(): MethodDecorator & PropertyDecorator {
  return ((target: object, key: string | symbol, descriptor?: PropertyDescriptor) => {
    markPersonal(target.constructor.name, String(key));
    Authorized('pii:read')(target, key, descriptor as never);
  }) as MethodDecorator & PropertyDecorator;
}

/** type-graphql's auth checker: `permissions` are what @Allow / @PersonalData listed; each must be held. */
export const authChecker: AuthChecker<RequestContext<unknown>, Permission> = ({ context, info }, permissions) => {
  if (permissions.length === 0 && context.viewer.kind === 'anonymous') {
    throw new DomainError(
      'UNAUTHENTICATED',
      `${info.parentType.name}.${info.fieldName} needs a signed-in caller: send Authorization: Bearer <token or API key>`,
    );
  }
  const field = `${info.parentType.name}.${info.fieldName}`;
  try {
    for (const permission of permissions) requirePermission(context.viewer, permission, field);
  } catch (error) {
    context.refused?.set(field, (error as Error).message);
    throw error;
  }
  if (permissions.includes('pii:read')) context.personalDataRead?.set(field, (context.personalDataRead.get(field) ?? 0) + 1);
  return true;
};

/** Throws naming every query or mutation of these resolvers that declares no access. */
export function assertAccessDeclared(resolvers: readonly Function[]): void {
  const storage = getMetadataStorage();
  const included = new Set(resolvers);
  const undeclared = [...storage.queries.map((q) => ['Query', q] as const), ...storage.mutations.map((m) => ['Mutation', m] as const)]
    .filter(([, field]) => included.has(field.target) && !declared.get(field.target)?.has(field.methodName))
    .map(([type, field]) => `${type}.${field.schemaName}`);
  if (undeclared.length) throw new Error(`Declare who may call ${undeclared.join(', ')}: @Allow(permission), @Public(why) or @Internal()`);
}
