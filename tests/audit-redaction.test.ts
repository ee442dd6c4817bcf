import { describe, expect, it } from '@jest/globals';
import { MetadataStorage } from '@mikro-orm/core';
import type { PersonalTable } from '@crm/kit/privacy.js';
import { redactedInAudit } from '@crm/kit/access/personal-data.js';
import { SOURCE_CODES } from '@crm/kit/erasure.js';
import { identityPersonalData } from '../subgraphs/identity/src/modules/privacy/privacy.tables.js';
import { salesPersonalData } from '../subgraphs/sales/src/modules/privacy/privacy.tables.js';
import { servicePersonalData } from '../subgraphs/service/src/modules/privacy/privacy.tables.js';
import { marketingPersonalData } from '../subgraphs/marketing/src/modules/privacy/privacy.tables.js';
// The entities (and the modules that mark their fields for the audit log) of the tables an erasure blanks.
import '../subgraphs/identity/src/modules/customer/customer.entity.js';
import '../subgraphs/sales/src/modules/activity/activity.entity.js';
import { LeadSource } from '../subgraphs/sales/src/modules/lead/lead.entity.js';
import '../subgraphs/sales/src/modules/intake/intake.service.js';
import '../subgraphs/sales/src/modules/opportunity/opportunity.entity.js';
import '../subgraphs/sales/src/modules/quote/quote.entity.js';
import '../subgraphs/service/src/modules/asset/asset.entity.js';
import '../subgraphs/service/src/modules/asset/service-visit.entity.js';
import '../subgraphs/service/src/modules/case/case.entity.js';
import '../subgraphs/service/src/modules/message/case-message.entity.js';
import '../subgraphs/marketing/src/modules/messaging/message-send.entity.js';
import '../subgraphs/marketing/src/modules/sequence/sequence.entity.js';

// ADR 8: what an erasure blanks in a row it keeps must never have been copied into the append-only audit log, where
// no erasure reaches. (Customer.industry was blanked by the erasure but written to the audit log.)
const WHEN = new Set(['archived_at', 'erased_at']); // when it was archived or erased: no data of the person

const camel = (column: string) => column.replace(/_([a-z])/g, (_match, letter: string) => letter.toUpperCase());

describe('the audit log', () => {
  it('redacts every column an erasure blanks', () => {
    const entities = Object.values(MetadataStorage.getMetadata());
    const tables = [...identityPersonalData, ...salesPersonalData, ...servicePersonalData, ...marketingPersonalData];
    const blanked = tables.flatMap((table: PersonalTable) => {
      const erase = table.erase;
      if (typeof erase !== 'object' || !('set' in erase)) return [];
      const entity = entities.find((meta) => meta.tableName === table.table || meta.collection === table.table);
      expect({ table: table.table, entity: entity?.className }).toEqual({ table: table.table, entity: expect.any(String) });
      return Object.keys(erase.set)
        .filter((column) => !WHEN.has(column))
        .map((column) => `${entity!.className}.${camel(column)}`);
    });
    expect(blanked.length).toBeGreaterThan(20);
    expect(blanked.filter((field) => !redactedInAudit(...(field.split('.') as [string, string])))).toEqual([]);
  });
});

describe("an erased person's events", () => {
  it("keep a lead's source as a code (every LeadSource), erasing any other source as free text", () => {
    expect(Object.values(LeadSource).filter((source) => !SOURCE_CODES.has(source))).toEqual([]);
  });
});
