import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { exportPersonalData } from '@crm/kit/privacy.js';
import { useFreshIdentityDatabase } from './database.js';

// The right of access's document (kit/privacy.ts exportPersonalData, every subgraph's part): a file a person's rows
// hold (a quote's PDF in sales) came out as { "type": "Buffer", "data": [37, 80, …] }, a list of numbers per byte.

const { em } = useFreshIdentityDatabase();

describe('a personal data export', () => {
  it("gives a file's bytes as base64 text, and every other value as it is", async () => {
    const connection = em().getConnection();
    await connection.execute('create table export_probe (id uuid primary key, customer_id uuid not null, note text, file bytea)');
    const customerId = randomUUID();
    const pdf = Buffer.from('%PDF-1.7 nabídka pro zákazníka');
    await connection.execute('insert into export_probe values (?, ?, ?, ?)', [randomUUID(), customerId, 'poznámka', pdf]);
    const exported = await exportPersonalData(em(), [{ table: 'export_probe', rowsOf: 'customer_id = any(?::uuid[])', erase: 'delete' }], [customerId]);
    expect(exported.export_probe).toEqual([expect.objectContaining({ customer_id: customerId, note: 'poznámka', file: pdf.toString('base64') })]);
    expect(JSON.stringify(exported)).not.toContain('"type":"Buffer"');
  });
});
