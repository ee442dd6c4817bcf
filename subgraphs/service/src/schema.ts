import type { GraphQLSchema } from 'graphql';
import { buildFederatedSchema } from '@crm/kit/federation.js';
import { personalDataResolver } from '@crm/kit/privacy.js';
import { servicePersonalData } from './modules/privacy/privacy.tables.js';
import { AssetResolver, CustomerAssetsResolver } from './modules/asset/asset.resolver.js';
import { CaseAssignmentRuleResolver } from './modules/assignment/assignment.resolver.js';
import { WorkingCalendarResolver } from './modules/calendar/working-calendar.resolver.js';
import { CaseQueueResolver } from './modules/case/case-queue.resolver.js';
import { CaseResolver, CustomerCasesResolver } from './modules/case/case.resolver.js';
import { CustomerServiceContractResolver, ServiceContractResolver } from './modules/contract/service-contract.resolver.js';
import { customerReference } from './modules/customer/customer.reference.js';
import { knowledgeArticleReference } from './modules/knowledge/knowledge-article.reference.js';
import { CaseSuggestedArticlesResolver, KnowledgeArticleResolver } from './modules/knowledge/knowledge-article.resolver.js';
import { CaseMessageResolver, CaseMessagesResolver } from './modules/message/case-message.resolver.js';

export function buildServiceSchema(): Promise<GraphQLSchema> {
  return buildFederatedSchema(
    {
      resolvers: [
        personalDataResolver('service', servicePersonalData),
        CaseResolver,
        CaseQueueResolver,
        CaseAssignmentRuleResolver,
        CustomerCasesResolver,
        CaseMessageResolver,
        CaseMessagesResolver,
        ServiceContractResolver,
        WorkingCalendarResolver,
        CustomerServiceContractResolver,
        AssetResolver,
        CustomerAssetsResolver,
        KnowledgeArticleResolver,
        CaseSuggestedArticlesResolver,
      ],
    },
    { ...customerReference, ...knowledgeArticleReference },
  );
}
