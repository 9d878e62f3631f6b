// Node harness for the search page UI of sok.js: a tiny DOM with the markup contract
// (#sok-form, #sok-q, #sok-kommun, #sok-typ, #sok-resultat), driven like a user.
//
//   node ui_harness.js <site dir> <data-root> <sok.js> <location.search>
//
// Prints JSON: {renders: [text of #sok-resultat after each step], urls: [...],
// marks: [...], links: [...], focus: ...}.
'use strict';
const fs = require('fs');
const path = require('path');
const vm = require('vm');

const [site, rootAttr, sokJs, search] = process.argv.slice(2);

class Node_ {
  constructor(tag) {
    this.tagName = tag ? tag.toUpperCase() : '#text';
    this.children = [];
    this.attrs = {};
    this.listeners = {};
    this.parentNode = null;
    this._text = '';
    this.className = '';
  }
  appendChild(c) { c.parentNode = this; this.children.push(c); if (this.onAppend) this.onAppend(c); return c; }
  removeChild(c) { this.children = this.children.filter((x) => x !== c); c.parentNode = null; return c; }
  setAttribute(k, v) { this.attrs[k] = String(v); }
  getAttribute(k) { return k in this.attrs ? this.attrs[k] : null; }
  removeAttribute(k) { delete this.attrs[k]; }
  addEventListener(t, f) { (this.listeners[t] = this.listeners[t] || []).push(f); }
  dispatch(t, e) { (this.listeners[t] || []).forEach((f) => f(e || { preventDefault() {}, key: '' })); }
  get textContent() { return this.tagName === '#text' ? this._text : this.children.map((c) => c.textContent).join(''); }
  set textContent(v) { this.children = []; if (this.tagName === '#text') this._text = String(v); else if (v !== '') { const t = new Node_(); t._text = String(v); this.appendChild(t); } }
  all(pred, out = []) { for (const c of this.children) { if (pred(c)) out.push(c); c.all(pred, out); } return out; }
  querySelector(sel) { return this.all((c) => c.tagName === sel.toUpperCase())[0] || null; }
  focus() { focused = this; }
}
let focused = null;

const byId = {};
function mk(tag, id) { const n = new Node_(tag); if (id) byId[id] = n; return n; }
const form = mk('form', 'sok-form');
const input = mk('input', 'sok-q');
input.value = '';
const kommun = mk('select', 'sok-kommun');
kommun.value = '';
const typ = mk('select', 'sok-typ');
typ.value = '';
const out = mk('div', 'sok-resultat');
const head = mk('head');
const urls = [];

const ctx = { console, setTimeout, clearTimeout, Promise, URLSearchParams, Map, Set };
ctx.window = ctx;
ctx.location = { protocol: 'file:', search: search || '', pathname: '/x/sok/index.html', hash: '' };
ctx.history = { replaceState(_s, _t, url) { urls.push(url); if (urls.length === 2) throw new Error('SecurityError'); } };
head.onAppend = (s) => {
  if (s.tagName !== 'SCRIPT') return;
  setTimeout(() => {
    const file = path.resolve(path.join(site, 'sok'), s.src);
    let text;
    try { text = fs.readFileSync(file, 'utf8'); } catch (e) { s.onerror && s.onerror(e); return; }
    vm.runInContext(text, ctx);
    s.onload && s.onload();
  }, 0);
};
ctx.document = {
  readyState: 'complete',
  head,
  documentElement: { getAttribute: (n) => (n === 'data-root' ? rootAttr : null) },
  createElement: (tag) => new Node_(tag),
  createTextNode: (t) => { const n = new Node_(); n._text = String(t); return n; },
  getElementById: (id) => byId[id] || null,
  addEventListener() {}
};
vm.createContext(ctx);
vm.runInContext(fs.readFileSync(sokJs, 'utf8'), ctx);

const wait = (ms) => new Promise((r) => setTimeout(r, ms));
const snapshot = () => ({
  text: out.textContent,
  busy: out.getAttribute('aria-busy'),
  marks: out.all((c) => c.tagName === 'MARK').map((m) => m.textContent),
  links: out.all((c) => c.tagName === 'A').map((a) => a.getAttribute('href')),
  buttons: out.all((c) => c.tagName === 'BUTTON').length
});

(async () => {
  const steps = [];
  await wait(50);
  steps.push(Object.assign({ step: 'initial', input: input.value, kommun: kommun.value }, snapshot()));
  // Typing: several input events, one search after the debounce.
  for (const v of ['y', 'yu', 'yubikey']) { input.value = v; input.dispatch('input'); await wait(20); }
  await wait(400);
  steps.push(Object.assign({ step: 'typed' }, snapshot()));
  input.value = 'xyzzy';
  form.dispatch('submit');
  await wait(100);
  steps.push(Object.assign({ step: 'nothing' }, snapshot()));
  input.value = 'ansökan';
  kommun.value = 'harryda';
  kommun.dispatch('change');
  await wait(100);
  steps.push(Object.assign({ step: 'filtered' }, snapshot()));
  input.dispatch('keydown', { key: 'ArrowDown', preventDefault() {} });
  steps.push({ step: 'arrow', focus: focused && focused.getAttribute('href') });
  input.value = '';
  form.dispatch('submit');
  await wait(50);
  steps.push(Object.assign({ step: 'cleared' }, snapshot()));
  process.stdout.write(JSON.stringify({ steps, urls }));
})().catch((e) => { console.error(e); process.exit(1); });
