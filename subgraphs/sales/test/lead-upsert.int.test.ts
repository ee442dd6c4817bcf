import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { outboxOf, refusal } from '../../../tests/helpers/integration.js';
import { LeadSource } from '../src/modules/lead/lead.entity.js';
import type { UpsertLeadInput } from '../src/modules/lead/lead-upsert.inputs.js';
import { upsertLeads } from '../src/modules/lead/lead-upsert.service.js';
import { getLead } from '../src/modules/lead/lead.service.js';
import { salesRep, useFreshSalesDatabase } from './database.js';

const { orm, em, write } = useFreshSalesDatabase();

const lead = (externalId: string, extra: Partial<UpsertLeadInput> = {}) =>
  ({ sourceSystem: 'portal', externalId, source: LeadSource.PARTNER, contactName: 'Petr Lead', ...extra }) as UpsertLeadInput;

describe('upsertLeads', () => {
  it("creates a rep's lead as theirs, changes only what an item says, and tells it with LeadChanged", async () => {
    const rep = salesRep(randomUUID());
    const key = randomUUID();
    const [created] = (await write((em) => upsertLeads(em, [lead(key, { score: 40 })], rep))).items;
    expect(created).toMatchObject({ index: 0, outcome: 'CREATED' });
    expect(await getLead(em(), created!.id)).toMatchObject({ ownerId: rep.id, score: 40, status: 'NEW', sourceSystem: 'portal', externalId: key });

    const [same] = (await write((em) => upsertLeads(em, [lead(key)], rep))).items;
    expect(same).toEqual({ index: 0, id: created!.id, outcome: 'UNCHANGED' });
    const [changed] = (await write((em) => upsertLeads(em, [lead(key, { interest: 'Superb', contactName: null, contactEmail: 'petr@lead.example' })], rep)))
      .items;
    expect(changed!.outcome).toBe('UPDATED');
    const events = await outboxOf(orm(), created!.id);
    expect(events.map((e) => e.type)).toEqual(['LeadCreated', 'LeadChanged']);
    expect(events[1]!.payload).toMatchObject({ changedFields: ['contactName', 'contactEmail', 'interest'], aggregateVersion: 2, ownerId: rep.id });
    expect(await getLead(em(), created!.id)).toMatchObject({ contactName: null, contactEmail: 'petr@lead.example', version: 2 });
  });

  it("refuses another team's lead and a new lead without its source, naming both items, and writes nothing", async () => {
    const owner = salesRep(randomUUID());
    const theirs = randomUUID();
    await write((em) => upsertLeads(em, [lead(theirs)], owner));
    const fresh = randomUUID();
    const bad = await refusal(
      write((em) => upsertLeads(em, [lead(fresh), lead(theirs, { score: 90 }), lead(randomUUID(), { source: undefined })], salesRep(randomUUID()))),
    );
    expect(bad.extensions.items).toEqual([
      { index: 1, field: 'externalId', message: expect.stringContaining('outside your teams') },
      { index: 2, field: 'source', message: expect.any(String) },
    ]);
    expect((await write((em) => upsertLeads(em, [lead(fresh)], owner))).items[0]!.outcome).toBe('CREATED');
  });
});
