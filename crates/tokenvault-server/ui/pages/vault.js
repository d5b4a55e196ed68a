// Token Vault: KPI strip, charts, search and filters, pages of records, revoke with a reason,
// and reveal through a grant (purpose, reason, single use, audited) — never otherwise.

import { api } from '../api.js';
import { h, replace, field, table, dialog, notify } from '../dom.js';
import { barChart, hbarChart } from '../charts.js';

const TYPES = ['', 'email', 'phone', 'us_ssn', 'credit_card', 'iban', 'ip_address', 'date', 'dob',
  'name', 'address', 'passport_us', 'passport_ca', 'ca_sin', 'tr_tckn', 'monetary', 'case_number'];

function kpi(label, value) {
  return h('div', { class: 'kpi' }, h('span', { class: 'kpi-value' }, String(value)), h('span', { class: 'kpi-label' }, label));
}

export async function operationsChart(bucket) {
  const s = await api.get(`/audit/stats?bucket=${bucket}`);
  const labels = s.buckets.map((b) => bucket === 'hour' ? b.start.slice(11, 16) : b.start.slice(5, 10));
  return barChart(`Operations per ${bucket}${s.truncated ? ' (most recent events only)' : ''}`, labels, [
    { name: 'tokenize', cls: 'c1', values: s.buckets.map((b) => b.tokenize) },
    { name: 'detokenize', cls: 'c2', values: s.buckets.map((b) => b.detokenize) },
    { name: 'denied', cls: 'c3', values: s.buckets.map((b) => b.denied) },
  ]);
}

async function reveal(entry) {
  const purpose = field('Purpose', h('input', { name: 'purpose', required: true, value: 'customer_support' }),
    'One of the purposes the token\'s policy allows.');
  const reason = field('Reason', h('input', { name: 'reason', required: true, maxlength: 500 }),
    'Recorded in the audit trail.');
  const data = await dialog(`Reveal ${entry.token_id}`, [purpose.row, reason.row], 'Request grant and reveal');
  if (!data) return;
  try {
    const g = await api.post('/grant', { token_ids: [entry.token_id], purpose: data.purpose, reason: data.reason });
    const d = await api.post('/detokenize', { tokens: [entry.token], grant_jwt: g.grant_jwt });
    const r = d.results[0];
    const value = r.value ?? `(${r.status})`;
    const hide = h('button', { type: 'button', class: 'secondary' }, 'Hide');
    const box = h('div', { class: 'revealed', role: 'status' },
      h('span', {}, `${entry.token_id}: `), h('output', { class: 'plaintext' }, value), hide);
    hide.addEventListener('click', () => box.remove());
    document.getElementById('reveal-area').append(box);
  } catch (err) {
    notify(`Reveal refused: ${err.message}`, 'error');
  }
}

async function revoke(entry, reload) {
  const reason = field('Reason', h('input', { name: 'reason', required: true, maxlength: 500 }));
  const data = await dialog(`Revoke ${entry.token_id}`, [reason.row,
    h('p', {}, 'A revoked token can never be detokenized again.')], 'Revoke');
  if (!data) return;
  try {
    await api.del(`/vault/${encodeURIComponent(entry.token_id)}`, { reason: data.reason });
    notify(`${entry.token_id} revoked`);
    await reload();
  } catch (err) {
    notify(err.message, 'error');
  }
}

export async function vaultPage(main, { permissions }) {
  const kpis = h('section', { class: 'kpis', 'aria-label': 'Key figures' });
  const charts = h('section', { class: 'charts', 'aria-label': 'Charts' });
  const search = field('Token ID', h('input', { name: 'token_id', placeholder: 'tok_…' }));
  const type = field('PII type', h('select', { name: 'pii_type' }, TYPES.map((t) => h('option', { value: t }, t || 'any'))));
  const status = field('Status', h('select', { name: 'status' },
    ['', 'active', 'revoked', 'expired'].map((t) => h('option', { value: t }, t || 'any'))));
  const filters = h('form', { class: 'filters', role: 'search' }, search.row, type.row, status.row,
    h('button', { type: 'submit' }, 'Search'));
  const results = h('section', { 'aria-label': 'Tokens' });
  main.append(kpis, charts, filters, h('div', { id: 'reveal-area' }), results);

  const u = await api.get('/usage').catch(() => null);
  if (u) {
    replace(kpis, kpi('Total tokens', u.tokens_created), kpi('Active', u.active), kpi('Revoked', u.revoked),
      kpi('Expired', u.expired), kpi('Operations this billing period', u.operations_this_period));
  }
  const stats = await api.get('/vault/stats');
  charts.append(hbarChart('Tokens by type and mode', stats.by_type_and_mode.map((r, i) => ({
    label: `${r.pii_type} · ${r.mode}`, value: r.count, cls: `c${(i % 3) + 1}`,
  }))));
  if (permissions.has('audit:read')) charts.append(await operationsChart('hour'));

  const cursors = [null];
  async function load() {
    const q = new URLSearchParams({ limit: '20' });
    if (search.input.value.trim()) q.set('token_id', search.input.value.trim());
    if (type.input.value) q.set('pii_type', type.input.value);
    if (status.input.value) q.set('status', status.input.value);
    const cursor = cursors[cursors.length - 1];
    if (cursor) q.set('cursor', cursor);
    let page;
    try {
      page = await api.get(`/vault?${q}`);
    } catch (err) {
      replace(results, h('p', { class: 'notice error', role: 'alert' }, err.message));
      return;
    }
    const rows = page.entries.map((e) => {
      const actions = h('div', { class: 'row-actions' });
      if (e.status === 'active') {
        actions.append(h('button', { type: 'button', class: 'secondary', onclick: () => reveal(e), 'aria-label': `Reveal ${e.token_id}` }, 'Reveal'));
        if (permissions.has('vault:revoke')) {
          actions.append(h('button', { type: 'button', class: 'danger', onclick: () => revoke(e, load), 'aria-label': `Revoke ${e.token_id}` }, 'Revoke'));
        }
      }
      return [h('code', {}, e.token_id), e.pii_type, e.mode, h('span', { class: `status ${e.status}` }, e.status),
        e.policy_id, e.created_at, e.revoke_reason || '', actions];
    });
    const prev = h('button', { type: 'button', class: 'secondary', disabled: cursors.length < 2 }, 'Previous page');
    const next = h('button', { type: 'button', class: 'secondary', disabled: !page.has_more }, 'Next page');
    prev.addEventListener('click', () => { cursors.pop(); load(); });
    next.addEventListener('click', () => { cursors.push(page.next_cursor); load(); });
    replace(results,
      table('Tokens, newest first', ['Token ID', 'Type', 'Mode', 'Status', 'Policy', 'Created', 'Revoke reason', ''], rows),
      h('div', { class: 'pager' }, prev, next));
  }
  filters.addEventListener('submit', (e) => { e.preventDefault(); cursors.splice(1); load(); });
  await load();
}
