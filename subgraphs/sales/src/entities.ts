import { OutboxEvent } from '../../kit/events.js';
import { Opportunity } from './modules/opportunity/opportunity.entity.js';

export const salesEntities = [Opportunity, OutboxEvent];
