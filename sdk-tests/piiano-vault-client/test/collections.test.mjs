import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VaultClient } from '@piiano/vault-client';
import { admin, customers, refused, unique, url } from './env.mjs';

test('collections: add, list, get (JSON and PVSchema), add properties, delete', async () => {
  const c = admin();
  const name = unique('people');
  const created = await customers(c, name);
  assert.equal(created.name, name);
  assert.equal(created.type, 'PERSONS');
  const ssn = created.properties.find((p) => p.name === 'ssn');
  assert.equal(ssn.data_type_name, 'SSN');
  assert.equal(ssn.is_unique, true);

  const all = await c.collections.listCollections();
  assert.ok(all.some((col) => col.name === name));

  const got = await c.collections.getCollection({ collection: name.toUpperCase(), options: ['show_builtins'] });
  assert.ok(got.properties.some((p) => p.name === '_id' && p.is_builtin));
  const schema = await c.collections.getCollection({ collection: name, format: 'pvschema' });
  assert.match(schema, new RegExp(`^${name} PERSONS \\(`));

  const orders = unique('orders');
  const fromSchema = await c.collections.addCollection({
    format: 'pvschema',
    requestBody: `${orders} DATA ( total DOUBLE, note STRING NULL );`,
  });
  assert.match(JSON.stringify(fromSchema), /total/);

  const patched = await c.collections.updateCollection({
    collection: name,
    requestBody: { name, type: 'PERSONS', properties: [{ name: 'phone', data_type_name: 'PHONE_NUMBER', is_nullable: true }] },
  });
  assert.ok(patched.properties.some((p) => p.name === 'phone'));

  await c.collections.deleteCollection({ collection: orders });
  await refused(c.collections.getCollection({ collection: orders }), 404, 'PV1004');
});

test('collections: bad names and unknown types are refused with Piiano error codes', async () => {
  const c = admin();
  await refused(
    c.collections.addCollection({ requestBody: { name: '1bad name', type: 'PERSONS', properties: [] } }),
    400,
    'PV1003',
  );
  await refused(
    c.collections.addCollection({
      requestBody: { name: unique('x'), type: 'PERSONS', properties: [{ name: 'a', data_type_name: 'NOPE' }] },
    }),
    400,
    'PV1003',
  );
  const wrong = new VaultClient({ vaultURL: url, apiKey: 'tvk_not_a_key' });
  await refused(wrong.collections.listCollections(), 401, 'PV1005');
});
