// Operate → PII: a text policy's detection settings (categories, languages, severities,
// custom patterns, default action, the model layer, organization lists), its policy key and API usage, and a playground that
// shows a pasted text's findings highlighted and its redacted, masked and tokenized forms.

import { api } from '../api.js';
import { h, replace, field, setError, table, notify } from '../dom.js';

const list = (s) => s.split(',').map((x) => x.trim()).filter(Boolean);

function highlighted(text, findings) {
  const chars = Array.from(text);
  const out = h('p', { class: 'highlighted', 'aria-label': 'Text with findings marked' });
  let at = 0;
  for (const f of [...findings].sort((a, b) => a.start - b.start)) {
    if (f.start < at) continue;
    out.append(chars.slice(at, f.start).join(''),
      h('mark', { class: `sev-${f.severity}`, title: `${f.category} (${f.severity})` }, chars.slice(f.start, f.end).join('')));
    at = f.end;
  }
  out.append(chars.slice(at).join(''));
  return out;
}

function settings(p, canWrite, reload) {
  const d = p.detection || {};
  const f = {
    categories: field('Categories', h('input', { value: (d.categories || []).join(', ') }), 'Comma-separated; empty means every category of the languages.'),
    languages: field('Languages', h('input', { value: (d.languages || ['global']).join(', ') }), 'Recognizer packs, e.g. global, us, de.'),
    default_action: field('Default action', h('select', {}, ['redact', 'detect', 'mask', 'tokenize', 'block']
      .map((x) => h('option', { value: x, selected: x === (d.default_action || 'redact') }, x)))),
    severities: field('Severities', h('input', { value: Object.entries(d.severities || {}).map(([k, v]) => `${k}=${v}`).join(', ') }), 'category=low|medium|high, comma-separated.'),
    model: field('Model layer', h('input', { type: 'checkbox', checked: Boolean(d.model) }),
      'Also run the NER model for people, addresses and places (the server needs its [ner] settings).'),
    org_deny: field('Organization names to find', h('input', { value: ((d.organizations || {}).deny || []).join(', ') }),
      'Comma-separated; found as organizations wherever they appear.'),
    org_allow: field('Organization names to leave', h('input', { value: ((d.organizations || {}).allow || []).join(', ') }),
      'Comma-separated; never reported (your own company, say).'),
    patterns: field('Custom patterns', h('textarea', { rows: 3 }, (d.custom_patterns || []).map((c) => `${c.name} ${c.severity} ${c.regex}`).join('\n')),
      'One per line: name severity regex.'),
  };
  const save = h('button', { type: 'submit', disabled: !canWrite }, 'Save detection settings');
  const form = h('form', { class: 'editor', 'aria-label': `Detection settings of ${p.id}` },
    h('p', {}, 'Policy key: ', h('code', {}, p.key || '(none: set one on the policy to use the PII API)')),
    Object.values(f).map((x) => x.row), save);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    Object.values(f).forEach((x) => setError(x, ''));
    const spec = Object.fromEntries(Object.entries(p).filter(([k]) => !['version', 'created_at', 'updated_at', 'tenant_id', 'deleted'].includes(k)));
    spec.detection = {
      ...d,
      categories: list(f.categories.input.value),
      languages: list(f.languages.input.value),
      default_action: f.default_action.input.value,
      model: f.model.input.checked,
      organizations: { deny: list(f.org_deny.input.value), allow: list(f.org_allow.input.value) },
      severities: Object.fromEntries(list(f.severities.input.value).map((x) => x.split('=').map((y) => y.trim()))),
      custom_patterns: f.patterns.input.value.split('\n').map((l) => l.trim()).filter(Boolean).map((l) => {
        const [name, severity, ...rest] = l.split(' ');
        return { name, severity, regex: rest.join(' ') };
      }),
    };
    try {
      await api.put(`/policies/${encodeURIComponent(p.id)}`, spec);
      // The page's copy of the policy follows the saved one, so the form shows it.
      Object.assign(p, await api.get(`/policies/${encodeURIComponent(p.id)}`));
      notify('Detection settings saved');
      reload();
    } catch (err) {
      for (const problem of err.message.split('; ')) {
        const [path, ...rest] = problem.split(': ');
        const key = path.replace(/^detection\./, '').split(/[.[]/)[0];
        const target = { custom_patterns: f.patterns, organizations: f.org_deny }[key] || f[key] || f.categories;
        setError(target, `${path}: ${rest.join(': ')}`);
      }
    }
  });
  return form;
}

function usage(p) {
  const key = p.key || '<policy key>';
  return h('section', { 'aria-label': 'API usage' },
    h('h2', {}, 'API usage'),
    h('pre', {}, h('code', {}, `curl -s http://127.0.0.1:8700/api/client/v1/pii/redact \\
  -H "Authorization: Bearer $TOKENVAULT_API_KEY" -H 'content-type: application/json' \\
  -d '{"policy_key": "${key}", "text": "Call me at +1 415 555 0100"}'`)));
}

export async function piiPage(main, { permissions }) {
  const { policies } = await api.get('/policies');
  const withKey = policies.filter((p) => p.key);
  const choose = field('Text policy', h('select', {}, policies.map((p) => h('option', { value: p.id }, `${p.name} (${p.key || 'no key'})`))));
  const tabs = h('div', { class: 'tabs', role: 'tablist' });
  const panel = h('section', { class: 'tab-panel', role: 'tabpanel' });
  main.append(choose.row, tabs, panel);
  const current = () => policies.find((p) => p.id === choose.input.value) || policies[0];

  function playground() {
    const p = current();
    const text = field('Text', h('textarea', { rows: 6, id: 'playground-text' }), 'Nothing typed here is stored.');
    const run = h('button', { type: 'submit' }, 'Find PII');
    const out = h('div', { class: 'playground-out', 'aria-live': 'polite' });
    const form = h('form', { class: 'playground' }, text.row, run);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (!p || !p.key) { setError(text, 'Choose a policy with a policy key.'); return; }
      setError(text, '');
      try {
        const body = { policy_key: p.key, text: text.input.value };
        const [detect, redact, mask, tokenize] = await Promise.all(
          ['detect', 'redact', 'mask', 'tokenize'].map((a) => api.pii(a, body)));
        replace(out,
          h('h2', {}, `Findings (${detect.findings.length})`),
          highlighted(text.input.value, detect.findings),
          table('Findings', ['Category', 'Severity', 'Where'], detect.findings.map((f) => [f.category, f.severity, `${f.start}–${f.end}`])),
          h('h2', {}, 'Redacted'), h('pre', { class: 'form-redacted' }, redact.output_text),
          h('h2', {}, 'Masked'), h('pre', { class: 'form-masked' }, mask.output_text),
          h('h2', {}, 'Tokenized'), h('pre', { class: 'form-tokenized' }, tokenize.output_text));
      } catch (err) { setError(text, err.message); }
    });
    return [form, out];
  }

  const views = {
    Playground: playground,
    'Detection settings': () => [settings(current(), permissions.has('policies:write'), () => show('Detection settings'))],
    'API usage': () => [usage(current())],
  };
  function show(name) {
    replace(tabs, Object.keys(views).map((v) => h('button', { type: 'button', role: 'tab', 'aria-selected': String(v === name), onclick: () => show(v) }, v)));
    replace(panel, views[name]());
  }
  choose.input.addEventListener('change', () => show('Playground'));
  if (!withKey.length) notify('No policy has a policy key yet: give one a key on the Token Policies page to use the PII API.');
  show('Playground');
}
