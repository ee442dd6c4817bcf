import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ownerFor } from '@crm/kit/access/row-scope.js';
import { ownsRow, type Viewer } from '@crm/kit/access/viewer.js';
import { keyedItems, lockPartnerKeys, partnerKey, upsertAnswer, UpsertOutcome, type KeyedItem } from '@crm/kit/bulk.js';
import { liveCustomerIds } from '@crm/kit/customer-aliases.js';
import { badInput } from '@crm/kit/errors.js';
import { recordEvents, type DomainEvent } from '@crm/kit/events.js';
import { parseId } from '@crm/kit/ids.js';
import { pgArray } from '@crm/kit/sql.js';
import { LeadSource } from './lead.entity.js';
import type { UpsertLeadInput, UpsertLeadsResult } from './lead-upsert.inputs.js';

/** The fields an upsert sets: field, column, SQL type. */
const FIELDS = [
  ['source', 'source', 'lead_source'],
  ['customerId', 'customer_id', 'uuid'],
  ['contactName', 'contact_name', 'text'],
  ['contactEmail', 'contact_email', 'text'],
  ['contactPhone', 'contact_phone', 'text'],
  ['requestedAppointment', 'requested_appointment', 'timestamptz'],
  ['interest', 'interest', 'text'],
  ['region', 'region', 'text'],
  ['score', 'score', 'int'],
  ['ownerId', 'owner_id', 'uuid'],
] as const;
type Field = (typeof FIELDS)[number][0];
type Values = Partial<Record<Field, string | number | null>>;

interface LeadRow {
  id: string;
  version: number;
  values: Record<Field, string | number | null>;
}

interface Prepared extends KeyedItem {
  values: Values;
}

const RECORD = `r(id uuid, source_system text, external_id text, ${FIELDS.map(([, column, type]) => `${column} ${type}`).join(', ')})`;
const COLUMNS = FIELDS.map(([, column]) => column).join(', ');
const INSERT = `insert into sales_lead (id, created_at, updated_at, version, status, source_system, external_id, ${COLUMNS})
  select id, ?::timestamptz, ?::timestamptz, 1, 'NEW', source_system, external_id, ${FIELDS.map(([, column]) => (column === 'score' ? 'coalesce(score, 0)' : column)).join(', ')}
  from jsonb_to_recordset(?::jsonb) as ${RECORD}`;
// Timestamps come from the application, in milliseconds as the ORM writes them (list cursors carry milliseconds).
// The rows were read `for update` in this transaction: the version they had is the one they have.
const UPDATE = `update sales_lead l set updated_at = ?::timestamptz, version = l.version + 1, ${FIELDS.map(([, column]) => `${column} = r.${column}`).join(', ')}
  from jsonb_to_recordset(?::jsonb) as ${RECORD} where l.id = r.id`;

/**
 * A partner's batch of leads (issue 13, point 5), each found by sourceSystem + externalId or created. Every item
 * is checked first and all problems are reported at once (nothing written then); the writes are one INSERT and
 * one UPDATE for the batch, with LeadCreated or LeadChanged for each lead they create or change, in input order.
 * A rep may upsert only leads within their reach, as with the single mutations.
 */
export async function upsertLeads(em: EntityManager, inputs: UpsertLeadInput[], viewer: Viewer): Promise<UpsertLeadsResult> {
  const { problems, valid } = keyedItems(inputs, 'leads', (input, index) => prepare(input, index, viewer));
  return em.transactional(async (tx) => {
    await lockPartnerKeys(tx, 'lead-upsert', valid);
    const existing = await readLeads(tx, valid);
    const customers = await liveCustomerIds(
      tx,
      valid.flatMap((item) => (typeof item.values.customerId === 'string' ? [item.values.customerId] : [])),
    );
    const plans = valid.flatMap((item) => {
      const before = existing.get(partnerKey(item.sourceSystem, item.externalId)) ?? null;
      const plan = problems.check(item.index, () => planOne(item, before, customers, viewer));
      return plan ? [plan] : [];
    });
    problems.throwIfAny(inputs.length, 'leads');
    return write(tx, plans);
  });
}

function prepare(input: UpsertLeadInput, index: number, viewer: Viewer): Prepared {
  const sourceSystem = input.sourceSystem.trim();
  const externalId = input.externalId.trim();
  if (!sourceSystem) throw badInput('sourceSystem must not be empty', 'sourceSystem');
  if (!externalId) throw badInput('externalId must not be empty', 'externalId');
  const values: Values = {};
  for (const [field] of FIELDS) {
    const raw = (input as unknown as Record<Field, unknown>)[field];
    if (raw === undefined) continue;
    values[field] = raw instanceof Date ? raw.toISOString() : typeof raw === 'string' ? raw.trim() || null : (raw as number | null);
  }
  if (input.requestedAppointment && Number.isNaN(input.requestedAppointment.getTime()))
    throw badInput('requestedAppointment is not a valid time', 'requestedAppointment');
  if (typeof values.customerId === 'string') values.customerId = parseId(values.customerId, 'Customer', 'customerId');
  if ('ownerId' in values) values.ownerId = ownerFor(viewer, values.ownerId as string | null);
  if (values.source === null) throw badInput('source cannot be cleared', 'source');
  return { index, sourceSystem, externalId, values };
}

interface Plan {
  item: Prepared;
  before: LeadRow | null;
  after: LeadRow;
  changedFields: Field[];
}

function planOne(item: Prepared, before: LeadRow | null, customers: Map<string, string>, viewer: Viewer): Plan {
  if (before && !ownsRow(viewer, before.values.ownerId as string | null)) {
    throw badInput(`Lead ${item.sourceSystem}:${item.externalId} belongs to someone outside your teams`, 'externalId');
  }
  const values = { ...item.values };
  if (typeof values.customerId === 'string') values.customerId = customers.get(values.customerId) ?? values.customerId;
  const after: LeadRow = before
    ? { ...before, values: { ...before.values } }
    : { id: randomUUID(), version: 1, values: Object.fromEntries(FIELDS.map(([field]) => [field, null])) as LeadRow['values'] };
  if (!before) {
    if (!values.source) throw badInput('source is needed to create a lead', 'source');
    if (!('ownerId' in values)) values.ownerId = ownerFor(viewer, null);
  }
  const changedFields: Field[] = [];
  for (const [field] of FIELDS) {
    const value = values[field];
    if (value === undefined || after.values[field] === value) continue;
    after.values[field] = value;
    changedFields.push(field);
  }
  const { customerId, contactName, contactEmail, contactPhone } = after.values;
  if (!customerId && !contactName && !contactEmail && !contactPhone) {
    throw badInput('A lead needs a customerId or at least one contact detail (name, e-mail or phone)', 'customerId');
  }
  if (!Object.values(LeadSource).includes(after.values.source as LeadSource)) throw badInput('source is needed', 'source');
  return { item, before, after, changedFields };
}

/** The leads these keys name already, locked until the upsert commits. */
async function readLeads(tx: EntityManager, items: Prepared[]): Promise<Map<string, LeadRow>> {
  if (items.length === 0) return new Map();
  const rows = await tx.execute<Array<Record<string, unknown>>>(
    `select id, version, source_system, external_id, ${COLUMNS} from sales_lead
     where (source_system, external_id) in (select * from unnest(?::text[], ?::text[])) order by id for update`,
    [pgArray(items.map((i) => i.sourceSystem)), pgArray(items.map((i) => i.externalId))],
  );
  return new Map(
    rows.map((row) => [
      partnerKey(row.source_system as string, row.external_id as string),
      {
        id: row.id as string,
        version: Number(row.version),
        values: Object.fromEntries(
          FIELDS.map(([field, column]) => {
            const value = row[column];
            return [field, value instanceof Date ? value.toISOString() : field === 'score' ? Number(value) : ((value as string | null) ?? null)];
          }),
        ) as LeadRow['values'],
      },
    ]),
  );
}

const asRecord = (plan: Plan) => ({
  id: plan.after.id,
  source_system: plan.item.sourceSystem,
  external_id: plan.item.externalId,
  ...Object.fromEntries(FIELDS.map(([field, column]) => [column, plan.after.values[field]])),
});

async function write(tx: EntityManager, plans: Plan[]): Promise<UpsertLeadsResult> {
  const created = plans.filter((p) => !p.before);
  const changed = plans.filter((p) => p.before && p.changedFields.length > 0);
  const at = new Date().toISOString();
  if (created.length > 0) await tx.execute(INSERT, [at, at, JSON.stringify(created.map(asRecord))]);
  if (changed.length > 0) await tx.execute(UPDATE, [at, JSON.stringify(changed.map(asRecord))]);
  const versions = new Map<string, number>();
  const events: DomainEvent[] = [];
  for (const plan of plans) {
    const { id, values } = plan.after;
    const customerId = (values.customerId as string | null) ?? null;
    const ownerId = (values.ownerId as string | null) ?? null;
    if (!plan.before) {
      versions.set(id, 1);
      events.push({
        type: 'LeadCreated',
        aggregateId: id,
        payload: {
          leadId: id,
          source: values.source as string,
          customerId,
          ownerId,
          interest: (values.interest as string | null) ?? null,
          interestProductId: null,
          requestedAppointment: (values.requestedAppointment as string | null) ?? null,
          score: (values.score as number | null) ?? 0,
        },
      });
    } else if (plan.changedFields.length > 0) {
      versions.set(id, plan.after.version + 1);
      events.push({ type: 'LeadChanged', aggregateId: id, payload: { leadId: id, customerId, changedFields: plan.changedFields, ownerId } });
    }
  }
  await recordEvents(tx, events, versions);
  const items = plans.map((plan) => ({
    index: plan.item.index,
    id: plan.after.id,
    outcome: !plan.before ? UpsertOutcome.CREATED : plan.changedFields.length > 0 ? UpsertOutcome.UPDATED : UpsertOutcome.UNCHANGED,
  }));
  return upsertAnswer(items);
}
