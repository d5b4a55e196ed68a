import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import * as sdk from '../dist/esm/index.js';
import { startServer } from '../support/server.mjs';

const { TokenVault } = sdk;
let srv;
before(async () => { srv = await startServer(); });
after(() => srv.stop());

test('the seed 001 snippet runs with the names changed', async () => {
  const client = new TokenVault({ apiKey: srv.apiKey, jwt: srv.adminJwt, baseUrl: srv.baseUrl });
  const result = await client.tokenize({ items: [{ value: '123-45-6789', piiType: 'us_ssn' }], policyId: 'pol_hipaa' });
  const item = result.results[0];
  assert.equal(item.status, 'TOKENIZED');
  const grant = await client.createGrant({ tokenIds: [item.tokenId], purpose: 'customer_support', reason: 'Case #12345' });
  const plain = await client.detokenize({ tokens: [item.tokenId], grantJwt: grant.jwt });
  assert.equal(plain.results[0].value, '123-45-6789');
  await assert.rejects(client.detokenize({ tokens: [item.tokenId], grantJwt: grant.jwt }), (e) => {
    assert.ok(e instanceof sdk.GrantNonceReusedError);
    assert.equal(e.code, 'GRANT_NONCE_REUSED');
    assert.equal(e.retryable, false);
    assert.ok(e.traceId);
    return true;
  });
  assert.equal((await client.revoke(item.tokenId, 'GDPR')).status, 'revoked');
  assert.equal((await client.health()).status, 'ok');
  assert.ok((await client.usage()).tokensCreated >= 1);
});

test('the vault iterates over cursor pages; dry run writes nothing', async () => {
  const made = await srv.client.tokenize({ items: Array.from({ length: 7 }, (_, i) => ({ value: `n${i}@pages.example`, piiType: 'email' })), policyId: 'pol_hipaa' });
  const ids = new Set(made.results.map((r) => r.tokenId));
  const seen = [];
  for await (const e of srv.client.vault({ piiType: 'email', pageSize: 3 })) seen.push(e.tokenId);
  for (const id of ids) assert.ok(seen.includes(id));
  const dry = await srv.client.tokenize({ items: [{ value: 'x@dry.example', piiType: 'email' }], policyId: 'pol_hipaa', dryRun: true });
  assert.equal(dry.dryRun, true);
});

test('credentials are checked before anything is sent', async () => {
  const never = async () => { throw new Error('no request may be sent'); };
  const noKey = new TokenVault({ jwt: 'x', baseUrl: srv.baseUrl, fetch: never });
  await assert.rejects(noKey.tokenize({ items: [{ value: 'x', piiType: 'email' }], policyId: 'p' }), sdk.MissingCredentialError);
  const noJwt = new TokenVault({ apiKey: 'k', baseUrl: srv.baseUrl, fetch: never });
  await assert.rejects(noJwt.usage(), /JWT/);
  let calls = 0;
  const fresh = new TokenVault({ jwt: async () => { calls++; return srv.adminJwt; }, baseUrl: srv.baseUrl });
  await fresh.usage();
  await fresh.usage();
  assert.equal(calls, 2);
});

test('errors are typed; a 426 is clear; values are never echoed', async () => {
  const bad = new TokenVault({ apiKey: 'tvk_wrong', baseUrl: srv.baseUrl });
  await assert.rejects(bad.tokenize({ items: [{ value: 'x', piiType: 'email' }], policyId: 'pol_hipaa' }), sdk.UnauthorizedError);
  await assert.rejects(
    srv.client.tokenize({ items: [{ value: '', piiType: 'email' }], policyId: 'pol_hipaa', batchMode: 'ALL_OR_NOTHING' }),
    sdk.EmptyValueError,
  );
  const old = new TokenVault({
    jwt: srv.adminJwt, baseUrl: srv.baseUrl,
    fetch: (url, init) => fetch(url, { ...init, headers: { ...init.headers, [sdk.SDK_VERSION_HEADER]: '2.0.0' } }),
  });
  await assert.rejects(old.usage(), (e) => e instanceof sdk.SdkVersionUnsupportedError && e.status === 426);
});

test('a 429 is retried after its Retry-After', async () => {
  const answers = [
    new Response(JSON.stringify({ error: { code: 'RATE_LIMIT_EXCEEDED', message: 'Rate limit exceeded', retryable: true, retry_after_seconds: 2 } }), { status: 429, headers: { 'retry-after': '2' } }),
    new Response(JSON.stringify({ status: 'ok', version: 'x', store: 'ok' }), { status: 200 }),
  ];
  const c = new TokenVault({ baseUrl: srv.baseUrl, fetch: async () => answers.shift() });
  const slept = [];
  c.transport.sleep = async (ms) => { slept.push(ms); };
  assert.equal((await c.health()).status, 'ok');
  assert.deepEqual(slept, [2000]);
});

test('a tokenize whose answer is lost is retried without duplicates', async () => {
  let dropped = false;
  const flaky = async (url, init) => {
    const r = await fetch(url, init);
    if (!dropped && String(url).endsWith('/tokenize')) {
      dropped = true;
      await r.text();
      throw new TypeError('fetch failed');
    }
    return r;
  };
  const before = (await srv.client.usage()).tokensCreated;
  const c = new TokenVault({ apiKey: srv.apiKey, baseUrl: srv.baseUrl, fetch: flaky });
  c.transport.sleep = async () => {};
  const r = await c.tokenize({ items: [{ value: 'idem@node.example', piiType: 'email' }, { value: '234-56-7890', piiType: 'us_ssn' }], policyId: 'pol_hipaa' });
  assert.ok(dropped);
  assert.equal(r.successCount, 2);
  assert.equal((await srv.client.usage()).tokensCreated, before + 2);
});

test('PII API round trip, rehydration at once and streamed, audit', async () => {
  const c = srv.client;
  const tok = await c.pii.tokenize('Refund the order for sara@acme.com, card 5555 5555 5555 4444', 'support-intake');
  assert.equal(tok.outputText, 'Refund the order for [EMAIL_1], card [CREDITCARD_1]');
  const back = await c.pii.detokenize('I refunded [CREDITCARD_1] and emailed [EMAIL_1] the receipt.', tok.vault);
  assert.equal(back.outputText, 'I refunded 5555 5555 5555 4444 and emailed sara@acme.com the receipt.');
  const made = await c.tokenize({ items: [{ value: 'jane@stream.example', piiType: 'email' }], policyId: 'pol_hipaa' });
  const token = made.results[0].token;
  assert.equal((await c.rehydrate(`Write to ${token}.`, { purpose: 'customer_support' })).outputText, 'Write to jane@stream.example.');
  const reply = `Dear ${token}, thanks.`;
  let text = '';
  let done;
  for await (const e of c.rehydrateStream([reply.slice(0, 7), reply.slice(7, 12), reply.slice(12)], { purpose: 'customer_support' })) {
    if (e.type === 'chunk') text += e.text;
    else done = e;
  }
  assert.equal(text, 'Dear jane@stream.example, thanks.');
  assert.equal(done.restoredCount, 1);
  const seqs = [];
  for await (const e of c.audit({ pageSize: 2 })) seqs.push(e.seq);
  assert.ok(seqs.length >= 3);
  assert.deepEqual(seqs, [...seqs].sort((a, b) => b - a));
});

test('the CommonJS build loads', () => {
  const require = createRequire(import.meta.url);
  const cjs = require('../dist/cjs/index.js');
  assert.equal(typeof cjs.TokenVault, 'function');
  assert.equal(cjs.SDK_VERSION, sdk.SDK_VERSION);
});

test('masking for good', async () => {
  const r = await srv.client.mask({ items: [{ value: '123-45-6789', piiType: 'us_ssn' }], strategy: 'partial' });
  assert.deepEqual([r.results[0].status, r.results[0].masked, r.successCount], ['MASKED', '***-**-6789', 1]);
});

test('the LLM round-trip example runs', async () => {
  const { execFileSync } = await import('node:child_process');
  const out = execFileSync(process.execPath, [new URL('../examples/llm-round-trip.mjs', import.meta.url).pathname], {
    env: { ...process.env, TOKENVAULT_API_KEY: srv.apiKey, TOKENVAULT_URL: srv.baseUrl },
  }).toString();
  assert.match(out, /to the model: Refund the order for \[EMAIL_1\], card \[CREDITCARD_1\]/);
  assert.match(out, /to the agent: Reply drafted: I refunded 5555 5555 5555 4444 and emailed sara@acme.com the receipt\./);
});

test('management calls', async () => {
  const c = srv.client;
  assert.ok((await c.myPermissions()).roles.includes('admin'));
  const made = await c.createApiKey('sdk-node');
  assert.ok(made.api_key.startsWith('tvk_'));
  assert.ok((await c.listApiKeys()).api_keys.some((k) => k.name === 'sdk-node'));
  await c.revokeApiKey(made.id);
  assert.ok((await c.keyVersions()).versions.length >= 1);
  await c.setRole('auditor', ['audit:read']);
  assert.match(JSON.stringify(await c.listRoles()), /auditor/);
  await c.deleteRole('auditor');
  assert.ok((await c.tenant()).tenant_id.startsWith('ten_'));
});

test('every error code of seed 002 has its error class', () => {
  const table = [
    ['INVALID_INPUT', 400, sdk.InvalidInputError],
    ['EMPTY_VALUE', 400, sdk.EmptyValueError],
    ['UNSUPPORTED_PII_TYPE', 400, sdk.UnsupportedPiiTypeError],
    ['RATE_LIMIT_EXCEEDED', 429, sdk.RateLimitExceededError],
    ['QUOTA_EXCEEDED', 429, sdk.QuotaExceededError],
    ['UNAUTHORIZED', 401, sdk.UnauthorizedError],
    ['GRANT_EXPIRED', 403, sdk.GrantExpiredError],
    ['GRANT_NONCE_REUSED', 403, sdk.GrantNonceReusedError],
    ['TOKEN_NOT_FOUND', 404, sdk.TokenNotFoundError],
    ['TOKEN_REVOKED', 403, sdk.TokenRevokedError],
    ['KILL_SWITCH_ACTIVE', 503, sdk.KillSwitchActiveError],
    ['SERVICE_UNAVAILABLE', 503, sdk.ServiceUnavailableError],
    ['SDK_VERSION_UNSUPPORTED', 426, sdk.SdkVersionUnsupportedError],
    ['ACCESS_DENIED', 403, sdk.ForbiddenError],
    ['POLICY_NOT_FOUND', 404, sdk.NotFoundError],
    ['INTERNAL_ERROR', 500, sdk.ServerError],
  ];
  for (const [code, status, cls] of table) {
    const e = sdk.fromResponse(status, { error: { code, message: 'm', detail: 'd', retryable: false, trace_id: 'tr_1' } });
    assert.equal(e.constructor, cls, code);
    assert.deepEqual([e.code, e.status, e.detail, e.traceId], [code, status, 'd', 'tr_1']);
  }
});
