import { readFile } from 'node:fs/promises';
import { describe, expect, it } from '@jest/globals';
import { permissionTable } from '../subgraphs/kit/access/permissions.js';

describe('the README', () => {
  it('shows the roles and permissions the code enforces', async () => {
    expect(await readFile('README.md', 'utf8')).toContain(permissionTable());
  });
});
