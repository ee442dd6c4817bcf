import { consumerEntities } from '@crm/kit/consumer.js';
import { mutationEntities } from '@crm/kit/mutations.js';
import { customerAliasEntities } from '@crm/kit/customer-aliases.js';
import { OutboxCommitOrder, OutboxEvent } from '@crm/kit/events.js';
import { Activity } from './modules/activity/activity.entity.js';
import { Lead } from './modules/lead/lead.entity.js';
import { Opportunity } from './modules/opportunity/opportunity.entity.js';
import { StageChange } from './modules/opportunity/stage-change.entity.js';
import { Pipeline, Stage } from './modules/pipeline/pipeline.entity.js';
import { Product } from './modules/product/product.entity.js';
import { FinancingOption, Quote, QuoteLine } from './modules/quote/quote.entity.js';
import { QuoteDocument, QuoteView } from './modules/quote/quote-document.entity.js';
import { LeadRoutingRule } from './modules/routing/routing-rule.entity.js';
import { WebForm, WebFormSubmission } from './modules/intake/web-form.entity.js';
import { StaffName } from './modules/staff/staff-name.entity.js';

export const salesEntities = [
  Pipeline,
  Stage,
  Opportunity,
  StageChange,
  Lead,
  LeadRoutingRule,
  Product,
  Quote,
  QuoteLine,
  FinancingOption,
  QuoteDocument,
  QuoteView,
  Activity,
  WebForm,
  WebFormSubmission,
  StaffName,
  OutboxEvent,
  OutboxCommitOrder,
  ...consumerEntities,
  ...mutationEntities,
  ...customerAliasEntities,
];
