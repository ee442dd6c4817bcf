import { Arg, Args, Ctx, Int, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import { Allow, Internal } from '@crm/kit/access/decorators.js';
import { ConnectionType, connectionOf, PageArgs } from '@crm/kit/pagination/connection.js';
import type { IdentityContext } from '../../context.js';
import { AuditEntry } from './audit-entry.entity.js';
import { AuditLogFilter, AuditRecordInput } from './audit.inputs.js';
import { auditLogPage } from './audit.queries.js';
import { appendAuditEntries } from './audit.service.js';

@ObjectType()
export class AuditEntryConnection extends ConnectionType(AuditEntry) {}

@Resolver()
export class AuditResolver {
  @Allow('audit:read')
  @Query(() => AuditEntryConnection, { description: 'What callers did and tried, newest first (append-only)' })
  async auditLog(
    @Args() page: PageArgs,
    @Arg('filter', () => AuditLogFilter, { nullable: true }) filter: AuditLogFilter | null,
    @Ctx() { em }: IdentityContext,
  ): Promise<AuditEntryConnection> {
    return connectionOf(AuditEntryConnection, await auditLogPage(em, filter, page));
  }

  @Internal()
  @Mutation(() => Int, { description: "The gateway's own records (sign-ins, key uses, refusals); answers how many were new" })
  async recordAuditEntries(@Arg('entries', () => [AuditRecordInput]) entries: AuditRecordInput[], @Ctx() { em }: IdentityContext): Promise<number> {
    await appendAuditEntries(
      em,
      entries.map((e) => ({ ...e, at: e.at.toISOString(), outcome: e.outcome, actorKind: e.actorKind, service: 'gateway' })),
    );
    return entries.length;
  }
}
