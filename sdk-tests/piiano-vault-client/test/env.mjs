// The server under test and the published client, unchanged: the Rust test
// bins/tokenvault/tests/piiano_vault_client.rs starts `tokenvault serve` on a fresh data
// directory, runs `tokenvault init --json`, and passes its URL and credentials here.
import { VaultClient } from '@piiano/vault-client';

export const url = required('VAULT_URL');
export const apiKey = required('VAULT_API_KEY');
export const adminJwt = required('VAULT_ADMIN_JWT');

function required(name) {
  const v = process.env[name];
  if (!v) throw new Error(`set ${name} (the Rust test that runs this suite does)`);
  return v;
}

/** A client with the bootstrap key (every capability, as Piiano's admin key). */
export function admin() {
  return new VaultClient({ vaultURL: url, apiKey });
}

export const reason = 'AppFunctionality';

let n = 0;
/** A collection name no other test uses. */
export function unique(prefix) {
  n += 1;
  return `${prefix}_${process.pid}_${n}`;
}

/** Adds a PERSONS collection with a unique SSN, an indexed email, a card and a name. */
export async function customers(client, name) {
  return client.collections.addCollection({
    requestBody: {
      name,
      type: 'PERSONS',
      properties: [
        { name: 'ssn', data_type_name: 'SSN', is_unique: true },
        { name: 'email', data_type_name: 'EMAIL', is_nullable: true, is_index: true },
        { name: 'card', data_type_name: 'CC_NUMBER', is_nullable: true },
        { name: 'name', data_type_name: 'NAME', is_nullable: true },
      ],
    },
  });
}

/** An API key of the tenant for user `name`, made through tokenvault's own API. */
export async function userKey(name) {
  const r = await fetch(`${url}/api/v1/tokens/api-keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminJwt}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  if (r.status !== 201) throw new Error(`api key: ${r.status} ${await r.text()}`);
  const body = await r.json();
  return body.key ?? body.api_key;
}

/** Runs `p`, expecting the client's ApiError with `status` and Piiano's `error_code`. */
export async function refused(p, status, code) {
  try {
    await p;
  } catch (e) {
    if (e.status !== status || e.body?.error_code !== code) {
      throw new Error(`expected ${status} ${code}, got ${e.status} ${JSON.stringify(e.body)}`);
    }
    return e;
  }
  throw new Error(`expected ${status} ${code}, but the call succeeded`);
}
