import type { GraphQLSchema } from 'graphql';
import { buildFederatedSchema } from '@crm/kit/federation.js';
import { personalDataResolver } from '@crm/kit/privacy.js';
import { salesPersonalData } from './modules/privacy/privacy.tables.js';
import { ActivityResolver, CustomerActivitiesResolver } from './modules/activity/activity.resolver.js';
import { IntakeResolver } from './modules/intake/intake.resolver.js';
import { CustomerLeadsResolver, LeadResolver } from './modules/lead/lead.resolver.js';
import { LeadUpsertResolver } from './modules/lead/lead-upsert.resolver.js';
import { OpportunityUpsertResolver } from './modules/opportunity/opportunity-upsert.resolver.js';
import { CustomerOpportunitiesResolver, OpportunityResolver, StageChangeResolver } from './modules/opportunity/opportunity.resolver.js';
import { PipelineResolver } from './modules/pipeline/pipeline.resolver.js';
import { ProductResolver } from './modules/product/product.resolver.js';
import { CustomerQuotesResolver, OpportunityQuotesResolver, QuoteDocumentResolver, QuoteLineResolver, QuoteResolver } from './modules/quote/quote.resolver.js';
import { SalesReportingResolver } from './modules/reporting/reporting.resolver.js';
import { LeadRoutingRuleResolver } from './modules/routing/routing.resolver.js';
import { salesReferences } from './references.js';
import { SalesUserResolver } from './modules/staff/user.resolver.js';

export function buildSalesSchema(): Promise<GraphQLSchema> {
  return buildFederatedSchema(
    {
      resolvers: [
        personalDataResolver('sales', salesPersonalData),
        OpportunityResolver,
        OpportunityUpsertResolver,
        StageChangeResolver,
        CustomerOpportunitiesResolver,
        PipelineResolver,
        LeadResolver,
        LeadUpsertResolver,
        CustomerLeadsResolver,
        IntakeResolver,
        LeadRoutingRuleResolver,
        ProductResolver,
        QuoteResolver,
        QuoteLineResolver,
        QuoteDocumentResolver,
        OpportunityQuotesResolver,
        CustomerQuotesResolver,
        ActivityResolver,
        CustomerActivitiesResolver,
        SalesReportingResolver,
        SalesUserResolver,
      ],
    },
    salesReferences,
  );
}
