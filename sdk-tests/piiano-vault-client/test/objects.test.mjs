import { test } from 'node:test';
import assert from 'node:assert/strict';
import { admin, customers, reason, refused, unique } from './env.mjs';

test('objects: add, bulk add, list with props and masks, get, search, update, count, delete', async () => {
  const c = admin();
  const collection = unique('customers');
  await customers(c, collection);
  const one = await c.objects.addObject({
    collection,
    reason,
    requestBody: { ssn: '123-45-6789', email: 'john@gmail.com', card: '4111 1111 1111 1111' },
  });
  assert.match(one.id, /^[0-9a-f-]{36}$/);

  const bulk = await c.objects.addObjects({
    collection,
    reason,
    requestBody: [
      { ssn: '234-56-7890', email: 'ann@example.com' },
      { ssn: '345-67-8901', email: 'bob@example.com' },
    ],
  });
  assert.equal(bulk.ok, true);
  assert.equal(bulk.results.length, 2);
  assert.ok(bulk.results.every((r) => r.ok && r.id));

  const page = await c.objects.listObjects({ collection, reason, props: ['email.mask', 'ssn'], pageSize: 2 });
  assert.equal(page.results.length, 2);
  assert.equal(page.results[0]['email.mask'], 'j***@gmail.com');
  assert.equal(page.results[0].ssn, '123-45-6789');
  assert.ok(page.paging.cursor);
  const next = await c.objects.listObjects({ collection, reason, props: ['ssn'], cursor: page.paging.cursor });
  assert.equal(next.results.length, 1);
  assert.equal(next.paging.cursor, '');

  const got = await c.objects.getObjectById({ collection, id: one.id, reason, props: ['card.mask'] });
  assert.deepEqual(got, { 'card.mask': '**** **** **** 1111' });
  const everything = await c.objects.getObjectById({ collection, id: one.id, reason, options: ['unsafe'] });
  assert.equal(everything.card, '4111111111111111');

  const found = await c.objects.searchObjects({
    collection,
    reason,
    props: ['email'],
    requestBody: { match: { ssn: '234 56 7890' } },
  });
  assert.deepEqual(found.results, [{ email: 'ann@example.com' }]);

  await c.objects.updateObjectById({ collection, id: one.id, reason, requestBody: { email: 'john@new.example' } });
  const updated = await c.objects.getObjectById({ collection, id: one.id, reason, props: ['email'] });
  assert.equal(updated.email, 'john@new.example');

  assert.deepEqual(await c.objects.getObjectsCount({ collection, reason }), { active: 3, archived: 0, total: 3 });
  await c.objects.deleteObjectById({ collection, id: one.id, reason });
  await refused(c.objects.getObjectById({ collection, id: one.id, reason, props: ['ssn'] }), 404, 'PV1013');
  assert.deepEqual(await c.objects.getObjectsCount({ collection, reason }), { active: 2, archived: 1, total: 3 });
});

test('objects: values are validated, reasons required, unique values enforced', async () => {
  const c = admin();
  const collection = unique('customers');
  await customers(c, collection);
  await refused(c.objects.addObject({ collection, reason, requestBody: { ssn: 'not an ssn' } }), 400, 'PV1003');
  await refused(
    c.objects.addObject({ collection, reason, requestBody: { ssn: '123-45-6789', card: '4111 1111 1111 1112' } }),
    400,
    'PV1003',
  );
  await refused(c.objects.addObject({ collection, reason: undefined, requestBody: { ssn: '123-45-6789' } }), 400, 'PV1001');
  await refused(
    c.objects.addObject({ collection, reason: 'Other', requestBody: { ssn: '123-45-6789' } }),
    400,
    'PV1001',
  );
  await c.objects.addObject({ collection, reason: 'Other', adhocReason: 'migration', requestBody: { ssn: '123-45-6789' } });
  await refused(c.objects.addObject({ collection, reason, requestBody: { ssn: '123-45-6789' } }), 409, 'PV1010');
});
