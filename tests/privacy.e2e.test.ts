import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SUBGRAPHS } from '@crm/kit/config.js';
import {
  AddCaseMessageDocument,
  AnswerSurveyDocument,
  AuditLogDocument,
  CreateActivityDocument,
  CreateCustomerDocument,
  CreateLeadDocument,
  CreateOpportunityDocument,
  CreateSegmentDocument,
  CreateSequenceDocument,
  EnrolInSequenceDocument,
  EraseCustomerDocument,
  ErasureRequestDocument,
  ExportCustomerDataDocument,
  MergeCustomersDocument,
  OpenCaseDocument,
  RecordConsentDocument,
  RecordInteractionDocument,
  RegisterAssetDocument,
  RegisterWebhookEndpointDocument,
  SearchCustomersDocument,
  SegmentMembersDocument,
  SequenceEnrolmentsDocument,
  SubmitWebFormDocument,
} from './generated/graphql.js';
import { errorCodes, execute, executeOk } from './helpers/graphql.js';
import { eventually } from './helpers/eventually.js';
import { startPlatform, type Platform } from './helpers/platform.js';
import { PartnerWebhookServer } from './helpers/partner-webhook-server.js';

// Issue 9.1, 9.2: a person's data can be exported from every subgraph in one document, and erased everywhere
// (also of merged records, in the outboxes and the event log), even with a subgraph down while it is asked.

// A partner receives the events the person's web form, lead and visits caused (webhooks on localhost, for the test).
process.env.WEBHOOK_ALLOW_PRIVATE_NETWORKS = 'true';
const partner = new PartnerWebhookServer();

let platform: Platform;
let url: string;
beforeAll(async () => {
  await partner.open();
  platform = await startPlatform();
  url = platform.gatewayUrl;
});
afterAll(async () => {
  await platform.stop();
  await partner.close();
});

const tag = randomUUID().slice(0, 8);
/** What only this person is known by: none of it may be found anywhere after the erasure. */
const person = {
  firstName: `Ludmila${tag}`,
  lastName: `Zapomenutá${tag}`,
  email: `ludmila.${tag}@example.cz`,
  otherEmail: `lida.${tag}@example.cz`,
  phone: `+420603${String(parseInt(tag.slice(0, 6), 16) % 1_000_000).padStart(6, '0')}`,
  device: `device-${tag}`,
  note: `Chce ${tag} kombi s tažným zařízením`,
  complaint: `Reklamace ${tag}: praská čelní sklo`,
  vin: `TMB${tag.toUpperCase()}ZZZ9`,
};

async function personWithHistory() {
  const customer = (
    await executeOk(url, CreateCustomerDocument, {
      input: { kind: 'PERSON', firstName: person.firstName, lastName: person.lastName, emails: [person.email], phones: [person.phone] },
    })
  ).createCustomer;
  // A duplicate record of the same person, merged into the first: its data is theirs too.
  const duplicate = (
    await executeOk(url, CreateCustomerDocument, {
      input: { kind: 'PERSON', firstName: 'Lída', lastName: person.lastName, emails: [person.otherEmail], phones: [] },
    })
  ).createCustomer;
  await executeOk(url, MergeCustomersDocument, { survivorId: customer.id, mergedId: duplicate.id });
  await executeOk(url, RecordConsentDocument, {
    input: { customerId: customer.id, purpose: 'MARKETING', channel: 'EMAIL', status: 'GRANTED', source: 'showroom', textVersion: 'v3' },
  });
  await executeOk(url, SubmitWebFormDocument, {
    input: {
      formKey: platform.webFormKey,
      submissionId: randomUUID(),
      firstName: person.firstName,
      lastName: person.lastName,
      email: person.email,
      phone: person.phone,
      deviceIds: [person.device],
      interest: { model: `Kodiaq ${tag}` },
    },
  });
  const opportunity = (
    await executeOk(url, CreateOpportunityDocument, {
      input: { customerId: customer.id, title: `SUV pro ${person.lastName}`, amount: { amount: '900000.00', currency: 'CZK' } },
    })
  ).createOpportunity;
  await executeOk(url, CreateActivityDocument, {
    input: {
      type: 'CALL',
      subject: `Call ${person.firstName}`,
      notes: person.note,
      customerId: customer.id,
      opportunityId: opportunity.id,
      occurredAt: new Date().toISOString(),
    },
  });
  await executeOk(url, RecordInteractionDocument, {
    input: { customerId: customer.id, channel: 'WEB', type: 'PAGE_VIEW', properties: { url: `/kodiaq?ref=${tag}`, device: person.device } },
  });
  await executeOk(url, AnswerSurveyDocument, { input: { customerId: customer.id, score: 9, comment: `Skvělý prodejce ${tag}`, channel: 'EMAIL' } });
  const opened = (
    await executeOk(url, OpenCaseDocument, {
      input: { customerId: customer.id, subject: person.complaint, description: person.note, channel: 'EMAIL', priority: 'NORMAL' },
    })
  ).openCase;
  await executeOk(url, AddCaseMessageDocument, {
    input: { caseId: opened.id, channel: 'EMAIL', direction: 'INBOUND', body: `${person.complaint}, ${person.phone}` },
  });
  await executeOk(url, RegisterAssetDocument, { input: { customerId: customer.id, kind: 'VEHICLE', identifier: person.vin, model: 'Kodiaq' } });
  return { customer, duplicate, opportunityId: opportunity.id };
}

/** Every row of every table of every subgraph's database and of the event log, as text, that holds `value`. */
async function findEverywhere(value: string): Promise<string[]> {
  const found: string[] = [];
  const server = new URL(process.env.DATABASE_URL!);
  const databases = (
    await platform.subgraphs.identity.orm.em
      .getConnection()
      .execute<Array<{ datname: string }>>('select datname from pg_database where datname like ?', [
        `${new URL(platform.subgraphs.identity.orm.config.get('clientUrl')!).pathname.slice(1).replace(/identity$/, '')}%`,
      ])
  ).map((d) => d.datname);
  expect(databases).toHaveLength(SUBGRAPHS.length + 1); // the four subgraphs and the event log
  for (const database of databases) {
    const client = new pg.Client({ connectionString: Object.assign(new URL(server), { pathname: `/${database}` }).toString() });
    await client.connect();
    try {
      const { rows: tables } = await client.query<{ name: string }>(
        "select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'",
      );
      for (const { name } of tables) {
        const { rows } = await client.query(`select 1 from "${name}" t where t::text ilike $1 limit 1`, [`%${value}%`]);
        if (rows.length) found.push(`${database}.${name}`);
      }
    } finally {
      await client.end();
    }
  }
  return found;
}

describe("a person's data", () => {
  let subject: Awaited<ReturnType<typeof personWithHistory>>;
  beforeAll(async () => {
    // Events that carry the person's contact or device, though not their customer id: the web form's submission, its
    // lead, a visit before the person was known. Their deliveries to partners are the person's data too.
    const eventTypes = ['WebFormSubmitted', 'LeadCreated', 'InteractionRecorded', 'CustomerCreated'];
    await executeOk(url, RegisterWebhookEndpointDocument, { input: { url: partner.url(), eventTypes, description: 'privacy test partner' } });
    await executeOk(url, RecordInteractionDocument, { input: { anonymousId: person.device, channel: 'WEB', type: 'PAGE_VIEW', properties: {} } });
    subject = await personWithHistory();
    await eventually(async () => {
      const sent = partner.received.map((delivery) => delivery.raw);
      for (const value of [person.email, person.device]) expect(sent.some((raw) => raw.includes(value))).toBe(true);
    }, 30_000);
    // Wait until the automations have done their part (the web form resolved, the timeline and the projections fed).
    await eventually(async () => expect((await findEverywhere(person.device)).some((where) => where.endsWith('marketing.interaction'))).toBe(true), 30_000);
  });

  it('is exported from every subgraph as one document, and the export is audited', async () => {
    const { exportCustomerData: document } = await executeOk(url, ExportCustomerDataDocument, { customerId: subject.duplicate.id });
    const data = document as Record<string, Record<string, Array<Record<string, unknown>>>> & { customerIds: string[] };
    expect(data.customerIds.sort()).toEqual([subject.customer.id, subject.duplicate.id].sort());
    expect(data.identity!.customer_identifier!.map((i) => i.value)).toEqual(expect.arrayContaining([person.email, person.otherEmail, person.phone]));
    expect(data.identity!.customer_consent!.map((c) => c.purpose)).toContain('MARKETING');
    expect(data.sales!.opportunity!.map((o) => o.title)).toContain(`SUV pro ${person.lastName}`);
    expect(data.sales!.sales_activity!.map((a) => a.notes)).toContain(person.note);
    expect(data.sales!.sales_lead!.map((l) => l.contact_email)).toContain(person.email);
    // The deal's stage history comes with the deal (it was left out).
    expect(data.sales!.opportunity_stage_change!.map((c) => c.opportunity_id)).toContain(subject.opportunityId);
    expect(data.marketing!.interaction!.length).toBeGreaterThan(0);
    expect(data.marketing!.survey_response!.map((s) => s.score)).toEqual([9]);
    expect(data.service!.support_case!.map((c) => c.subject)).toEqual([person.complaint]);
    expect(data.service!.case_message!.map((m) => m.body)).toEqual([`${person.complaint}, ${person.phone}`]);
    expect(data.service!.asset!.map((a) => a.identifier)).toEqual([person.vin]);
    // The audit log is fed through the outbox: the entry arrives shortly after the answer.
    const exported = await eventually(async () => {
      const { auditLog } = await executeOk(url, AuditLogDocument, { filter: { operation: 'PERSONAL_DATA_EXPORTED', entityType: 'Customer' }, first: 100 });
      const entries = auditLog.edges.map((e) => e.node).filter((entry) => data.customerIds.includes(entry.entityId ?? ''));
      expect(entries).toHaveLength(1);
      return entries;
    });
    expect(exported[0]).toEqual(
      expect.objectContaining({ outcome: 'DONE', service: 'identity', actorKind: 'user', details: { customerIds: expect.arrayContaining(data.customerIds) } }),
    );
    const rep = await platform.createStaff('SALES_REP');
    expect(errorCodes(await execute(url, ExportCustomerDataDocument, { customerId: subject.customer.id }, { authorization: rep.authorization }))).toEqual([
      'FORBIDDEN',
    ]);
  });

  it('is erased everywhere, also by a subgraph that was down when it was asked, and found nowhere afterwards', async () => {
    await platform.stopSubgraph('service');
    const { eraseCustomer } = await executeOk(url, EraseCustomerDocument, { customerId: subject.duplicate.id, reason: 'GDPR art. 17 request by e-mail' });
    expect(eraseCustomer.customerIds.sort()).toEqual([subject.customer.id, subject.duplicate.id].sort());
    const progress = async () => (await executeOk(url, ErasureRequestDocument, { id: eraseCustomer.id })).erasureRequest;
    await eventually(async () => {
      const request = await progress();
      expect(
        request.perSubgraph
          .filter((p) => p.done)
          .map((p) => p.subgraph)
          .sort(),
      ).toEqual(['identity', 'marketing', 'sales']);
    }, 30_000);
    expect((await progress()).status).toBe('IN_PROGRESS');

    await platform.restartSubgraph('service');
    const done = await eventually(async () => {
      const request = await progress();
      expect(request.status).toBe('COMPLETED');
      return request;
    }, 30_000);
    expect(done.perSubgraph.every((p) => p.done && p.erasedAt)).toBe(true);

    for (const value of Object.values(person)) expect({ value, foundIn: await findEverywhere(value) }).toEqual({ value, foundIn: [] });
    const { searchCustomers } = await executeOk(url, SearchCustomersDocument, { query: person.lastName });
    expect(searchCustomers).toEqual([]);
  }, 120_000);
});

describe('consent', () => {
  it('cannot be forged through the plumbing, and its withdrawal ends enrolments and segment membership at once', async () => {
    const { createCustomer: customer } = await executeOk(url, CreateCustomerDocument, {
      input: { kind: 'PERSON', firstName: 'Souhlas', lastName: `Odvolaný${tag}`, emails: [], phones: [] },
    });
    const grant = (status: 'GRANTED' | 'WITHDRAWN') =>
      executeOk(url, RecordConsentDocument, {
        input: { customerId: customer.id, purpose: 'MARKETING', channel: 'EMAIL', status, source: 'call-centre', textVersion: 'v3' },
      });
    await grant('GRANTED');
    const { createSegment: segment } = await executeOk(url, CreateSegmentDocument, {
      input: {
        name: `Consenting ${tag}`,
        kind: 'DYNAMIC',
        rules: { operator: 'AND', conditions: [{ consent: { purpose: 'MARKETING', channel: 'EMAIL', granted: true } }] },
      },
    });
    const members = async () => (await executeOk(url, SegmentMembersDocument, { id: segment.id, first: 100 })).segment.members.edges.map((e) => e.node.id);
    await eventually(async () => expect(await members()).toContain(customer.id));
    const { createSequence: sequence } = await executeOk(url, CreateSequenceDocument, {
      input: { name: `Newsletter ${tag}`, steps: [{ channel: 'EMAIL', template: 'owners-stories', delayHours: 24 }] },
    });
    const { enrolInSequence: enrolment } = await executeOk(url, EnrolInSequenceDocument, { input: { sequenceId: sequence.id, customerId: customer.id } });
    expect(enrolment.status).toBe('ACTIVE');

    // A consent with a far-future time, fed to marketing directly: the plumbing no longer takes consents at all.
    const forged = await platform
      .internal(
        'marketing',
        `mutation { upsertMarketingProjections(input: { consents: [{ customerId: "${customer.id}", purpose: "MARKETING", channel: "EMAIL", granted: true, changedAt: "2999-01-01T00:00:00Z" }] }) { profiles } }`,
      )
      .catch((error: Error) => error);
    expect(String(forged)).toMatch(/consents/);

    await grant('WITHDRAWN');
    await eventually(async () => {
      const { sequence: read } = await executeOk(url, SequenceEnrolmentsDocument, { id: sequence.id, first: 10 });
      expect(read.enrolments.edges.map((e) => [e.node.status, e.node.exitReason])).toEqual([['EXITED', 'marketing consent withdrawn']]);
    });
    expect(await members()).not.toContain(customer.id);
  });
});

describe('retention', () => {
  it('removes exactly what is past its period, kind by kind, and records what it did', async () => {
    const { applyRetention } = await import('@crm/kit/retention.js');
    const { marketingRetention } = await import('../subgraphs/marketing/src/modules/privacy/privacy.retention.js');
    const { salesRetention } = await import('../subgraphs/sales/src/modules/privacy/privacy.retention.js');
    const { serviceRetention } = await import('../subgraphs/service/src/modules/privacy/privacy.retention.js');
    const sql = (subgraph: 'marketing' | 'sales' | 'service', statement: string, params: unknown[] = []) =>
      platform.subgraphs[subgraph].orm.em.fork().getConnection().execute<Array<Record<string, unknown>>>(statement, params);
    const old = new Date(Date.now() - 1200 * 86_400_000); // past every default period
    const recent = new Date(Date.now() - 10 * 86_400_000);

    const anonymous = async (occurredAt: Date) =>
      (
        await executeOk(url, RecordInteractionDocument, {
          input: { anonymousId: `anon-${randomUUID()}`, channel: 'WEB', type: 'PAGE_VIEW', occurredAt: occurredAt.toISOString() },
        })
      ).recordInteraction.id;
    const [oldVisit, newVisit] = [await anonymous(old), await anonymous(recent)];
    const { createCustomer: known } = await executeOk(url, CreateCustomerDocument, {
      input: { kind: 'PERSON', firstName: 'Known', lastName: 'Visitor', emails: [], phones: [] },
    });
    const knownVisit = (
      await executeOk(url, RecordInteractionDocument, { input: { customerId: known.id, channel: 'WEB', type: 'PAGE_VIEW', occurredAt: old.toISOString() } })
    ).recordInteraction.id;

    const lead = async (email: string) =>
      (await executeOk(url, CreateLeadDocument, { input: { source: 'PHONE', contactName: 'Old Lead', contactEmail: email } })).createLead.id;
    const [staleLead, openLead] = [await lead(`stale.${tag}@example.cz`), await lead(`open.${tag}@example.cz`)];
    await sql('sales', `update sales_lead set status = 'DISQUALIFIED', updated_at = ? where id = ?`, [old, staleLead]);
    await sql('sales', 'update sales_lead set updated_at = ? where id = ?', [old, openLead]); // old, but not closed

    const opened = (await executeOk(url, OpenCaseDocument, { input: { customerId: known.id, subject: 'Old question', channel: 'EMAIL', priority: 'NORMAL' } }))
      .openCase;
    await executeOk(url, AddCaseMessageDocument, { input: { caseId: opened.id, channel: 'EMAIL', direction: 'INBOUND', body: `Stará zpráva ${tag}` } });
    await sql('service', 'update support_case set resolved_at = ? where id = ?', [old, opened.id]);

    const marketing = await applyRetention(platform.subgraphs.marketing.orm.em.fork(), 'marketing', marketingRetention);
    const sales = await applyRetention(platform.subgraphs.sales.orm.em.fork(), 'sales', salesRetention);
    const service = await applyRetention(platform.subgraphs.service.orm.em.fork(), 'service', serviceRetention);
    expect([marketing, sales, service]).toEqual([{ 'anonymous-interactions': 1 }, { 'closed-unconverted-leads': 1 }, { 'resolved-case-messages': 1 }]);

    const visits = (await sql('marketing', 'select id from interaction where id = any(?::uuid[])', [`{${[oldVisit, newVisit, knownVisit].join(',')}}`])).map(
      (r) => r.id,
    );
    expect(visits.sort()).toEqual([newVisit, knownVisit].sort());
    const leads = await sql('sales', 'select id, contact_email from sales_lead where id = any(?::uuid[]) order by contact_email nulls first', [
      `{${staleLead},${openLead}}`,
    ]);
    expect(leads).toEqual([
      { id: staleLead, contact_email: null },
      { id: openLead, contact_email: `open.${tag}@example.cz` },
    ]);
    expect((await sql('service', 'select body from case_message where case_id = ?', [opened.id]))[0]!.body).toBe('[expired]');
    await eventually(async () => {
      const { auditLog } = await executeOk(url, AuditLogDocument, { filter: { operation: 'RETENTION_APPLIED' }, first: 10 });
      expect(auditLog.edges.map((e) => [e.node.service, e.node.entityType]).sort()).toEqual([
        ['marketing', 'anonymous-interactions'],
        ['sales', 'closed-unconverted-leads'],
        ['service', 'resolved-case-messages'],
      ]);
    });
  });
});
