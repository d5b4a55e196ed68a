// Token Policies: list, create, edit (version shown), history of versions, enable/disable,
// delete; the API's validation problems are shown at their fields.

import { api } from '../api.js';
import { h, replace, field, setError, table, dialog, notify } from '../dom.js';

const TYPES = ['email', 'phone', 'us_ssn', 'credit_card', 'iban', 'ip_address', 'date', 'dob', 'name',
  'address', 'passport_us', 'passport_ca', 'ca_sin', 'tr_tckn', 'monetary', 'case_number'];
const MODES = ['deterministic', 'randomized', 'format_preserving'];
const SERVER_FIELDS = ['version', 'created_at', 'updated_at', 'tenant_id', 'deleted'];

const list = (s) => s.split(',').map((x) => x.trim()).filter(Boolean);

function ruleRow(type = 'email', rule = { mode: 'deterministic' }) {
  const t = h('select', { 'aria-label': 'PII type', class: 'rule-type' }, TYPES.map((x) => h('option', { value: x, selected: x === type }, x)));
  const m = h('select', { 'aria-label': 'Mode', class: 'rule-mode' }, MODES.map((x) => h('option', { value: x, selected: x === rule.mode }, x)));
  const remove = h('button', { type: 'button', class: 'secondary', 'aria-label': 'Remove rule' }, 'Remove');
  const row = h('li', { class: 'rule' }, t, m, remove);
  row.rule = rule;
  remove.addEventListener('click', () => row.remove());
  return row;
}

function editor(main, existing, done) {
  const p = existing || {};
  const f = {
    id: field('Policy ID', h('input', { name: 'id', value: p.id || '', disabled: !!existing, placeholder: 'pol_… (generated when empty)' })),
    name: field('Name', h('input', { name: 'name', value: p.name || '', required: true })),
    key: field('Policy key', h('input', { name: 'key', value: p.key || '' }), 'The PII API\'s policy_key (a slug), optional.'),
    enabled: field('Enabled', h('input', { name: 'enabled', type: 'checkbox', checked: p.enabled !== false })),
    allowed_roles: field('Roles that may detokenize', h('input', { name: 'allowed_roles', value: (p.allowed_roles || []).join(', ') }), 'Comma-separated.'),
    allowed_purposes: field('Purposes', h('input', { name: 'allowed_purposes', value: (p.allowed_purposes || []).join(', ') }), 'Comma-separated.'),
    require_reason: field('Require a reason', h('input', { name: 'require_reason', type: 'checkbox', checked: p.require_reason !== false })),
    failure_policy: field('Failure policy', h('select', { name: 'failure_policy' },
      ['fail_closed', 'fail_open'].map((x) => h('option', { value: x, selected: x === (p.failure_policy || 'fail_closed') }, x)))),
  };
  const rules = h('ul', { class: 'rules', id: 'type-rules' },
    Object.entries(p.type_rules || { email: { mode: 'deterministic' } }).map(([t, r]) => ruleRow(t, r)));
  const rulesError = h('p', { class: 'field-error', role: 'alert', id: 'type-rules-error' });
  const add = h('button', { type: 'button', class: 'secondary' }, 'Add type rule');
  add.addEventListener('click', () => rules.append(ruleRow()));
  const title = existing ? `Edit ${p.id} (version ${p.version})` : 'New policy';
  const form = h('form', { class: 'editor', 'aria-labelledby': 'editor-title' },
    h('h2', { id: 'editor-title' }, title),
    f.id.row, f.name.row, f.key.row, f.enabled.row,
    h('fieldset', {}, h('legend', {}, 'Type rules'), rules, add, rulesError),
    h('fieldset', {}, h('legend', {}, 'Access control'), f.allowed_roles.row, f.allowed_purposes.row, f.require_reason.row),
    f.failure_policy.row,
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'secondary', onclick: done }, 'Cancel'),
      h('button', { type: 'submit' }, existing ? 'Save new version' : 'Create policy')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    Object.values(f).forEach((x) => setError(x, ''));
    rulesError.textContent = '';
    const spec = Object.fromEntries(Object.entries(p).filter(([k]) => !SERVER_FIELDS.includes(k)));
    if (!existing && f.id.input.value.trim()) spec.id = f.id.input.value.trim();
    spec.name = f.name.input.value;
    if (f.key.input.value.trim()) spec.key = f.key.input.value.trim(); else delete spec.key;
    spec.enabled = f.enabled.input.checked;
    spec.allowed_roles = list(f.allowed_roles.input.value);
    spec.allowed_purposes = list(f.allowed_purposes.input.value);
    spec.require_reason = f.require_reason.input.checked;
    spec.failure_policy = f.failure_policy.input.value;
    spec.type_rules = {};
    for (const row of rules.children) {
      const t = row.querySelector('.rule-type').value;
      spec.type_rules[t] = { ...row.rule, mode: row.querySelector('.rule-mode').value };
    }
    try {
      if (existing) await api.put(`/policies/${encodeURIComponent(p.id)}`, spec);
      else await api.post('/policies', spec);
      notify(existing ? `${p.id} saved` : 'Policy created');
      done();
    } catch (err) {
      if (err.status !== 400) { notify(err.message, 'error'); return; }
      // "field: message; field: message" — each at its field.
      for (const problem of err.message.split('; ')) {
        const [path, ...rest] = problem.split(': ');
        const top = path.split(/[.[]/)[0];
        const message = rest.join(': ') || problem;
        if (f[top]) setError(f[top], message);
        else rulesError.textContent = `${rulesError.textContent} ${path}: ${message}`.trim();
      }
    }
  });
  replace(main, form);
  f.name.input.focus();
}

async function history(p) {
  const v = await api.get(`/policies/${encodeURIComponent(p.id)}/versions`);
  await dialog(`History of ${p.id}`, [table('Versions, oldest first', ['Version', 'Name', 'Enabled', 'Updated', 'Roles', 'Purposes'],
    v.versions.map((x) => [String(x.version), x.name, x.enabled ? 'yes' : 'no', x.updated_at, x.allowed_roles.join(', '), x.allowed_purposes.join(', ')]))], 'Close');
}

export async function policiesPage(main, { permissions }) {
  const canWrite = permissions.has('policies:write');
  const area = h('section', { 'aria-label': 'Policies' });
  main.append(area);
  async function load() {
    const { policies } = await api.get('/policies');
    const rows = policies.map((p) => {
      const actions = h('div', { class: 'row-actions' },
        h('button', { type: 'button', class: 'secondary', onclick: () => history(p) }, 'History'));
      if (canWrite) {
        actions.append(
          h('button', { type: 'button', class: 'secondary', onclick: () => editor(area, p, load), 'aria-label': `Edit ${p.id}` }, 'Edit'),
          h('button', { type: 'button', class: 'secondary', onclick: async () => {
            const spec = Object.fromEntries(Object.entries(p).filter(([k]) => !SERVER_FIELDS.includes(k)));
            spec.enabled = !p.enabled;
            try { await api.put(`/policies/${encodeURIComponent(p.id)}`, spec); await load(); } catch (err) { notify(err.message, 'error'); }
          } }, p.enabled ? 'Disable' : 'Enable'),
          h('button', { type: 'button', class: 'danger', onclick: async () => {
            const ok = await dialog(`Delete ${p.id}?`, [h('p', {}, 'Its tokens can no longer be detokenized; its history is kept.')], 'Delete');
            if (!ok) return;
            try { await api.del(`/policies/${encodeURIComponent(p.id)}`); notify(`${p.id} deleted`); await load(); } catch (err) { notify(err.message, 'error'); }
          } }, 'Delete'));
      }
      return [h('code', {}, p.id), p.name, p.key || '', String(p.version), p.enabled ? 'enabled' : 'disabled', Object.keys(p.type_rules).join(', '), actions];
    });
    const create = canWrite ? h('button', { type: 'button', onclick: () => editor(area, null, load) }, 'New policy') : null;
    replace(area, create, table('Policies', ['ID', 'Name', 'Key', 'Version', 'State', 'Types', ''], rows));
  }
  await load();
}
