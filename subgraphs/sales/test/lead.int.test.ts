import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { actingFor } from '@crm/kit/access/viewer.js';
import { outboxOf, outboxTypes, refusal } from '../../../tests/helpers/integration.js';
import { UNKNOWN_ID } from '../../../tests/helpers/subgraph-database.js';
import { LeadSource, LeadStatus } from '../src/modules/lead/lead.entity.js';
import { leadsPage } from '../src/modules/lead/lead.queries.js';
import { assignLead, convertLead, createLead, getLead, updateLeadStatus } from '../src/modules/lead/lead.service.js';
import { resolvePipeline, stagesOf } from '../src/modules/pipeline/pipeline.service.js';
import { newProduct, useFreshSalesDatabase } from './database.js';

const { orm, em, write } = useFreshSalesDatabase();

const manager = actingFor(randomUUID());

describe('leads', () => {
  it('walks NEW → CONTACTED → QUALIFIED → CONVERTED, assigns, and converts into an opportunity in one step', async () => {
    const customerId = randomUUID();
    const product = await write((em) => newProduct(em, 'LEAD-SUV', 'Lead test SUV', '899900.00'));
    const rep = randomUUID();
    let lead = await write((em) =>
      createLead(
        em,
        {
          source: LeadSource.WEB_FORM,
          customerId,
          contactName: 'Jan Novák',
          contactEmail: 'jan@example.cz',
          contactPhone: ' 601 123 456 ',
          requestedAppointment: new Date('2026-11-10T15:00:00.000Z'),
          interest: 'Family SUV',
          interestProductId: product.id,
          score: 72,
        },
        manager,
      ),
    );
    expect(lead).toMatchObject({ status: 'NEW', contactPhone: '601 123 456', score: 72, interestProductId: product.id, customerId, ownerId: null });

    expect(await refusal(write((em) => updateLeadStatus(em, lead.id, lead.version, LeadStatus.QUALIFIED, manager)))).toMatchObject({
      code: 'CONFLICT',
      message: 'A NEW lead cannot become QUALIFIED; allowed next: CONTACTED, DISQUALIFIED',
    });
    const early = await refusal(write((em) => convertLead(em, lead.id, lead.version, {}, manager)));
    expect(early.code).toBe('CONFLICT');
    expect(early.message).toMatch(/cannot become CONVERTED/);

    lead = await write((em) => assignLead(em, lead.id, lead.version, rep, manager));
    expect(lead).toMatchObject({ ownerId: rep, assignmentReason: 'assigned by hand' });
    lead = await write((em) => updateLeadStatus(em, lead.id, lead.version, LeadStatus.CONTACTED, manager));
    const stale = await refusal(write((em) => updateLeadStatus(em, lead.id, lead.version - 1, LeadStatus.QUALIFIED, manager)));
    expect(stale.code).toBe('CONFLICT');
    expect(stale.message).toMatch(/changed by someone else/);
    lead = await write((em) => updateLeadStatus(em, lead.id, lead.version, LeadStatus.QUALIFIED, manager));

    const converted = await write((em) => convertLead(em, lead.id, lead.version, {}, manager));
    const pipeline = await resolvePipeline(em());
    const [firstStage] = await stagesOf(em(), pipeline.id);
    expect(converted.lead).toMatchObject({ status: 'CONVERTED', convertedOpportunityId: converted.opportunity.id });
    expect(converted.opportunity).toMatchObject({ title: 'Family SUV', status: 'OPEN', ownerId: rep, pipelineId: pipeline.id, stageId: firstStage!.id });
    expect(converted.opportunity.money()).toEqual({ amount: '899900.00', currency: 'CZK' });
    expect(firstStage!.position).toBe(0);
    const after = await refusal(write((em) => updateLeadStatus(em, lead.id, converted.lead.version, LeadStatus.DISQUALIFIED, manager, 'late')));
    expect(after).toMatchObject({ code: 'CONFLICT', message: 'A CONVERTED lead cannot become DISQUALIFIED; allowed next: none (it is final)' });

    const events = await outboxOf(orm(), lead.id);
    expect(events.map((e) => e.type)).toEqual(['LeadCreated', 'LeadAssigned', 'LeadStatusChanged', 'LeadStatusChanged', 'LeadConverted']);
    expect(events[4]?.payload).toMatchObject({ opportunityId: converted.opportunity.id, customerId, ownerId: rep });
    expect(await outboxTypes(orm(), converted.opportunity.id)).toEqual(['OpportunityCreated']);
  });

  it('rejects a lead nobody can be reached on, a disqualification without reason, and lists leads by status and owner', async () => {
    const orphan = await refusal(write((em) => createLead(em, { source: LeadSource.PHONE, score: 0 }, manager)));
    expect(orphan.code).toBe('BAD_USER_INPUT');
    expect(orphan.message).toMatch(/customerId or at least one contact detail/);

    const owner = randomUUID();
    const walkIn = await write((em) => createLead(em, { source: LeadSource.WALK_IN, contactName: 'Walk In', ownerId: owner, score: 0 }, manager));
    const noReason = await refusal(write((em) => updateLeadStatus(em, walkIn.id, walkIn.version, LeadStatus.DISQUALIFIED, manager)));
    expect(noReason.code).toBe('BAD_USER_INPUT');
    expect(noReason.message).toMatch(/why/);
    const disqualified = await write((em) => updateLeadStatus(em, walkIn.id, walkIn.version, LeadStatus.DISQUALIFIED, manager, ' Just browsing '));
    expect(disqualified).toMatchObject({ status: 'DISQUALIFIED', statusReason: 'Just browsing' });
    expect(await refusal(write((em) => assignLead(em, walkIn.id, disqualified.version, randomUUID(), manager)))).toMatchObject({
      code: 'CONFLICT',
      message: 'A DISQUALIFIED lead can no longer be assigned',
      extensions: { field: 'id' },
    });

    await write((em) => createLead(em, { source: LeadSource.PHONE, contactName: 'Still new', ownerId: owner, score: 0 }, manager));
    const leads = await leadsPage(em(), { statuses: [LeadStatus.DISQUALIFIED], ownerIds: [owner] }, manager, { first: 10 });
    expect(await leads.count()).toBe(1);
    expect(leads.edges.map((e) => e.node.id)).toEqual([walkIn.id]);
  });

  it('reports unknown and malformed ids', async () => {
    expect(await refusal(write((em) => convertLead(em, UNKNOWN_ID, 1, {}, manager)))).toMatchObject({
      code: 'NOT_FOUND',
      message: `Lead ${UNKNOWN_ID} does not exist`,
    });
    expect((await refusal(getLead(em(), 'nope'))).code).toBe('BAD_USER_INPUT');
    expect(
      (await refusal(write((em) => createLead(em, { source: LeadSource.PHONE, contactName: 'Y', interestProductId: UNKNOWN_ID, score: 0 }, manager)))).code,
    ).toBe('NOT_FOUND');
  });
});
