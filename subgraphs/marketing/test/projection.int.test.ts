import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type { OutgoingEvent } from '@crm/kit/bus/index.js';
import { catalogEvent, consentChanged as consent, customerProfile, opportunitySnapshot } from '../../../tests/helpers/events.js';
import { deliver } from '../../../tests/helpers/integration.js';
import { journeyHandler } from '../src/modules/journey/journey.handlers.js';
import { useFreshMarketingDatabase } from './database.js';

// Marketing's projections of identity's and sales' events, as the journey consumer applies them on marketing's own
// database: profile, consent and opportunity state as of each event's time.

const { orm, em } = useFreshMarketingDatabase();

const handler = journeyHandler();
const sql = <T>(query: string, params: unknown[]) => em().execute<T[]>(query, params);

async function handle(...events: OutgoingEvent[]): Promise<void> {
  for (const event of events) expect([event.type, await deliver(orm(), handler, event)]).toEqual([event.type, true]);
}

describe('projections from identity and sales events', () => {
  it('keeps profile, consent and opportunity state, and a replayed older event never overwrites newer data', async () => {
    const customerId = randomUUID();
    const opportunityId = randomUUID();
    const stageId = randomUUID();
    const t = (minutes: number) => new Date(Date.UTC(2026, 10, 20, 10, minutes)).toISOString();
    const profile = (firstName: string, jobTitle: string) =>
      customerProfile({ customerId, firstName, lastName: 'Novák', birthDate: '1985-04-12', gender: 'male', jobTitle });
    type Marker = Parameters<typeof opportunitySnapshot>[0]['marker'];
    const opportunity = (status: 'OPEN' | 'WON' | 'LOST', stageName: string, marker: Marker, amount: string) =>
      opportunitySnapshot({ opportunityId, customerId, stageId, stageName, marker, status, amount: { amount, currency: 'CZK' } });
    const moved = { fromStageId: null, toStageId: stageId, changedBy: 'test', followUpAt: null };
    await handle(
      catalogEvent('CustomerCreated', customerId, { ...profile('Jan', 'Engineer'), identifiers: [] }, t(1)),
      catalogEvent('CustomerChanged', customerId, { ...profile('Jan', 'Chief engineer'), changedFields: ['jobTitle'], values: {} }, t(5)),
      catalogEvent('CustomerChanged', customerId, { ...profile('Honza', 'Intern'), changedFields: ['firstName'], values: {} }, t(3)), // late
      consent(customerId, 'MARKETING', 'EMAIL', 'GRANTED', t(5)),
      consent(customerId, 'MARKETING', 'EMAIL', 'WITHDRAWN', t(2)), // late
      catalogEvent('OpportunityCreated', opportunityId, opportunity('OPEN', 'New inquiry', 'NEW_INQUIRY', '0'), t(1)),
      catalogEvent('OpportunityStageChanged', opportunityId, { ...opportunity('OPEN', 'First offer sent', 'FIRST_OFFER_SENT', '1250000.50'), ...moved }, t(6)),
      catalogEvent('OpportunityChanged', opportunityId, { ...opportunity('OPEN', 'New inquiry', 'NEW_INQUIRY', '9'), changedFields: ['amount'] }, t(4)), // late
    );

    const [p] = await sql<Record<string, unknown>>('select first_name, job_title, kind, gender, birth_date from customer_profile where id = ?', [customerId]);
    expect(p).toMatchObject({ first_name: 'Jan', job_title: 'Chief engineer', kind: 'PERSON', gender: 'male' });
    expect(String(p!.birth_date)).toContain('1985');
    const consents = await sql<Record<string, unknown>>('select purpose, channel, granted from consent_state where customer_id = ?', [customerId]);
    expect(consents).toEqual([{ purpose: 'MARKETING', channel: 'EMAIL', granted: true }]);
    const [o] = await sql<Record<string, unknown>>('select * from opportunity_state where id = ?', [opportunityId]);
    expect(o).toMatchObject({
      customer_id: customerId,
      is_open: true,
      stage_id: stageId,
      stage_name: 'First offer sent',
      marker: 'FIRST_OFFER_SENT',
      status: 'OPEN',
      amount: '1250000.50',
      currency: 'CZK',
    });

    await handle(catalogEvent('OpportunityWon', opportunityId, opportunity('WON', 'Ordered', 'ORDERED', '1250000.50'), t(9)));
    const [closed] = await sql<Record<string, unknown>>('select is_open, status from opportunity_state where id = ?', [opportunityId]);
    expect(closed).toEqual({ is_open: false, status: 'WON' });
  });
});
