// Object Vault: collections (their properties and token counts) and pages of objects, every
// value masked where its type has a mask and left out where it has none.

import { api } from '../api.js';
import { h, replace, field, table } from '../dom.js';

export async function objectsPage(main) {
  const { collections } = await api.get('/collections');
  main.append(table('Collections', ['Name', 'Type', 'Properties', 'Active tokens', 'Archived tokens'],
    collections.map((c) => [c.name, c.type, c.properties.map((p) => `${p.name} (${p.data_type}${p.is_unique ? ', unique' : ''})`).join(', '),
      String(c.tokens.active), String(c.tokens.archived)])));
  if (!collections.length) return;
  const choose = field('Collection', h('select', {}, collections.map((c) => h('option', { value: c.name }, c.name))));
  const area = h('section', { 'aria-label': 'Objects' });
  main.append(choose.row, area);
  const cursors = [null];
  async function load() {
    const name = choose.input.value;
    const q = new URLSearchParams();
    const cursor = cursors[cursors.length - 1];
    if (cursor) q.set('cursor', cursor);
    const page = await api.get(`/collections/${encodeURIComponent(name)}/objects?${q}`);
    const c = collections.find((x) => x.name === name);
    const shown = c.properties.filter((p) => !page.hidden.includes(p.name)).map((p) => p.name);
    const rows = page.results.map((o) => [h('code', {}, o._id), o._creation_time || '',
      ...shown.map((p) => { const v = o[`${p}.mask`]; return v === null || v === undefined ? '' : String(v); })]);
    const prev = h('button', { type: 'button', class: 'secondary', disabled: cursors.length < 2 }, 'Previous page');
    const next = h('button', { type: 'button', class: 'secondary', disabled: !page.cursor }, 'Next page');
    prev.addEventListener('click', () => { cursors.pop(); load(); });
    next.addEventListener('click', () => { cursors.push(page.cursor); load(); });
    replace(area,
      table(`Objects of ${name} (masked)`, ['ID', 'Created', ...shown.map((p) => `${p} (masked)`)], rows),
      page.hidden.length ? h('p', { class: 'hint' }, `Not shown (their types have no mask): ${page.hidden.join(', ')}. Values are revealed only through a grant.`) : null,
      h('div', { class: 'pager' }, prev, next));
  }
  choose.input.addEventListener('change', () => { cursors.splice(1); load(); });
  await load();
}
