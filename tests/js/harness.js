// Node harness for sok.js: a minimal DOM shim that loads the index's script files
// from disk, so the client can be exercised without a browser.
//
//   node harness.js <site dir> <page path> <data-root> <sok.js> < commands.json
//
// commands.json: {"texts": ["…"], "queries": [{"q": "…", "kommun": "", "typ": ""}]}
// Prints {"texts": [[word, normalized, stem], …] per text, "queries": [{results,
// total, partial, loaded: [[file, bytes], …]}]}. Every query runs in a fresh context
// (nothing cached), so `loaded` is what that query alone needs.
'use strict';
const fs = require('fs');
const path = require('path');
const vm = require('vm');

const [site, pagePath, rootAttr, sokJs] = process.argv.slice(2);
const code = fs.readFileSync(sokJs, 'utf8');

function makeContext(loaded) {
  const pageDir = path.dirname(path.join(site, pagePath));
  const ctx = { console, setTimeout, clearTimeout, Promise, URLSearchParams, Map, Set };
  ctx.window = ctx;
  ctx.location = { protocol: 'http:', search: '', pathname: '/' + pagePath, hash: '' };
  const head = {
    appendChild(s) {
      setTimeout(() => {
        let file;
        if (s.src.startsWith('/')) {
          // Absolute base: the root attribute maps to the site directory.
          file = path.join(site, s.src.slice(rootAttr.length));
        } else {
          file = path.resolve(pageDir, s.src);
        }
        let text;
        try { text = fs.readFileSync(file, 'utf8'); } catch (e) { s.onerror && s.onerror(e); return; }
        loaded.push([path.relative(site, file), Buffer.byteLength(text)]);
        vm.runInContext(text, ctx, { filename: file });
        s.onload && s.onload();
      }, 0);
    }
  };
  ctx.document = {
    readyState: 'complete',
    head,
    documentElement: { getAttribute: (n) => (n === 'data-root' ? rootAttr : null) },
    createElement: (tag) => ({ tagName: tag.toUpperCase() }),
    getElementById: () => null,
    addEventListener() {}
  };
  vm.createContext(ctx);
  vm.runInContext(code, ctx, { filename: sokJs });
  return ctx;
}

async function main() {
  const cmds = JSON.parse(fs.readFileSync(0, 'utf8'));
  const out = { texts: [], queries: [] };
  const base = makeContext([]);
  const t = base.lovportalSearch.text;
  for (const text of cmds.texts || []) {
    out.texts.push(t.tokenize(text).map((tok) => {
      const n = t.fold(tok.word);
      return [tok.word, n, t.stem(n), tok.parts, tok.raw, tok.start];
    }));
  }
  for (const q of cmds.queries || []) {
    const loaded = [];
    const ctx = makeContext(loaded);
    try {
      const r = await ctx.lovportalSearch.query(q.q, q);
      out.queries.push({
        q: q.q,
        total: r.total,
        partial: r.partial,
        results: r.map((x) => ({
          url: x.url, href: x.href, title: x.title, heading: x.heading,
          municipality: x.municipality, kind: x.kind, excerpt: x.excerpt, score: x.score
        })),
        loaded
      });
    } catch (e) {
      out.queries.push({ q: q.q, error: String(e && e.stack || e), loaded });
    }
  }
  process.stdout.write(JSON.stringify(out));
}
main().catch((e) => { console.error(e); process.exit(1); });
