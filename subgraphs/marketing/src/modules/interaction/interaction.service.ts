import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput, notFound } from '../../../../kit/errors.js';
import { recordEvent } from '../../../../kit/events.js';
import { parseId } from '../../../../kit/ids.js';
import { pgArray } from '../../../../kit/pagination.js';
import { Interaction } from './interaction.entity.js';
import type { InteractionFilter, RecordInteractionInput } from './interaction.inputs.js';

export async function getInteraction(em: EntityManager, id: string): Promise<Interaction> {
  const found = await em.findOne(Interaction, { id: parseId(id, 'Interaction') });
  if (!found) throw notFound('Interaction', id);
  return found;
}

export async function recordInteraction(em: EntityManager, input: RecordInteractionInput): Promise<Interaction> {
  if (!input.customerId && !input.anonymousId?.trim()) {
    throw badInput('An interaction needs a customerId or an anonymousId', 'customerId');
  }
  const occurredAt = input.occurredAt ?? new Date();
  if (Number.isNaN(occurredAt.getTime())) throw badInput('occurredAt is not a valid time', 'occurredAt');
  const interaction = em.create(Interaction, {
    customerId: input.customerId ? parseId(input.customerId, 'Customer', 'customerId') : null,
    anonymousId: input.anonymousId?.trim() || null,
    channel: input.channel,
    type: input.type,
    occurredAt,
    sourceSystem: input.sourceSystem ?? null,
    properties: input.properties ?? {},
  });
  recordEvent(em, {
    type: 'InteractionRecorded',
    aggregateType: 'Interaction',
    aggregateId: interaction.id,
    payload: { interactionId: interaction.id, customerId: interaction.customerId, anonymousId: interaction.anonymousId, channel: interaction.channel, type: interaction.type },
  });
  await em.flush();
  return interaction;
}

/** The filter as SQL over the indexed columns; shared by the page and its count. */
export function interactionFilterSql(filter: InteractionFilter | undefined | null): { sql: string; params: unknown[] } | undefined {
  if (!filter) return undefined;
  const parts: string[] = [];
  const params: unknown[] = [];
  if (filter.channels?.length) {
    parts.push('channel = any(?::interaction_channel[])');
    params.push(pgArray(filter.channels));
  }
  if (filter.types?.length) {
    parts.push('type = any(?::interaction_type[])');
    params.push(pgArray(filter.types));
  }
  if (filter.since) {
    parts.push('occurred_at >= ?');
    params.push(filter.since);
  }
  if (filter.until) {
    parts.push('occurred_at < ?');
    params.push(filter.until);
  }
  if (filter.since && filter.until && filter.since >= filter.until) throw badInput('since must be before until', 'since');
  return parts.length ? { sql: parts.join(' and '), params } : undefined;
}
