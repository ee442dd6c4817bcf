import { Arg, Ctx, Query, Resolver } from 'type-graphql';
import { Allow } from '@crm/kit/access/decorators.js';
import type { ServiceContext } from '../../context.js';
import { CaseQueue, caseQueue, CaseQueueFilter } from './case-queue.js';

@Resolver()
export class CaseQueueResolver {
  @Allow('cases:read')
  @Query(() => CaseQueue, { description: "The service desk's open cases counted by line and priority, by agent and in total, with SLA at risk and breached" })
  caseQueue(
    @Arg('filter', () => CaseQueueFilter, { nullable: true }) filter: CaseQueueFilter | null,
    @Ctx() { em, viewer }: ServiceContext,
  ): Promise<CaseQueue> {
    return caseQueue(em, filter, viewer);
  }
}
