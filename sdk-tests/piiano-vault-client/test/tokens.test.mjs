import { test } from 'node:test';
import assert from 'node:assert/strict';
import { admin, customers, reason, refused, unique } from './env.mjs';

async function setup() {
  const c = admin();
  const collection = unique('customers');
  await customers(c, collection);
  const { id } = await c.objects.addObject({
    collection,
    reason,
    requestBody: { ssn: '123-45-6789', email: 'john@gmail.com', card: '5500 0000 0000 0004' },
  });
  return { c, collection, id };
}

test('tokens: tokenize, detokenize, search, update, rotate, count, delete', async () => {
  const { c, collection, id } = await setup();
  const made = await c.tokens.tokenize({
    collection,
    reason,
    expirationSecs: '3600',
    requestBody: [
      { type: 'randomized', object: { id }, props: ['ssn', 'email'], tags: ['support'] },
      { type: 'deterministic', object: { id }, props: ['email'] },
      { type: 'deterministic', object: { id }, props: ['email'] },
      { type: 'pointer', object: { id }, props: ['email'] },
      { type: 'randomized', object: { fields: { email: 'inline@example.com' } } },
    ],
  });
  assert.equal(made.length, 5);
  const [value, det1, det2, pointer, inline] = made.map((t) => t.token_id);
  assert.equal(det1, det2, 'deterministic tokens reuse their id');
  assert.notEqual(value, det1);

  const out = await c.tokens.detokenize({ collection, reason, tokenIds: [value, inline] });
  assert.deepEqual(out[0], { token_id: value, fields: { ssn: '123-45-6789', email: 'john@gmail.com' } });
  assert.deepEqual(out[1].fields, { email: 'inline@example.com' });

  await c.objects.updateObjectById({ collection, id, reason, requestBody: { email: 'john@new.example' } });
  const [v, p] = await c.tokens.detokenize({ collection, reason, tokenIds: [value, pointer], props: ['email'] });
  assert.equal(v.fields.email, 'john@gmail.com', 'a randomized token keeps the value at creation');
  assert.equal(p.fields.email, 'john@new.example', 'a pointer token reads the object now');

  const withMeta = await c.tokens.detokenize({ collection, reason, tokenIds: [value], options: ['include_metadata'] });
  assert.equal(withMeta[0].metadata.type, 'randomized');
  assert.deepEqual(withMeta[0].metadata.tokens[0].tags, ['support']);
  assert.equal(withMeta[0].metadata.tokens[0].object_id, id);

  const tagged = await c.tokens.searchTokens({ collection, reason, requestBody: { tags: ['support'] } });
  assert.deepEqual(tagged.map((m) => m.token_id), [value]);
  await c.tokens.updateTokens({ collection, reason, tokenIds: [value], requestBody: { tags: ['billing'] } });
  assert.deepEqual(await c.tokens.searchTokens({ collection, reason, requestBody: { tags: ['support'] } }), []);

  const rotated = await c.tokens.rotateTokens({ collection, reason, tokenIds: [value] });
  const fresh = rotated[value];
  assert.ok(fresh && fresh !== value);
  await refused(c.tokens.detokenize({ collection, reason, tokenIds: [value] }), 404, 'PV3087');
  assert.equal((await c.tokens.detokenize({ collection, reason, tokenIds: [fresh] }))[0].fields.ssn, '123-45-6789');

  assert.deepEqual(await c.tokens.getTokensCount({ collection, reason }), { active: 4, archived: 0, total: 4 });
  await c.tokens.deleteTokens({ collection, reason, tokenIds: [fresh] });
  await refused(c.tokens.detokenize({ collection, reason, tokenIds: [fresh] }), 404, 'PV3087');
  const archived = await c.tokens.searchTokens({ collection, reason, options: ['archived'], requestBody: { token_ids: [fresh] } });
  assert.equal(archived.length, 1);
  await c.tokens.deleteTokens({ collection, reason, tokenIds: [fresh], options: ['hard_delete'] });
  await refused(c.tokens.deleteTokens({ collection, reason, tokenIds: [fresh] }), 404, 'PV3009');

  // A deleted object's tokens stop working.
  await c.objects.deleteObjectById({ collection, id, reason });
  await refused(c.tokens.detokenize({ collection, reason, tokenIds: [pointer] }), 404, 'PV3087');
});

test('tokens: PAN template, one-way tokens, all or none, bad input', async () => {
  const { c, collection, id } = await setup();
  const [pan] = await c.tokens.tokenize({
    collection,
    reason,
    requestBody: [{ type: 'pci', object: { id }, props: ['card'], fptemplate: 'primary_account_number', fpprops: ['card'] }],
  });
  assert.match(pan.token_id, /^550000\d{6}0004$/);
  const [oneway] = await c.tokens.tokenize({
    collection,
    reason,
    requestBody: [{ type: 'pci_oneway', object: { id }, props: ['card'] }],
  });
  await refused(c.tokens.detokenize({ collection, reason, tokenIds: [oneway.token_id] }), 400, 'PV1003');
  await refused(
    c.tokens.tokenize({
      collection,
      reason,
      requestBody: [
        { type: 'randomized', object: { id }, props: ['ssn'] },
        { type: 'randomized', object: { id: '018bcfe5-6800-7000-8000-000000000000' }, props: ['ssn'] },
      ],
    }),
    404,
    'PV1013',
  );
  assert.deepEqual(await c.tokens.getTokensCount({ collection, reason }), { active: 2, archived: 0, total: 2 });
  await refused(
    c.tokens.tokenize({
      collection,
      reason,
      requestBody: [{ type: 'randomized', object: { id }, props: ['ssn'], tags: Array.from({ length: 11 }, (_, i) => `t${i}`) }],
    }),
    400,
    'PV1003',
  );
  await refused(
    c.tokens.tokenize({ collection, reason, requestBody: [{ type: 'randomized', object: { id }, props: ['nope'] }] }),
    400,
    'PV1003',
  );
  await refused(
    c.tokens.tokenize({ collection: unique('missing'), reason, requestBody: [{ type: 'randomized', object: { id }, props: ['ssn'] }] }),
    404,
    'PV1004',
  );
});
