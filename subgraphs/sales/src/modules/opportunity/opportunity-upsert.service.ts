import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ownerFor } from '@crm/kit/access/row-scope.js';
import { ownsRow, type Viewer } from '@crm/kit/access/viewer.js';
import { keyedItems, lockPartnerKeys, partnerKey, upsertAnswer, UpsertOutcome, type KeyedItem } from '@crm/kit/bulk.js';
import { liveCustomerIds } from '@crm/kit/customer-aliases.js';
import { archived, badInput } from '@crm/kit/errors.js';
import { recordEvents, type DomainEvent } from '@crm/kit/events.js';
import { parseId } from '@crm/kit/ids.js';
import { requireNonNegative } from '@crm/kit/scalars.js';
import { executeBound } from '@crm/kit/sql.js';
import { cents } from '../../money.js';
import { Pipeline, Stage } from '../pipeline/pipeline.entity.js';
import { resolvePipeline } from '../pipeline/pipeline.service.js';
import { acceptedQuoteOf } from '../quote/quote.accepted.js';
import { closeFollowUps } from './opportunity.closing.js';
import { OpportunityStatus } from './opportunity.entity.js';
import { opportunitySnapshot, type OpportunityState } from './opportunity.events.js';
import { toIsoDate } from './opportunity.service.js';
import type { UpsertOpportunitiesResult, UpsertOpportunityInput } from './opportunity-upsert.inputs.js';

/** What an upsert may change, named as updateOpportunity names them in OpportunityChanged's changedFields. */
const FIELDS = ['title', 'amount', 'currency', 'ownerId', 'expectedCloseDate', 'probabilityOverride'] as const;
type Field = (typeof FIELDS)[number];

interface OpportunityRow extends OpportunityState {
  version: number;
  title: string;
  expectedCloseDate: string | null;
  probabilityOverride: number | null;
  archivedAt: Date | null;
}

interface Prepared extends KeyedItem {
  input: UpsertOpportunityInput;
  /** The fields the item sets, already in their stored form. */
  values: Partial<Pick<OpportunityRow, Field>>;
}

interface Plan {
  item: Prepared;
  before: OpportunityRow | null;
  after: OpportunityRow;
  changedFields: Field[];
  /** The stage it leaves, when the item moves it. */
  movedFrom: string | null;
}

const RECORD = `r(id uuid, customer_id uuid, title text, pipeline_id uuid, stage_id uuid, status text, probability_override int,
  amount numeric, currency text, owner_id uuid, expected_close_date date, source_system text, external_id text)`;
// Timestamps come from the application, in milliseconds as the ORM writes them (list cursors carry milliseconds).
const INSERT = `insert into opportunity (id, created_at, updated_at, version, customer_id, title, pipeline_id, stage_id, status,
    probability_override, amount, currency, owner_id, expected_close_date, source_system, external_id)
  select id, $1::timestamptz, $1::timestamptz, 1, customer_id, title, pipeline_id, stage_id, status::opportunity_status,
    probability_override, amount, currency, owner_id, expected_close_date, source_system, external_id
  from jsonb_to_recordset($2::jsonb) as ${RECORD}`;
// The rows were read `for update` in this transaction: the version they had is the one they have.
const UPDATE = `update opportunity o set updated_at = $1::timestamptz, version = o.version + 1, title = r.title, stage_id = r.stage_id,
    status = r.status::opportunity_status, probability_override = r.probability_override, amount = r.amount, currency = r.currency,
    owner_id = r.owner_id, expected_close_date = r.expected_close_date
  from jsonb_to_recordset($2::jsonb) as ${RECORD} where o.id = r.id`;
const INSERT_STAGE_CHANGES = `insert into opportunity_stage_change (id, created_at, updated_at, version, opportunity_id, from_stage_id, to_stage_id, changed_by)
  select id, $1::timestamptz, $1::timestamptz, 1, opportunity_id, from_stage_id, to_stage_id, $2
  from jsonb_to_recordset($3::jsonb) as r(id uuid, opportunity_id uuid, from_stage_id uuid, to_stage_id uuid)`;

/**
 * A partner's batch of opportunities (e.g. a dealer management system's deals), each found by sourceSystem +
 * externalId or created. As upsertLeads: every item is checked first and all problems are reported at once (nothing
 * written then); the writes are one statement per table for the batch, with the events the single mutations write
 * (OpportunityCreated; OpportunityChanged; OpportunityStageChanged, then OpportunityWon or OpportunityLost, whose
 * open follow-ups are closed as moveOpportunity closes them), in input order. A rep reaches only their teams' deals.
 */
export async function upsertOpportunities(em: EntityManager, inputs: UpsertOpportunityInput[], viewer: Viewer): Promise<UpsertOpportunitiesResult> {
  const { problems, valid } = keyedItems(inputs, 'opportunities', (input, index) => prepare(input, index, viewer));
  return em.transactional(async (tx) => {
    await lockPartnerKeys(tx, 'opportunity-upsert', valid);
    const existing = await readOpportunities(tx, valid);
    const customers = await liveCustomerIds(
      tx,
      valid.flatMap((item) => (item.input.customerId ? [item.input.customerId] : [])),
    );
    const pipelines = await Pipelines.read(tx, valid);
    const plans = valid.flatMap((item) => {
      const before = existing.get(partnerKey(item.sourceSystem, item.externalId)) ?? null;
      const plan = problems.check(item.index, () => planOne(item, before, customers, pipelines, viewer));
      return plan ? [plan] : [];
    });
    problems.throwIfAny(inputs.length, 'opportunities');
    return write(tx, plans, pipelines, viewer);
  });
}

function prepare(input: UpsertOpportunityInput, index: number, viewer: Viewer): Prepared {
  const sourceSystem = input.sourceSystem.trim();
  const externalId = input.externalId.trim();
  if (!sourceSystem) throw badInput('sourceSystem must not be empty', 'sourceSystem');
  if (!externalId) throw badInput('externalId must not be empty', 'externalId');
  const values: Prepared['values'] = {};
  if (input.title === null) throw badInput('title cannot be cleared', 'title');
  if (input.title !== undefined) {
    values.title = input.title.trim();
    if (!values.title) throw badInput('title must not be empty', 'title');
  }
  if (input.amount === null) throw badInput('amount cannot be cleared', 'amount');
  if (input.amount !== undefined) {
    requireNonNegative(input.amount, 'amount');
    values.amount = cents(input.amount.amount);
    values.currency = input.amount.currency;
  }
  // As upsertLeads: null gives it to the caller, for a rep (their deals must stay theirs to see), or to no one.
  if (input.ownerId !== undefined) values.ownerId = ownerFor(viewer, input.ownerId);
  if (input.expectedCloseDate !== undefined) values.expectedCloseDate = toIsoDate(input.expectedCloseDate);
  if (input.probability !== undefined) values.probabilityOverride = input.probability;
  if (input.customerId) parseId(input.customerId, 'Customer', 'customerId');
  if (input.pipelineId) parseId(input.pipelineId, 'Pipeline', 'pipelineId');
  if (input.stageId) parseId(input.stageId, 'Stage', 'stageId');
  return { index, sourceSystem, externalId, input, values };
}

/** Every pipeline and stage the batch may name (a dealer has a few), read once. */
class Pipelines {
  private constructor(
    private readonly pipelines: Map<string, Pipeline>,
    readonly stages: Map<string, Stage>,
    private readonly defaultId: string,
  ) {}

  static async read(tx: EntityManager, items: Prepared[]): Promise<Pipelines> {
    // The default pipeline is made from the template on first use, as createOpportunity makes it.
    const fallback = items.some((item) => !item.input.pipelineId) ? await resolvePipeline(tx) : null;
    await tx.flush();
    const [pipelines, stages] = await Promise.all([tx.find(Pipeline, {}), tx.find(Stage, {}, { orderBy: { pipelineId: 'asc', position: 'asc' } })]);
    return new Pipelines(new Map(pipelines.map((p) => [p.id, p])), new Map(stages.map((s) => [s.id, s])), fallback?.id ?? '');
  }

  pipeline(id: string | null | undefined): Pipeline {
    const pipeline = this.pipelines.get((id ?? this.defaultId).toLowerCase());
    if (!pipeline) throw badInput(`There is no pipeline ${id}`, 'pipelineId');
    return pipeline;
  }

  /** The stage an item names in `pipeline`, or undefined when it names none. */
  named(item: Prepared, pipeline: Pipeline): Stage | undefined {
    const { stageId, stage: name } = item.input;
    if (stageId) {
      const stage = this.stages.get(stageId.toLowerCase());
      if (!stage) throw badInput(`There is no stage ${stageId}`, 'stageId');
      if (stage.pipelineId !== pipeline.id) throw badInput(`Stage ${stage.id} is not a stage of pipeline "${pipeline.name}"`, 'stageId');
      return stage;
    }
    if (!name) return undefined;
    const stage = [...this.stages.values()].find((s) => s.pipelineId === pipeline.id && s.name.toLowerCase() === name.trim().toLowerCase());
    if (!stage) throw badInput(`Pipeline "${pipeline.name}" has no stage named "${name}"`, 'stage');
    return stage;
  }

  first(pipeline: Pipeline): Stage {
    const first = [...this.stages.values()].find((s) => s.pipelineId === pipeline.id);
    if (!first) throw badInput(`Pipeline "${pipeline.name}" has no stages`, 'pipelineId');
    return first;
  }

  stage(id: string): Stage {
    return this.stages.get(id)!;
  }
}

const statusOf = (stage: Stage): OpportunityStatus => (stage.isWon ? OpportunityStatus.WON : stage.isLost ? OpportunityStatus.LOST : OpportunityStatus.OPEN);

function planOne(item: Prepared, before: OpportunityRow | null, customers: Map<string, string>, pipelines: Pipelines, viewer: Viewer): Plan {
  const { input } = item;
  const customerId = input.customerId ? customers.get(input.customerId.toLowerCase())! : undefined;
  if (before) {
    const name = `Opportunity ${item.sourceSystem}:${item.externalId}`;
    if (!ownsRow(viewer, before.ownerId)) throw badInput(`${name} belongs to someone outside your teams`, 'externalId');
    if (before.archivedAt) throw archived('Opportunity', before.id, 'externalId');
    if (customerId && customerId !== before.customerId) throw badInput(`${name} is another customer's: its customer never changes`, 'customerId');
    if (input.pipelineId && input.pipelineId.toLowerCase() !== before.pipelineId) {
      throw badInput(`${name} is in another pipeline: its pipeline never changes`, 'pipelineId');
    }
  } else {
    if (!customerId) throw badInput('customerId is needed to create an opportunity', 'customerId');
    if (item.values.title === undefined) throw badInput('title is needed to create an opportunity', 'title');
    if (item.values.amount === undefined) throw badInput('amount is needed to create an opportunity', 'amount');
  }
  const pipeline = pipelines.pipeline(before?.pipelineId ?? input.pipelineId);
  const stage = pipelines.named(item, pipeline) ?? (before ? pipelines.stage(before.stageId) : pipelines.first(pipeline));
  const after: OpportunityRow = before
    ? { ...before }
    : {
        id: randomUUID(),
        version: 1,
        customerId: customerId!,
        pipelineId: pipeline.id,
        stageId: stage.id,
        status: statusOf(stage),
        title: '',
        amount: '0.00',
        currency: '',
        ownerId: ownerFor(viewer, null),
        expectedCloseDate: null,
        probabilityOverride: null,
        nextContactAt: null,
        archivedAt: null,
      };
  const changedFields = FIELDS.filter((field) => {
    const value = item.values[field];
    if (value === undefined || after[field] === value) return false;
    (after as unknown as Record<Field, unknown>)[field] = value;
    return true;
  });
  const movedFrom = before && stage.id !== before.stageId ? before.stageId : null;
  if (movedFrom) Object.assign(after, { stageId: stage.id, status: statusOf(stage) });
  return { item, before, after, changedFields, movedFrom };
}

/** The opportunities these keys name already, locked until the upsert commits. */
async function readOpportunities(tx: EntityManager, items: Prepared[]): Promise<Map<string, OpportunityRow>> {
  if (items.length === 0) return new Map();
  const rows = await executeBound<Record<string, unknown>>(
    tx,
    `select id, version, source_system, external_id, customer_id, pipeline_id, stage_id, status, title, amount::text as amount, currency,
       owner_id, expected_close_date::text as expected_close_date, probability_override, next_contact_at, archived_at
     from opportunity where (source_system, external_id) in (select * from unnest($1::text[], $2::text[])) order by id for update`,
    [items.map((i) => i.sourceSystem), items.map((i) => i.externalId)],
  );
  return new Map(
    rows.map((row) => [
      partnerKey(row.source_system as string, row.external_id as string),
      {
        id: row.id as string,
        version: Number(row.version),
        customerId: row.customer_id as string,
        pipelineId: row.pipeline_id as string,
        stageId: row.stage_id as string,
        status: row.status as OpportunityStatus,
        title: row.title as string,
        amount: row.amount as string,
        currency: (row.currency as string).trim(),
        ownerId: (row.owner_id as string | null) ?? null,
        expectedCloseDate: (row.expected_close_date as string | null) ?? null,
        probabilityOverride: row.probability_override === null ? null : Number(row.probability_override),
        nextContactAt: (row.next_contact_at as Date | null) ?? null,
        archivedAt: (row.archived_at as Date | null) ?? null,
      },
    ]),
  );
}

const asRecord = ({ item, after }: Plan) => ({
  id: after.id,
  customer_id: after.customerId,
  title: after.title,
  pipeline_id: after.pipelineId,
  stage_id: after.stageId,
  status: after.status,
  probability_override: after.probabilityOverride,
  amount: after.amount,
  currency: after.currency,
  owner_id: after.ownerId,
  expected_close_date: after.expectedCloseDate,
  source_system: item.sourceSystem,
  external_id: item.externalId,
});

async function write(tx: EntityManager, plans: Plan[], pipelines: Pipelines, viewer: Viewer): Promise<UpsertOpportunitiesResult> {
  const created = plans.filter((p) => !p.before);
  const changed = plans.filter((p) => p.before && (p.changedFields.length > 0 || p.movedFrom));
  const moved = plans.filter((p) => p.movedFrom);
  const at = new Date().toISOString();
  if (created.length > 0) await executeBound(tx, INSERT, [at, JSON.stringify(created.map(asRecord))]);
  if (changed.length > 0) await executeBound(tx, UPDATE, [at, JSON.stringify(changed.map(asRecord))]);
  const history = [
    ...created.map((p) => ({ id: randomUUID(), opportunity_id: p.after.id, from_stage_id: null, to_stage_id: p.after.stageId })),
    ...moved.map((p) => ({ id: randomUUID(), opportunity_id: p.after.id, from_stage_id: p.movedFrom, to_stage_id: p.after.stageId })),
  ];
  if (history.length > 0) await executeBound(tx, INSERT_STAGE_CHANGES, [at, viewer.id, JSON.stringify(history)]);

  const versions = new Map<string, number>();
  const events: DomainEvent[] = [];
  for (const plan of plans) {
    const { after } = plan;
    const snapshot = opportunitySnapshot(after, pipelines.stage(after.stageId));
    if (!plan.before) {
      versions.set(after.id, 1);
      events.push({ type: 'OpportunityCreated', aggregateId: after.id, payload: snapshot });
      continue;
    }
    if (plan.changedFields.length === 0 && !plan.movedFrom) continue;
    versions.set(after.id, after.version + 1);
    if (plan.changedFields.length > 0) {
      const values = Object.fromEntries(plan.changedFields.map((field) => [field, after[field]]));
      events.push({ type: 'OpportunityChanged', aggregateId: after.id, payload: { ...snapshot, changedFields: plan.changedFields, values } });
    }
    if (plan.movedFrom) {
      const move = { fromStageId: plan.movedFrom, toStageId: after.stageId, changedBy: viewer.id, followUpAt: null };
      events.push({ type: 'OpportunityStageChanged', aggregateId: after.id, payload: { ...snapshot, ...move } });
      if (after.status === OpportunityStatus.WON) {
        events.push({ type: 'OpportunityWon', aggregateId: after.id, payload: { ...snapshot, acceptedQuote: await acceptedQuoteOf(tx, after.id) } });
      }
      if (after.status === OpportunityStatus.LOST) events.push({ type: 'OpportunityLost', aggregateId: after.id, payload: snapshot });
    }
  }
  await recordEvents(tx, events, versions);
  // A deal it closed needs no more following up, as when moveOpportunity closes it (the transaction's flush writes them).
  for (const plan of moved) if (plan.after.status !== OpportunityStatus.OPEN) await closeFollowUps(tx, plan.after);

  return upsertAnswer(
    plans.map((plan) => ({
      index: plan.item.index,
      id: plan.after.id,
      outcome: !plan.before ? UpsertOutcome.CREATED : plan.changedFields.length > 0 || plan.movedFrom ? UpsertOutcome.UPDATED : UpsertOutcome.UNCHANGED,
    })),
  );
}
