import { OutboxEvent } from '../../kit/events.js';
import { Interaction } from './modules/interaction/interaction.entity.js';

export const marketingEntities = [Interaction, OutboxEvent];
