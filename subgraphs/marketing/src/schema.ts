import type { GraphQLSchema } from 'graphql';
import { buildFederatedSchema } from '@crm/kit/federation.js';
import { personalDataResolver } from '@crm/kit/privacy.js';
import { marketingPersonalData } from './modules/privacy/privacy.tables.js';
import { CampaignResolver } from './modules/campaign/campaign.resolver.js';
import { customerReference } from './modules/customer/customer.reference.js';
import { CustomerTimelineResolver, InteractionResolver } from './modules/interaction/interaction.resolver.js';
import { CustomerMessageSendsResolver, MessageSendResolver } from './modules/messaging/message-send.resolver.js';
import { ProjectionResolver } from './modules/projection/projection.resolver.js';
import { CustomerSegmentsResolver, SegmentResolver } from './modules/segment/segment.resolver.js';
import { CustomerSequenceEnrolmentsResolver, SequenceEnrolmentResolver, SequenceResolver } from './modules/sequence/sequence.resolver.js';
import { SurveyResolver } from './modules/survey/survey.resolver.js';

export function buildMarketingSchema(): Promise<GraphQLSchema> {
  return buildFederatedSchema(
    {
      resolvers: [
        personalDataResolver('marketing', marketingPersonalData),
        InteractionResolver,
        CustomerTimelineResolver,
        ProjectionResolver,
        SegmentResolver,
        CustomerSegmentsResolver,
        CampaignResolver,
        SequenceResolver,
        SequenceEnrolmentResolver,
        CustomerSequenceEnrolmentsResolver,
        CustomerMessageSendsResolver,
        MessageSendResolver,
        SurveyResolver,
      ],
    },
    customerReference,
  );
}
