import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { systemViewer } from '@crm/kit/access/viewer.js';
import { mutation, outboxOf, refusal } from '../../../tests/helpers/integration.js';
import { type Case } from '../src/modules/case/case.entity.js';
import { CaseCategory, CaseChannel, CaseOrder, CasePriority } from '../src/modules/case/case.enums.js';
import { casesAtRiskPage, casesPage } from '../src/modules/case/case.queries.js';
import { getCase, openCase, updateCase } from '../src/modules/case/case.service.js';
import { contractTierOf, setServiceContract } from '../src/modules/contract/service-contract.service.js';
import { flagCasesAtRisk } from '../src/modules/sla/sla-risk.service.js';
import { ServiceContractTier } from '../src/modules/sla/sla.policy.js';
import { freshServiceDatabase } from './database.js';

let orm: MikroORM;
let drop: () => Promise<void>;
beforeAll(async () => {
  ({ orm, drop } = await freshServiceDatabase());
});
afterAll(() => drop());

/** A unit of work of its own for reads, as each request gets; `write` runs a change as the API runs a mutation. */
const em = () => orm.em.fork();
const write = <T>(change: (em: EntityManager) => Promise<T>) => mutation(orm, change);
const desk = systemViewer('test');
const MINUTE = 60_000;

const open = (customerId: string, priority: CasePriority) =>
  write((em) => openCase(em, { customerId, subject: `${priority} question`, channel: CaseChannel.PHONE, category: CaseCategory.GENERAL, priority }));

/** The case's deadlines, in minutes after it was opened. */
const deadlines = (found: Case) => [
  (found.firstResponseDueAt.getTime() - found.createdAt.getTime()) / MINUTE,
  (found.resolutionDueAt.getTime() - found.createdAt.getTime()) / MINUTE,
];

describe('SLA risk', () => {
  // First in the file: the flagging job looks at every case of the database.
  it('flags each deadline coming due within the window once, lists the cases at risk, and filters those breaching by a time', async () => {
    const customerId = randomUUID();
    await write((em) => setServiceContract(em, { customerId, tier: ServiceContractTier.ENTERPRISE }));
    const urgent = await open(customerId, CasePriority.URGENT); // responds in 10 minutes, resolves in 2 hours
    const low = await open(customerId, CasePriority.LOW); // 4 hours, 2 days
    const now = new Date(urgent.createdAt.getTime() + MINUTE);

    expect(await flagCasesAtRisk(em(), now, 30)).toBe(1);
    expect(await flagCasesAtRisk(em(), now, 30)).toBe(0);
    const flagged = (await outboxOf(orm, urgent.id)).filter((e) => e.type === 'CaseSlaAtRisk');
    expect(flagged.map((e) => e.payload)).toEqual([
      expect.objectContaining({ deadline: 'FIRST_RESPONSE', dueAt: urgent.firstResponseDueAt.toISOString(), windowMinutes: 30 }),
    ]);
    expect(await flagCasesAtRisk(em(), now, 3 * 60)).toBe(1); // the resolution now falls within the window too
    expect((await outboxOf(orm, low.id)).filter((e) => e.type === 'CaseSlaAtRisk')).toEqual([]);

    const atRisk = await casesAtRiskPage(em(), 30, desk, {});
    expect(atRisk.edges.map((e) => e.node.id)).toContain(urgent.id);
    expect(atRisk.edges.map((e) => e.node.id)).not.toContain(low.id);
    expect((await refusal(casesAtRiskPage(em(), 0, desk, {}))).code).toBe('BAD_USER_INPUT');

    const breachingBy = async (at: Date) =>
      (await casesPage(em(), { breachingBefore: at }, CaseOrder.FIRST_RESPONSE_DUE_SOONEST, desk, { first: 50 })).edges.map((e) => e.node.id);
    const soon = await breachingBy(new Date(urgent.createdAt.getTime() + 11 * MINUTE));
    expect(soon).toContain(urgent.id);
    expect(soon).not.toContain(low.id);
    expect(await breachingBy(new Date(low.createdAt.getTime() + 5 * 60 * MINUTE))).toEqual(expect.arrayContaining([urgent.id, low.id]));
  });
});

describe('SLA deadlines', () => {
  it("run from the opening by the customer's contract tier and the priority; STANDARD without a contract", async () => {
    const [standard, premium, enterprise] = [randomUUID(), randomUUID(), randomUUID()];
    await write((em) => setServiceContract(em, { customerId: premium, tier: ServiceContractTier.PREMIUM }));
    await write((em) => setServiceContract(em, { customerId: enterprise, tier: ServiceContractTier.ENTERPRISE }));
    expect(await contractTierOf(em(), standard)).toBe('STANDARD');

    const expected: Array<[string, CasePriority, ServiceContractTier, number[]]> = [
      [standard, CasePriority.URGENT, ServiceContractTier.STANDARD, [60, 8 * 60]],
      [standard, CasePriority.LOW, ServiceContractTier.STANDARD, [24 * 60, 5 * 24 * 60]],
      [premium, CasePriority.URGENT, ServiceContractTier.PREMIUM, [15, 4 * 60]],
      [premium, CasePriority.NORMAL, ServiceContractTier.PREMIUM, [4 * 60, 24 * 60]],
      [enterprise, CasePriority.URGENT, ServiceContractTier.ENTERPRISE, [10, 2 * 60]],
      [enterprise, CasePriority.HIGH, ServiceContractTier.ENTERPRISE, [30, 4 * 60]],
    ];
    for (const [customerId, priority, tier, minutes] of expected) {
      const found = await open(customerId, priority);
      expect([found.contractTier, ...deadlines(found)]).toEqual([tier, ...minutes]);
      expect((await outboxOf(orm, found.id))[0]?.payload).toMatchObject({
        firstResponseDueAt: found.firstResponseDueAt.toISOString(),
        resolutionDueAt: found.resolutionDueAt.toISOString(),
      });
    }
  });

  it('keeps the terms a case was opened with when the contract changes; a new priority sets new deadlines from the opening', async () => {
    const customerId = randomUUID();
    const before = await open(customerId, CasePriority.NORMAL);
    const contract = await write((em) => setServiceContract(em, { customerId, tier: ServiceContractTier.ENTERPRISE }));
    await write((em) => setServiceContract(em, { customerId, tier: ServiceContractTier.PREMIUM }));
    expect((await outboxOf(orm, contract.id)).map((e) => [e.payload.tier, e.payload.previousTier])).toEqual([
      ['ENTERPRISE', null],
      ['PREMIUM', 'ENTERPRISE'],
    ]);
    expect(deadlines(await getCase(em(), before.id))).toEqual([8 * 60, 3 * 24 * 60]);

    const raised = await write((em) => updateCase(em, before.id, before.version, { priority: CasePriority.URGENT }, desk));
    // STANDARD terms, as the case was opened with: URGENT is 1 hour to respond, 8 to resolve.
    expect([raised.contractTier, ...deadlines(raised)]).toEqual(['STANDARD', 60, 8 * 60]);
    const changed = (await outboxOf(orm, before.id)).at(-1);
    expect(changed).toMatchObject({
      type: 'CaseChanged',
      payload: {
        changedFields: ['priority'],
        firstResponseDueAt: raised.firstResponseDueAt.toISOString(),
        resolutionDueAt: raised.resolutionDueAt.toISOString(),
      },
    });
    expect((await open(customerId, CasePriority.NORMAL)).contractTier).toBe('PREMIUM');
    expect((await refusal(write((em) => setServiceContract(em, { customerId: 'nobody', tier: ServiceContractTier.PREMIUM })))).code).toBe('BAD_USER_INPUT');
  });
});
