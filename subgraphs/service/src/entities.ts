import { OutboxEvent } from '../../kit/events.js';
import { Case } from './modules/case/case.entity.js';

export const serviceEntities = [Case, OutboxEvent];
