// The API as the signed-in user: the session cookie goes by itself (same origin), and every
// request carries the session's CSRF token in a header.

export class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(e.detail || e.message || `HTTP ${status}`);
    this.status = status;
    this.code = e.code;
    this.body = body;
  }
}

const state = { csrf: null, user: null };

export function currentUser() { return state.user; }

async function send(method, path, body) {
  const headers = { 'x-csrf-token': state.csrf || '' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const r = await fetch(path, {
    method, headers, credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = null; }
  if (!r.ok) {
    if (r.status === 401 && path !== '/ui/session') window.dispatchEvent(new Event('signed-out'));
    throw new ApiError(r.status, json);
  }
  return json ?? text;
}

/** The tokens API (`/api/v1/tokens` + path). */
export const api = {
  get: (p) => send('GET', `/api/v1/tokens${p}`),
  post: (p, b) => send('POST', `/api/v1/tokens${p}`, b ?? {}),
  put: (p, b) => send('PUT', `/api/v1/tokens${p}`, b ?? {}),
  del: (p, b) => send('DELETE', `/api/v1/tokens${p}`, b),
  pii: (action, b) => send('POST', `/api/client/v1/pii/${action}`, b),
  raw: send,
};

/** Signs in; the user, with the CSRF token kept for later requests. */
export async function signIn(login, password) {
  const u = await send('POST', '/ui/session', { login, password });
  state.csrf = u.csrf_token;
  state.user = u;
  return u;
}

/** The signed-in user of this browser, if any. */
export async function resume() {
  try {
    const u = await send('GET', '/ui/session');
    state.csrf = u.csrf_token;
    state.user = u;
    return u;
  } catch {
    return null;
  }
}

export async function signOut() {
  try { await send('DELETE', '/ui/session'); } finally {
    state.csrf = null;
    state.user = null;
  }
}
