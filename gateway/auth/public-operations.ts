import { Kind, type OperationDefinitionNode, type SelectionNode } from 'graphql';
import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayContext } from '../subgraph-data-source.js';
import type { AuditRecorder } from './audit-recorder.js';
import { AccessDenied } from './authenticator.js';
import { isProduction } from '@crm/kit/config.js';

/**
 * The only operations a caller without credentials may run, each for a reason the schema states: a dealer's
 * web form posts leads (protected by its public form key and throttling), and a customer opening a quote's link
 * is recorded (protected by the signed, expiring token in the link). The subgraphs enforce the same (@Public).
 */
export const PUBLIC_ROOT_FIELDS = new Set(['Mutation.submitWebForm', 'Mutation.recordQuoteView']);

function rootFields(operation: OperationDefinitionNode): string[] {
  const type = operation.operation === 'mutation' ? 'Mutation' : operation.operation === 'subscription' ? 'Subscription' : 'Query';
  const names = (selections: readonly SelectionNode[]): string[] =>
    selections.flatMap((s) =>
      s.kind === Kind.FIELD ? [`${type}.${s.name.value}`] : s.kind === Kind.INLINE_FRAGMENT ? names(s.selectionSet.selections) : [`${type}.<fragment>`],
    );
  return names(operation.selectionSet.selections);
}

const open = (field: string) => PUBLIC_ROOT_FIELDS.has(field) || field.endsWith('.__typename') || (!isProduction() && /\.__(schema|type)$/.test(field));

/** Anything else without credentials is refused with 401 before any subgraph is called. */
export function requireCredentials(audit: AuditRecorder): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, operation }) {
          if (contextValue.viewer.kind !== 'anonymous' || !operation) return;
          const closed = rootFields(operation).filter((field) => !open(field));
          if (closed.length === 0) return;
          const reason = `${closed.join(', ')} needs credentials: send Authorization: Bearer <token or API key>`;
          audit.record({
            actorId: 'anonymous',
            actorKind: 'anonymous',
            operation: closed[0]!,
            outcome: 'DENIED',
            reason,
            requestId: contextValue.requestId,
            clientIp: contextValue.viewer.ip,
          });
          throw new AccessDenied('UNAUTHENTICATED', reason);
        },
      };
    },
  };
}
