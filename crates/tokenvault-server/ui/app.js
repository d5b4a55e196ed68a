// The dashboard's shell: sign-in, navigation by the user's permissions, and the pages.

import { api, resume, signIn, signOut, currentUser } from './api.js';
import { h, replace, field, setError } from './dom.js';
import { vaultPage } from './pages/vault.js';
import { policiesPage } from './pages/policies.js';
import { auditPage } from './pages/audit.js';
import { piiPage } from './pages/pii.js';
import { integrationsPage } from './pages/integrations.js';
import { settingsPage } from './pages/settings.js';
import { objectsPage } from './pages/objects.js';

const PAGES = [
  { path: 'vault', title: 'Token Vault', needs: 'vault:read', render: vaultPage },
  { path: 'policies', title: 'Token Policies', needs: 'policies:read', render: policiesPage },
  { path: 'objects', title: 'Object Vault', needs: 'vault:read', render: objectsPage },
  { path: 'audit', title: 'Detokenize Audit', needs: 'audit:read', render: auditPage },
  { path: 'pii', title: 'PII', needs: 'policies:read', render: piiPage },
  { path: 'integrations', title: 'Integrations', needs: 'apikeys:manage', render: integrationsPage },
  { path: 'settings', title: 'Settings', needs: 'tenant:settings', render: settingsPage },
];

const app = document.getElementById('app');
let permissions = new Set();

function signInForm(message) {
  const login = field('Login', h('input', { name: 'login', autocomplete: 'username', required: true }));
  const password = field('Password', h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true }));
  const form = h('form', { class: 'sign-in', 'aria-labelledby': 'sign-in-title' },
    h('h1', { id: 'sign-in-title' }, 'Sign in to tokenvault'),
    login.row, password.row,
    h('button', { type: 'submit' }, 'Sign in'));
  if (message) setError(password, message);
  fetch('/ui/config').then((r) => r.json()).then((c) => {
    if (c.oidc) {
      form.append(h('p', { class: 'or' }, 'or'),
        h('a', { class: 'button', href: '/ui/oidc/start' }, `Sign in with ${c.oidc.name}`));
    }
  }).catch(() => {});
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    setError(password, '');
    try {
      await signIn(login.input.value.trim(), password.input.value);
      await start();
    } catch (err) {
      password.input.value = '';
      setError(password, err.message);
      password.input.focus();
    }
  });
  replace(app, h('main', { id: 'main' }, form));
  login.input.focus();
}

function pageFromLocation() {
  const path = location.pathname.replace(/^\/ui\/?/, '').split('/')[0];
  const allowed = PAGES.filter((p) => permissions.has(p.needs));
  return allowed.find((p) => p.path === path) || allowed[0] || null;
}

async function show() {
  const user = currentUser();
  const page = pageFromLocation();
  const nav = h('nav', { 'aria-label': 'Sections' }, h('ul', {},
    PAGES.filter((p) => permissions.has(p.needs)).map((p) => h('li', {},
      h('a', { href: `/ui/${p.path}`, 'aria-current': page && p.path === page.path ? 'page' : null, 'data-page': p.path }, p.title)))));
  const out = h('button', { type: 'button', class: 'secondary', id: 'sign-out' }, 'Sign out');
  out.addEventListener('click', async () => { await signOut(); signInForm(); });
  const main = h('main', { id: 'main', tabindex: '-1' });
  replace(app,
    h('header', { class: 'top' }, h('span', { class: 'brand' }, 'tokenvault'), nav,
      h('span', { class: 'who' }, `${user.login} (${user.roles.join(', ')})`), out),
    h('div', { id: 'notices', 'aria-live': 'polite' }),
    main);
  if (!page) {
    main.append(h('h1', {}, 'Nothing to show'),
      h('p', {}, 'None of your roles holds a permission a dashboard page needs. Ask an administrator.'));
    return;
  }
  document.title = `${page.title} · tokenvault`;
  main.append(h('h1', {}, page.title));
  try {
    await page.render(main, { permissions });
  } catch (err) {
    main.append(h('p', { class: 'notice error', role: 'alert' }, err.message));
  }
}

async function start() {
  const me = await api.get('/permissions');
  permissions = new Set(me.permissions);
  await show();
}

document.addEventListener('click', (e) => {
  const a = e.target.closest && e.target.closest('a[data-page]');
  if (!a || e.ctrlKey || e.metaKey || e.shiftKey) return;
  e.preventDefault();
  history.pushState(null, '', a.getAttribute('href'));
  show();
});
window.addEventListener('popstate', () => { if (currentUser()) show(); });
window.addEventListener('signed-out', () => signInForm('Your session has ended; sign in again.'));

(async () => {
  if (await resume()) await start();
  else signInForm();
})();
