import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VaultClient } from '@piiano/vault-client';
import { admin, customers, reason, refused, unique, url, userKey } from './env.mjs';

test('IAM: the TOML configuration decides capabilities and data access; keys regenerate', async () => {
  const c = admin();
  const collection = unique('customers');
  await customers(c, collection);
  const { id } = await c.objects.addObject({ collection, reason, requestBody: { ssn: '123-45-6789', email: 'john@gmail.com' } });

  const conf = await c.iam.getIamConf();
  assert.equal(typeof conf, 'string');
  assert.match(conf, /CapSystem/);
  await c.iam.setIamConf({
    requestBody: `${conf}
[users.analyst]
role = "Analyst"

[roles.Analyst]
capabilities = ["CapDataReader", "CapTokensWriter"]
policies = ["ReadEmails", "NoSsn"]

[policies.ReadEmails]
policy_type = "allow"
operations = ["read", "tokenize"]
reasons = ["Analytics"]
resources = ["${collection}/*"]

[policies.NoSsn]
policy_type = "deny"
operations = ["read"]
resources = ["*/ssn"]
`,
  });
  assert.match(await c.iam.getIamConf(), /\[users\.analyst\]/);

  const analyst = new VaultClient({ vaultURL: url, apiKey: await userKey('analyst') });
  const ok = await analyst.objects.getObjectById({ collection, id, reason: 'Analytics', props: ['email'] });
  assert.deepEqual(ok, { email: 'john@gmail.com' });
  await refused(analyst.objects.getObjectById({ collection, id, reason: 'Analytics', props: ['ssn'] }), 403, 'PV1006');
  await refused(analyst.objects.getObjectById({ collection, id, reason: 'Marketing', props: ['email'] }), 403, 'PV1006');
  await refused(analyst.collections.listCollections(), 403, 'PV1007');
  await refused(analyst.tokens.detokenize({ collection, reason: 'Analytics', objectIds: [id] }), 403, 'PV1007');

  const regen = await c.iam.regenerateUserApiKey({ requestBody: { name: 'analyst' } });
  assert.equal(typeof regen.api_key, 'string');
  await refused(analyst.objects.getObjectById({ collection, id, reason: 'Analytics', props: ['email'] }), 401, 'PV1005');
  const renewed = new VaultClient({ vaultURL: url, apiKey: regen.api_key });
  assert.deepEqual(await renewed.objects.getObjectById({ collection, id, reason: 'Analytics', props: ['email'] }), {
    email: 'john@gmail.com',
  });

  await refused(c.iam.setIamConf({ requestBody: 'not [valid toml' }), 400, 'PV1003');
});
