// Detokenize Audit: who accessed which tokens, purpose and reason, granted or denied, when,
// with the trace id; filters; the chain's verification; CSV export; operations over time.

import { api } from '../api.js';
import { h, replace, field, table, notify } from '../dom.js';
import { operationsChart } from './vault.js';

function unix(value) {
  return value ? String(Math.floor(new Date(value).getTime() / 1000)) : null;
}

export async function auditPage(main) {
  const verify = h('p', { class: 'chain', role: 'status' }, 'Verifying the audit chain…');
  const charts = h('section', { class: 'charts', 'aria-label': 'Charts' });
  const f = {
    actor: field('User', h('input', { name: 'actor', placeholder: 'user:ana or api_key:…' })),
    action: field('Action', h('select', { name: 'action' },
      ['', 'detokenize', 'grant', 'tokenize', 'revoke', 'access_denied', 'sign_in', 'sign_out'].map((x) => h('option', { value: x }, x || 'any')))),
    purpose: field('Purpose', h('input', { name: 'purpose' })),
    result: field('Result', h('select', { name: 'result' }, ['', 'allowed', 'denied'].map((x) => h('option', { value: x }, x || 'any')))),
    since: field('From', h('input', { name: 'since', type: 'datetime-local' })),
    until: field('To', h('input', { name: 'until', type: 'datetime-local' })),
  };
  const exportButton = h('button', { type: 'button', class: 'secondary' }, 'Export CSV');
  const filters = h('form', { class: 'filters', role: 'search' }, Object.values(f).map((x) => x.row),
    h('button', { type: 'submit' }, 'Filter'), exportButton);
  const results = h('section', { 'aria-label': 'Audit events' });
  main.append(verify, charts, filters, results);

  api.get('/audit/verify').then((v) => {
    verify.textContent = v.intact ? 'Audit chain verified: intact from the first record to the head.' : 'Audit chain BROKEN: a record was altered or removed.';
    verify.className = `chain ${v.intact ? 'ok' : 'broken'}`;
  }).catch((e) => { verify.textContent = e.message; });
  charts.append(await operationsChart('hour'), await operationsChart('day'));

  function query() {
    const q = new URLSearchParams();
    for (const k of ['actor', 'action', 'purpose', 'result']) if (f[k].input.value.trim()) q.set(k, f[k].input.value.trim());
    const s = unix(f.since.input.value);
    const u = unix(f.until.input.value);
    if (s) q.set('since', s);
    if (u) q.set('until', u);
    return q;
  }
  const befores = [null];
  async function load() {
    const q = query();
    q.set('limit', '50');
    const before = befores[befores.length - 1];
    if (before) q.set('before', String(before));
    let page;
    try { page = await api.get(`/audit?${q}`); } catch (err) {
      replace(results, h('p', { class: 'notice error', role: 'alert' }, err.message));
      return;
    }
    const rows = page.events.map((e) => [e.at || e.timestamp || '', e.actor, e.action, (e.token_ids || []).join(' '),
      e.purpose || '', e.reason || '', h('span', { class: `result ${e.result}` }, e.result || ''), h('code', {}, e.trace_id || '')]);
    const prev = h('button', { type: 'button', class: 'secondary', disabled: befores.length < 2 }, 'Newer');
    const next = h('button', { type: 'button', class: 'secondary', disabled: !page.events.length || page.events.length < 50 }, 'Older');
    prev.addEventListener('click', () => { befores.pop(); load(); });
    next.addEventListener('click', () => { befores.push(page.next_before); load(); });
    replace(results, table('Audit events, newest first', ['Time', 'User', 'Action', 'Tokens', 'Purpose', 'Reason', 'Result', 'Trace ID'], rows),
      h('div', { class: 'pager' }, prev, next));
  }
  filters.addEventListener('submit', (e) => { e.preventDefault(); befores.splice(1); load(); });
  exportButton.addEventListener('click', async () => {
    try {
      const csv = await api.get(`/audit/export?${query()}`);
      const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
      const a = h('a', { href: url, download: 'audit.csv', class: 'hidden' });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    } catch (err) { notify(err.message, 'error'); }
  });
  await load();
}
