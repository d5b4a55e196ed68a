// The dashboard in a real Chromium (Debian's), driven by Playwright, against the real server
// started by bins/tokenvault/tests/dashboard_browser.rs, which passes:
//   TV_BASE, TV_LOGIN, TV_PASSWORD (the admin `tokenvault init` printed), TV_API_KEY,
//   TV_SCREENSHOTS (a folder), CHROMIUM (the browser's path).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';

const BASE = process.env.TV_BASE;
const SHOTS = process.env.TV_SCREENSHOTS;
mkdirSync(SHOTS, { recursive: true });

let browser;
const cspViolations = [];

async function newPage() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) cspViolations.push(m.text());
  });
  page.on('pageerror', (e) => cspViolations.push(`page error: ${e.message}`));
  return page;
}

async function signIn(page, login = process.env.TV_LOGIN, password = process.env.TV_PASSWORD, expectOk = true) {
  await page.goto(`${BASE}/ui/`);
  await page.getByLabel('Login').fill(login);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  if (expectOk) await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

async function shot(page, name) {
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

async function tokenize(policyId, value, piiType) {
  const r = await fetch(`${BASE}/api/v1/tokens/tokenize`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': process.env.TV_API_KEY },
    body: JSON.stringify({ policy_id: policyId, items: [{ value, pii_type: piiType }] }),
  });
  const text = await r.text();
  assert.equal(r.status, 200, text);
  const body = JSON.parse(text);
  return body.results[0].token_id;
}

before(async () => {
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM, args: ['--no-sandbox'] });
});

after(async () => {
  await browser?.close();
});

test('sign-in refuses a wrong password, then signs in and out', async () => {
  const page = await newPage();
  await signIn(page, process.env.TV_LOGIN, 'not the password', false);
  await page.getByRole('alert').filter({ hasText: 'wrong login or password' }).waitFor();
  await shot(page, 'sign-in');
  await signIn(page);
  await page.getByRole('navigation', { name: 'Sections' }).waitFor();
  const cookies = await page.context().cookies();
  const session = cookies.find((c) => c.name === 'tv_session');
  assert.ok(session.httpOnly && session.secure && session.sameSite === 'Strict', JSON.stringify(session));
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in to tokenvault' }).waitFor();
  // The old cookie no longer works.
  const r = await page.evaluate(async () => (await fetch('/ui/session')).status);
  assert.equal(r, 401);
});

test('policies: create with a field error first, edit to version 2, history', async () => {
  const page = await newPage();
  await signIn(page);
  await page.getByRole('link', { name: 'Token Policies' }).click();
  await page.getByRole('button', { name: 'New policy' }).click();
  await page.getByLabel('Policy ID').fill('pol_support');
  await page.getByLabel('Name').fill('Support tickets');
  await page.getByLabel('Policy key').fill('support');
  await page.getByLabel('Roles that may detokenize').fill('admin, privacy_officer');
  // No purposes: the API refuses and the error shows at that field.
  await page.getByRole('button', { name: 'Create policy' }).click();
  const purposes = page.getByLabel('Purposes');
  await page.locator(`#${await purposes.getAttribute('id')}-error`).filter({ hasText: /./ }).waitFor();
  assert.equal(await purposes.getAttribute('aria-invalid'), 'true');
  await shot(page, 'policy-validation');
  await purposes.fill('customer_support');
  await page.getByRole('button', { name: 'Create policy' }).click();
  await page.getByRole('cell', { name: 'pol_support', exact: true }).waitFor();
  await page.getByRole('button', { name: 'Edit pol_support' }).click();
  await page.getByRole('heading', { name: 'Edit pol_support (version 1)' }).waitFor();
  await page.getByLabel('Name').fill('Support tickets v2');
  await page.getByRole('button', { name: 'Save new version' }).click();
  await page.getByRole('cell', { name: 'Support tickets v2', exact: true }).waitFor();
  await shot(page, 'policies');
  await page.getByRole('row', { name: /pol_support/ }).getByRole('button', { name: 'History' }).click();
  const history = page.getByRole('dialog');
  await history.getByRole('cell', { name: 'Support tickets', exact: true }).waitFor();
  await history.getByRole('cell', { name: 'Support tickets v2' }).waitFor();
  await history.getByRole('button', { name: 'Close' }).click();
});

test('vault: find a token made through the API, reveal it through a grant, revoke it', async () => {
  const id = await tokenize('pol_support', 'ana@example.com', 'email');
  const page = await newPage();
  await signIn(page);
  await page.getByRole('link', { name: 'Token Vault' }).click();
  await page.getByText('Total tokens').waitFor();
  await page.getByRole('img', { name: 'Tokens by type and mode' }).waitFor();
  await page.getByLabel('Token ID').fill(id);
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByRole('cell', { name: id, exact: true }).waitFor();
  // Nothing in the page holds the value before a grant.
  assert.ok(!(await page.content()).includes('ana@example.com'));
  await page.getByRole('button', { name: `Reveal ${id}` }).click();
  await page.getByLabel('Purpose').fill('customer_support');
  await page.getByLabel('Reason').fill('Ticket 4411: customer asked for their address on file');
  await page.getByRole('button', { name: 'Request grant and reveal' }).click();
  await page.locator('.plaintext').filter({ hasText: 'ana@example.com' }).waitFor();
  await shot(page, 'vault-reveal');
  await page.getByRole('button', { name: 'Hide' }).click();
  await page.getByRole('button', { name: `Revoke ${id}` }).click();
  await page.getByLabel('Reason').fill('Customer closed the account');
  await page.getByRole('button', { name: 'Revoke', exact: true }).click();
  await page.getByRole('row', { name: new RegExp(id) }).getByText('revoked').first().waitFor();
  await shot(page, 'vault');
});

test('audit: the reveal is there with purpose and reason; the chain verifies', async () => {
  const page = await newPage();
  await signIn(page);
  await page.goto(`${BASE}/ui/audit`);
  await page.getByText('Audit chain verified').waitFor();
  await page.getByLabel('Action').selectOption('detokenize');
  await page.getByRole('button', { name: 'Filter' }).click();
  // Filtered: the grant that preceded it is no longer listed.
  await page.getByRole('cell', { name: 'grant', exact: true }).first().waitFor({ state: 'detached' });
  const row = page.getByRole('row')
    .filter({ has: page.getByRole('cell', { name: 'detokenize', exact: true }) })
    .filter({ hasText: 'Ticket 4411' });
  await row.waitFor();
  assert.match(await row.innerText(), /customer_support/);
  await page.getByRole('img', { name: /Operations per hour/ }).waitFor();
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  assert.equal((await download).suggestedFilename(), 'audit.csv');
  await shot(page, 'audit');
});

test('PII playground highlights findings and shows each form', async () => {
  const page = await newPage();
  await signIn(page);
  await page.getByRole('link', { name: 'PII' }).click();
  await page.getByLabel('Text policy').selectOption('pol_support');
  await page.getByLabel('Text', { exact: true }).fill('Reach me at ana@example.com about the refund.');
  await page.getByRole('button', { name: 'Find PII' }).click();
  await page.locator('mark').filter({ hasText: 'ana@example.com' }).waitFor();
  const redacted = await page.locator('.form-redacted').innerText();
  assert.ok(!redacted.includes('ana@example.com'), redacted);
  assert.ok(!(await page.locator('.form-tokenized').innerText()).includes('ana@example.com'));
  await shot(page, 'pii-playground');
});

test('detection settings edit the model layer and the organization lists', async () => {
  const page = await newPage();
  await signIn(page);
  await page.getByRole('link', { name: 'PII' }).click();
  await page.getByLabel('Text policy').selectOption('pol_support');
  await page.getByRole('tab', { name: 'Detection settings' }).click();
  await page.getByLabel('Model layer').check();
  await page.getByLabel('Organization names to find').fill('Initech, Globex');
  await page.getByLabel('Organization names to leave').fill('Acme Corp');
  await page.getByRole('button', { name: 'Save detection settings' }).click();
  await page.getByText('Detection settings saved').waitFor();
  // Read back through the page's own API module (the signed-in session and its CSRF token).
  const policy = await page.evaluate(async () => (await import('/ui/api.js')).api.get('/policies/pol_support'));
  assert.equal(policy.detection.model, true);
  assert.deepEqual(policy.detection.organizations, { deny: ['Initech', 'Globex'], allow: ['Acme Corp'] });
  // The form shows what was saved.
  await page.getByRole('tab', { name: 'Detection settings' }).click();
  assert.equal(await page.getByLabel('Organization names to leave').inputValue(), 'Acme Corp');
  assert.ok(await page.getByLabel('Model layer').isChecked());
});

test('settings and integrations pages render for the administrator', async () => {
  const page = await newPage();
  await signIn(page);
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('heading', { name: 'Dashboard users' }).waitFor();
  await page.getByRole('heading', { name: 'Key versions' }).waitFor();
  await shot(page, 'settings');
  await page.getByRole('link', { name: 'Integrations' }).click();
  await page.getByRole('button', { name: 'Create API key' }).click();
  await page.getByLabel('Name').fill('crm-sync');
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  const secret = await page.locator('#new-api-key').innerText();
  assert.match(secret, /^tvk_/);
  await page.getByRole('button', { name: 'I have stored it' }).click();
  await page.getByRole('cell', { name: 'crm-sync', exact: true }).waitFor();
  // Shown once: the listing has no secret.
  assert.ok(!(await page.content()).includes(secret));
  await shot(page, 'integrations');
});

test('a request without the CSRF token is refused, and a user without the role sees nothing', async () => {
  const page = await newPage();
  await signIn(page);
  await page.getByRole('navigation', { name: 'Sections' }).waitFor();
  const status = await page.evaluate(async () => (await fetch('/api/v1/tokens/policies')).status);
  assert.equal(status, 403);
  // The administrator adds an intern through the Settings page.
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('button', { name: 'Add user' }).click();
  await page.getByLabel('Login').fill('intern');
  await page.getByLabel('Password (12 characters or more)').fill('intern password 1');
  await page.getByLabel('Roles').fill('intern');
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await page.getByRole('cell', { name: 'intern', exact: true }).first().waitFor();

  const other = await newPage();
  await signIn(other, 'intern', 'intern password 1');
  await other.getByRole('heading', { name: 'Nothing to show' }).waitFor();
  const refused = await other.evaluate(async () => {
    const me = await (await fetch('/ui/session')).json();
    const r = await fetch('/api/v1/tokens/vault', { headers: { 'x-csrf-token': me.csrf_token } });
    return r.status;
  });
  assert.equal(refused, 403);
});

test('object vault: collections and objects, masked', async () => {
  const auth = { authorization: `Bearer ${process.env.TV_API_KEY}`, 'content-type': 'application/json' };
  let r = await fetch(`${BASE}/api/pvlt/1.0/ctl/collections`, {
    method: 'POST', headers: auth,
    body: JSON.stringify({ name: 'customers', type: 'PERSONS', properties: [
      { name: 'email', data_type_name: 'EMAIL' }, { name: 'ssn', data_type_name: 'SSN', is_unique: true },
      { name: 'notes', data_type_name: 'STRING', is_nullable: true }] }),
  });
  assert.equal(r.status, 200, await r.text());
  r = await fetch(`${BASE}/api/pvlt/1.0/data/collections/customers/objects?reason=AppFunctionality`, {
    method: 'POST', headers: auth, body: JSON.stringify({ email: 'maria@example.com', ssn: '123-45-6789', notes: 'prefers mail' }),
  });
  assert.equal(r.status, 200, await r.text());
  const page = await newPage();
  await signIn(page);
  await page.getByRole('link', { name: 'Object Vault' }).click();
  await page.getByRole('cell', { name: 'customers', exact: true }).waitFor();
  await page.getByRole('cell', { name: '***-**-6789' }).waitFor();
  const html = await page.content();
  for (const plain of ['maria@example.com', '123-45-6789', 'prefers mail']) assert.ok(!html.includes(plain), plain);
  await shot(page, 'objects');
});

test('integrations: rehydration settings are saved', async () => {
  const page = await newPage();
  await signIn(page);
  await page.getByRole('link', { name: 'Integrations' }).click();
  await page.getByLabel('Most distinct tokens per request (1–100)').fill('10');
  await page.getByRole('button', { name: 'Save rehydration settings' }).click();
  await page.getByText('Rehydration settings saved').waitFor();
  const saved = await page.evaluate(async () => {
    const me = await (await fetch('/ui/session')).json();
    return (await fetch('/api/v1/tokens/rehydration', { headers: { 'x-csrf-token': me.csrf_token } })).json();
  });
  assert.equal(saved.max_tokens, 10);
});

test('no Content-Security-Policy violation was reported by the browser', () => {
  assert.deepEqual(cspViolations, []);
});
