// Integrations: API keys (created with the secret shown once, revoked), SDK snippets, and
// the LLM rehydration endpoints.

import { api } from '../api.js';
import { h, replace, field, setError, table, dialog, notify } from '../dom.js';

function snippets() {
  return h('section', { 'aria-label': 'SDK snippets' },
    h('h2', {}, 'SDKs'),
    h('h3', {}, 'Python'),
    h('pre', {}, h('code', {}, `from tokenvault import Client
client = Client("http://127.0.0.1:8700", api_key=API_KEY)
result = client.tokenize([{"value": "ana@example.com", "pii_type": "email"}], policy_id="pol_default")`)),
    h('h3', {}, 'Node'),
    h('pre', {}, h('code', {}, `import { TokenVault } from "tokenvault";
const client = new TokenVault({ baseUrl: "http://127.0.0.1:8700", apiKey: API_KEY });
const r = await client.tokenize({ items: [{ value: "ana@example.com", pii_type: "email" }] });`)),
    h('h3', {}, 'LLM rehydration'),
    h('p', {}, 'Send a model\'s answer to POST /api/v1/tokens/rehydrate (or /rehydrate/stream for streamed answers) with a grant; tokens in the text come back as values only where the grant allows.'));
}

async function rehydration(section) {
  const r = await api.get('/rehydration');
  const enabled = field('LLM rehydration on', h('input', { type: 'checkbox', checked: r.enabled }));
  const maxTokens = field('Most distinct tokens per request (1–100)', h('input', { type: 'number', min: 1, max: 100, value: r.max_tokens }));
  const maxBytes = field('Largest restored text in bytes (up to 1 MiB)', h('input', { type: 'number', min: 1, max: 1048576, value: r.max_output_bytes }));
  const form = h('form', { class: 'editor', 'aria-label': 'Rehydration settings' }, enabled.row, maxTokens.row, maxBytes.row,
    h('button', { type: 'submit' }, 'Save rehydration settings'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await api.put('/rehydration', { enabled: enabled.input.checked, max_tokens: Number(maxTokens.input.value), max_output_bytes: Number(maxBytes.input.value) });
      notify('Rehydration settings saved');
    } catch (err) { setError(maxTokens, err.message); }
  });
  replace(section, h('h2', {}, 'LLM rehydration'),
    h('p', {}, 'Tokens in a model\'s reply are restored only where the caller\'s grant, or roles and purpose, allow; cross-tenant tokens never resolve.'),
    form);
}

export async function integrationsPage(main, { permissions }) {
  const keys = h('section', { 'aria-label': 'API keys' });
  const rehydrate = h('section', { 'aria-label': 'LLM rehydration' });
  main.append(rehydrate, keys, snippets());
  if (permissions.has('rehydration:settings')) await rehydration(rehydrate);
  async function load() {
    const { api_keys: list } = await api.get('/api-keys');
    const create = h('button', { type: 'button' }, 'Create API key');
    create.addEventListener('click', async () => {
      const name = field('Name', h('input', { name: 'name', required: true, maxlength: 100 }));
      const data = await dialog('New API key', [name.row], 'Create');
      if (!data) return;
      try {
        const k = await api.post('/api-keys', { name: data.name });
        const secret = h('output', { class: 'secret', id: 'new-api-key' }, k.api_key);
        await dialog('Copy the key now', [h('p', {}, 'This is the only time the key is shown:'), secret], 'I have stored it');
        await load();
      } catch (err) { notify(err.message, 'error'); }
    });
    const rows = list.map((k) => [h('code', {}, k.id), k.name, k.created_at, k.revoked_at || 'active',
      k.revoked_at ? '' : h('button', { type: 'button', class: 'danger', 'aria-label': `Revoke ${k.name}`, onclick: async () => {
        const ok = await dialog(`Revoke ${k.name}?`, [h('p', {}, 'Clients using it are refused from now on.')], 'Revoke');
        if (!ok) return;
        try { await api.del(`/api-keys/${encodeURIComponent(k.id)}`); await load(); } catch (err) { notify(err.message, 'error'); }
      } }, 'Revoke')]);
    replace(keys, h('h2', {}, 'API keys'), create, table('API keys', ['ID', 'Name', 'Created', 'State', ''], rows));
  }
  await load();
}
