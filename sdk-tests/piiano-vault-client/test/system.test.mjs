import { test } from 'node:test';
import assert from 'node:assert/strict';
import { admin } from './env.mjs';

test('health and version answer as Piiano Vault does', async () => {
  const c = admin();
  assert.deepEqual(await c.system.dataHealth(), { status: 'pass' });
  assert.deepEqual(await c.system.controlHealth(), { status: 'pass' });
  const v = await c.system.getVaultVersion();
  assert.equal(typeof v.vault_version, 'string');
  assert.equal(typeof v.db_schema_version, 'number');
});
