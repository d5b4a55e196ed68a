// Building the page without innerHTML: every text from the server or the user becomes a text
// node, so nothing it holds can run as markup.

/** An element: `h('button', {class: 'x', onclick: f}, 'text', child)`. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2), value);
    } else if (value === true) {
      el.setAttribute(name, '');
    } else {
      el.setAttribute(name, String(value));
    }
  }
  append(el, children);
  return el;
}

/** An SVG element. */
export function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value !== undefined && value !== null) el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replaces an element's children. */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
}

let fieldSeq = 0;

/** A labelled form control with a place for its error: `{row, input, error}`. */
export function field(label, input, hint) {
  const id = input.id || `f${++fieldSeq}`;
  input.id = id;
  const error = h('p', { class: 'field-error', id: `${id}-error`, role: 'alert' });
  input.setAttribute('aria-describedby', `${id}-error`);
  const row = h('div', { class: 'field' },
    h('label', { for: id }, label), input, hint ? h('p', { class: 'hint' }, hint) : null, error);
  return { row, input, error };
}

/** Shows `message` under a field (empty clears it). */
export function setError(f, message) {
  f.error.textContent = message || '';
  if (message) f.input.setAttribute('aria-invalid', 'true');
  else f.input.removeAttribute('aria-invalid');
}

/** A table from column headers and rows of cells. */
export function table(caption, headers, rows) {
  return h('table', {},
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, headers.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, rows.length
      ? rows.map((r) => h('tr', {}, r.map((c) => h('td', {}, c))))
      : h('tr', {}, h('td', { colspan: headers.length, class: 'empty' }, 'Nothing here yet.'))));
}

/** A modal dialog; resolves with the form's data on submit, null on cancel. */
export function dialog(title, body, submitLabel) {
  return new Promise((resolve) => {
    const form = h('form', { method: 'dialog' });
    const d = h('dialog', { 'aria-labelledby': 'dialog-title' },
      h('h2', { id: 'dialog-title' }, title), form);
    const cancel = h('button', { type: 'button', class: 'secondary' }, 'Cancel');
    form.append(...body, h('div', { class: 'actions' }, cancel,
      h('button', { type: 'submit' }, submitLabel)));
    cancel.addEventListener('click', () => { d.close(); resolve(null); });
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const data = Object.fromEntries(new FormData(form).entries());
      d.close();
      resolve(data);
    });
    d.addEventListener('cancel', () => resolve(null));
    d.addEventListener('close', () => d.remove());
    document.body.append(d);
    d.showModal();
  });
}

/** A short message at the top of the page. */
export function notify(message, kind = 'info') {
  const area = document.getElementById('notices');
  if (!area) return;
  const n = h('p', { class: `notice ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, message);
  area.append(n);
  setTimeout(() => n.remove(), 8000);
}
