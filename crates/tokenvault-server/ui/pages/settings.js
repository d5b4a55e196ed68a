// Settings: the tenant's quota and two-person rule, the kill switch (with a confirmation),
// key versions and rotation, and dashboard users.

import { api } from '../api.js';
import { h, replace, field, table, dialog, notify } from '../dom.js';

async function tenantSection(section, permissions) {
  const t = await api.get('/tenant');
  const quota = field('Monthly quota (operations; empty for none)', h('input', { type: 'number', min: 0, value: t.quota ?? '' }));
  const twoPerson = field('Two-person rule for widening changes', h('input', { type: 'checkbox', checked: t.two_person_rule }));
  const save = h('button', { type: 'submit' }, 'Save');
  const form = h('form', { class: 'editor' }, quota.row, twoPerson.row, save);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await api.put('/tenant/settings', { quota: quota.input.value === '' ? null : Number(quota.input.value), two_person_rule: twoPerson.input.checked });
      notify('Settings saved');
    } catch (err) { notify(err.message, 'error'); }
  });
  const kill = h('button', { type: 'button', class: t.kill_switch ? 'secondary' : 'danger', disabled: !permissions.has('killswitch:manage') },
    t.kill_switch ? 'Turn the kill switch off' : 'Turn the kill switch on');
  kill.addEventListener('click', async () => {
    const confirm = field(`Type ${t.name} to confirm`, h('input', { name: 'confirm', required: true }));
    const data = await dialog(t.kill_switch ? 'Resume tokenization?' : 'Stop all tokenization?', [
      h('p', {}, t.kill_switch ? 'Tokenize requests will be served again.' : 'Every tokenize request of this tenant will be refused until the switch is turned off.'),
      confirm.row], 'Confirm');
    if (!data) return;
    if (data.confirm !== t.name) { notify('The confirmation did not match; nothing changed.', 'error'); return; }
    try { await api.put('/tenant/kill-switch', { on: !t.kill_switch }); notify('Kill switch changed'); await tenantSection(section, permissions); } catch (err) { notify(err.message, 'error'); }
  });
  replace(section, h('h2', {}, `Tenant ${t.name}`),
    h('p', {}, 'Kill switch: ', h('strong', { class: t.kill_switch ? 'status revoked' : 'status active' }, t.kill_switch ? 'ON (tokenization stopped)' : 'off')),
    kill, form);
}

async function keysSection(section) {
  const k = await api.get('/keys');
  const rotate = h('button', { type: 'button', class: 'secondary' }, 'Rotate keys');
  rotate.addEventListener('click', async () => {
    const ok = await dialog('Rotate the tenant key?', [h('p', {}, 'New tokens use a new key version; existing tokens keep working.')], 'Rotate');
    if (!ok) return;
    try { await api.post('/keys/rotate', {}); notify('Keys rotated'); await keysSection(section); } catch (err) { notify(err.message, 'error'); }
  });
  replace(section, h('h2', {}, 'Key versions'), h('p', {}, `Current version: ${k.current_version}`),
    table('Key versions', ['Version', 'Created'], k.versions.map((v) => [String(v.version), v.created_at])), rotate);
}

async function usersSection(section) {
  const { users } = await api.get('/users');
  const add = h('button', { type: 'button' }, 'Add user');
  add.addEventListener('click', async () => {
    const login = field('Login', h('input', { name: 'login', required: true }));
    const password = field('Password (12 characters or more)', h('input', { name: 'password', type: 'password', required: true, minlength: 12, autocomplete: 'new-password' }));
    const roles = field('Roles', h('input', { name: 'roles', required: true, value: 'auditor' }), 'Comma-separated.');
    const data = await dialog('New dashboard user', [login.row, password.row, roles.row], 'Add');
    if (!data) return;
    try {
      await api.post('/users', { login: data.login, password: data.password, roles: data.roles.split(',').map((r) => r.trim()).filter(Boolean) });
      notify(`${data.login} added`);
      await usersSection(section);
    } catch (err) { notify(err.message, 'error'); }
  });
  const rows = users.map((u) => [u.login, u.roles.join(', '), u.disabled ? 'disabled' : (u.locked ? 'locked' : 'active'), u.created_at,
    h('div', { class: 'row-actions' },
      h('button', { type: 'button', class: 'secondary', onclick: async () => {
        try { await api.put(`/users/${encodeURIComponent(u.login)}`, { disabled: !u.disabled }); await usersSection(section); } catch (err) { notify(err.message, 'error'); }
      } }, u.disabled ? 'Enable' : 'Disable'),
      h('button', { type: 'button', class: 'danger', onclick: async () => {
        const ok = await dialog(`Remove ${u.login}?`, [h('p', {}, 'Their sessions end now.')], 'Remove');
        if (!ok) return;
        try { await api.del(`/users/${encodeURIComponent(u.login)}`); await usersSection(section); } catch (err) { notify(err.message, 'error'); }
      } }, 'Remove'))]);
  replace(section, h('h2', {}, 'Dashboard users'), add, table('Users', ['Login', 'Roles', 'State', 'Created', ''], rows));
}

export async function settingsPage(main, { permissions }) {
  const tenant = h('section', { 'aria-label': 'Tenant' });
  const keys = h('section', { 'aria-label': 'Keys' });
  const users = h('section', { 'aria-label': 'Users' });
  main.append(tenant, keys, users);
  await tenantSection(tenant, permissions);
  if (permissions.has('keys:manage')) await keysSection(keys);
  if (permissions.has('users:manage')) await usersSection(users);
}
