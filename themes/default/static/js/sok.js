/* lovportal: site search. Plain ES2017, no dependencies, loaded with `defer`.
 *
 * The index (built by src/search/index.rs) is a set of script files under
 * <root>sok/ that call window.lovportalSearch.register(name, payload), so it loads
 * from file:// too. meta.js lists the term chunks and fragment groups; a query loads
 * only the chunks its words fall into, then the fragments of the results shown.
 *
 * Text processing mirrors src/search/text.rs exactly (word characters, folding,
 * Snowball Swedish stemming); tests/search_js.rs checks that the two agree.
 */
(function () {
  'use strict';

  var w = window;
  var d = document;
  var api = w.lovportalSearch = w.lovportalSearch || {};

  // ------------------------------------------------------------------ text

  var WORD = /[0-9a-zA-Z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u024F\u0300-\u036F\u0391-\u03C9\u0400-\u04FF]/;
  var HYPHEN = /[-\u2010\u2011]/;
  var IGNORABLE = /[\u00AD\u200B-\u200D]/;

  var FOLD = {};
  [
    ['a', 'àáâãäåāăą'], ['ae', 'æ'], ['c', 'çćĉċč'], ['d', 'ďđð'], ['e', 'èéêëēĕėęě'],
    ['g', 'ĝğġģ'], ['h', 'ĥħ'], ['i', 'ìíîïĩīĭįı'], ['j', 'ĵ'], ['k', 'ķ'], ['l', 'ĺļľŀł'],
    ['n', 'ñńņň'], ['o', 'òóôõöøōŏő'], ['oe', 'œ'], ['r', 'ŕŗř'], ['s', 'śŝşšſ'], ['ss', 'ß'],
    ['t', 'ţťŧ'], ['th', 'þ'], ['u', 'ùúûüũūŭůűų'], ['w', 'ŵ'], ['y', 'ýÿŷ'], ['z', 'źżž']
  ].forEach(function (row) {
    for (var i = 0; i < row[1].length; i++) FOLD[row[1].charAt(i)] = row[0];
  });

  function lower(s) { return s.toLowerCase(); }

  function fold(s) {
    var out = '';
    for (var i = 0; i < s.length; i++) {
      var c = s.charAt(i);
      var code = s.charCodeAt(i);
      if (code < 128) out += c;
      else if (code >= 0x300 && code <= 0x36f) continue;
      else out += FOLD[c] !== undefined ? FOLD[c] : c;
    }
    return out;
  }

  function normalize(s) { return fold(lower(s)); }

  /* Words: runs of word characters; runs joined by one hyphen make one word
   * ("SITHS-kort": word "sithskort", parts ["siths", "kort"]). */
  function tokenize(text) {
    var out = [];
    var i = 0;
    var n = text.length;
    while (i < n) {
      if (!WORD.test(text.charAt(i))) { i++; continue; }
      var start = i;
      var end = i;
      var parts = [''];
      while (i < n) {
        var c = text.charAt(i);
        if (WORD.test(c)) { parts[parts.length - 1] += c; i++; end = i; }
        else if (IGNORABLE.test(c)) i++;
        else if (HYPHEN.test(c) && i + 1 < n && WORD.test(text.charAt(i + 1))) { parts.push(''); i++; }
        else break;
      }
      parts = parts.map(lower);
      out.push({ raw: text.slice(start, end), start: start, end: end, word: parts.join(''),
        parts: parts.length > 1 ? parts : [] });
    }
    return out;
  }

  /* Snowball Swedish stemmer (the version in rust-stemmers 1.2). */
  var VOWELS = 'aeiouyäåö';
  var S_ENDING = 'bcdfghjklmnoprtvy';
  var MAIN_SUFFIXES = ('heterna hetens anden andes andet arens arnas ernas heten heter ornas ' +
    'ades ande arna arne aren aste erna erns orna ade are ast ens ern het ad ar as at en er ' +
    'es or a e s').split(' ');
  var PAIRS = ['dd', 'gd', 'nn', 'dt', 'gt', 'kt', 'tt'];
  var OTHER_SUFFIXES = ['fullt', 'löst', 'lig', 'els', 'ig'];

  function isVowel(c) { return c.length === 1 && VOWELS.indexOf(c) >= 0; }
  function endsWith(a, s) {
    var k = s.length;
    if (k > a.length) return false;
    for (var i = 0; i < k; i++) if (a[a.length - k + i] !== s.charAt(i)) return false;
    return true;
  }

  function stem(word) {
    var a = Array.from(word);
    var n = a.length;
    var p1 = n;
    if (n >= 3) {
      var i = 0;
      while (i < n && !isVowel(a[i])) i++;
      while (i < n && isVowel(a[i])) i++;
      if (i < n) p1 = Math.max(i + 1, 3);
    }
    var k;
    for (k = 0; k < MAIN_SUFFIXES.length; k++) {
      var suf = MAIN_SUFFIXES[k];
      if (a.length - suf.length >= p1 && endsWith(a, suf)) {
        if (suf !== 's') a.length -= suf.length;
        else if (a.length >= 2 && S_ENDING.indexOf(a[a.length - 2]) >= 0 && a[a.length - 2].length === 1) a.length -= 1;
        break;
      }
    }
    if (a.length - 2 >= p1) {
      for (k = 0; k < PAIRS.length; k++) {
        if (endsWith(a, PAIRS[k])) { a.length -= 1; break; }
      }
    }
    for (k = 0; k < OTHER_SUFFIXES.length; k++) {
      var o = OTHER_SUFFIXES[k];
      if (a.length - Array.from(o).length >= p1 && endsWith(a, o)) {
        if (o === 'fullt' || o === 'löst') a.length -= 1;
        else a.length -= o.length;
        break;
      }
    }
    return a.join('');
  }

  /* Is the edit distance (with transpositions) between a and b at most 1? */
  function within1(a, b) {
    if (a === b) return true;
    var la = a.length;
    var lb = b.length;
    if (Math.abs(la - lb) > 1) return false;
    var i = 0;
    while (i < la && i < lb && a.charAt(i) === b.charAt(i)) i++;
    if (la === lb) {
      if (a.slice(i + 1) === b.slice(i + 1)) return true;
      return i + 1 < la && a.charAt(i) === b.charAt(i + 1) && a.charAt(i + 1) === b.charAt(i) &&
        a.slice(i + 2) === b.slice(i + 2);
    }
    return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
  }

  api.text = { tokenize: tokenize, fold: fold, normalize: normalize, stem: stem, within1: within1 };

  // ------------------------------------------------------------------ loading

  var payloads = {};
  var waiting = {};
  var loading = {};

  api.register = function (name, data) {
    payloads[name] = data;
    if (waiting[name]) { waiting[name](data); delete waiting[name]; }
  };

  function root() {
    var r = d.documentElement.getAttribute('data-root') || '';
    if (r && r.charAt(r.length - 1) !== '/') r += '/';
    return r;
  }

  function load(name) {
    if (!/^[A-Za-z0-9._-]+\.js$/.test(name)) return Promise.reject(new Error('bad index file ' + name));
    if (loading[name]) return loading[name];
    var p = new Promise(function (resolve, reject) {
      if (payloads[name]) { resolve(payloads[name]); return; }
      waiting[name] = resolve;
      var s = d.createElement('script');
      s.src = root() + 'sok/' + name;
      s.async = true;
      s.onload = function () {
        if (payloads[name]) resolve(payloads[name]);
        else fail();
      };
      s.onerror = fail;
      function fail() {
        delete waiting[name];
        delete loading[name];
        reject(new Error('could not load ' + name));
      }
      (d.head || d.documentElement).appendChild(s);
    });
    loading[name] = p;
    return p;
  }

  var metaPromise = null;
  function meta() {
    if (!metaPromise) {
      metaPromise = load('meta.js').then(prepareMeta, function (e) { metaPromise = null; throw e; });
    }
    return metaPromise;
  }

  /* Numbers in the index's varint strings: base-32 digits, least significant first,
   * +32 on all digits of a number but its last. */
  var DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_';
  var DIGIT = {};
  for (var di = 0; di < DIGITS.length; di++) DIGIT[DIGITS.charAt(di)] = di;

  function varints(s) {
    var nums = [];
    var v = 0;
    var mul = 1;
    for (var i = 0; i < s.length; i++) {
      var c = DIGIT[s.charAt(i)];
      if (c === undefined) continue;
      v += (c & 31) * mul;
      mul *= 32;
      if (!(c & 32)) { nums.push(v); v = 0; mul = 1; }
    }
    return nums;
  }

  function prepareMeta(m) {
    var starts = [];
    var acc = 0;
    varints(m.frags.n).forEach(function (n) { starts.push(acc); acc += n; });
    m.fragStarts = starts;
    m.stopSet = {};
    m.stop.forEach(function (s) { m.stopSet[s] = true; });
    return m;
  }

  function chunkName(m, i) { return 'c' + i + '-' + m.chunks[i][2] + '.js'; }
  function fragName(m, g) { return 'f' + g + '-' + m.frags.h.slice(g * 6, g * 6 + 6) + '.js'; }

  /* Largest i with key(a[i]) <= x; -1 if none. */
  function floorIndex(a, x, key) {
    var lo = 0;
    var hi = a.length - 1;
    var r = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (key(a[mid]) <= x) { r = mid; lo = mid + 1; } else hi = mid - 1;
    }
    return r;
  }

  function docMuni(m, doc) {
    for (var i = 0; i < m.munis.length; i++) {
      if (doc >= m.munis[i][2] && doc < m.munis[i][3]) return m.munis[i];
    }
    return null;
  }

  function docKind(m, doc) {
    var runs = m.kindRuns;
    var lo = 0;
    var hi = runs.length / 2 - 1;
    var r = 0;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (runs[mid * 2] <= doc) { r = mid; lo = mid + 1; } else hi = mid - 1;
    }
    return m.kinds[runs[r * 2 + 1]] || 'page';
  }

  /* The chunk holding stem key k, or -1 (k falls between chunks or outside). */
  function chunkOf(m, k) {
    var i = floorIndex(m.chunks, k, function (c) { return c[0]; });
    return i >= 0 && k <= m.chunks[i][1] ? i : -1;
  }

  function loadChunk(m, i) {
    return load(chunkName(m, i)).then(function (data) {
      if (!data.byStem) {
        data.byStem = {};
        data.terms = [];
        data.s.forEach(function (g) {
          var list = [];
          for (var k = 1; k + 1 < g.length; k += 2) {
            var t = { term: g[k], f: fold(g[k]), stem: g[0], raw: g[k + 1], p: null };
            list.push(t);
            data.terms.push(t);
          }
          data.byStem[g[0]] = list;
        });
      }
      return data;
    });
  }

  /* Postings of a term: flat [doc, section, flags, ...] with absolute doc numbers. */
  function postings(t) {
    if (t.p) return t.p;
    var nums = varints(t.raw);
    var out = [];
    var doc = 0;
    for (var k = 0; k + 1 < nums.length; k += 2) {
      doc += nums[k];
      out.push(doc, Math.floor(nums[k + 1] / 128), nums[k + 1] % 128);
    }
    t.p = out;
    return out;
  }

  // ------------------------------------------------------------------ query

  var MAX_EXTRA_CHUNKS = 4;
  var Q = { exact: 1, fold: 0.9, stem: 0.75, prefix: 0.6, typo: 0.45 };

  function parseQuery(q, m) {
    var toks = tokenize(q);
    var typing = q.length > 0 && WORD.test(q.charAt(q.length - 1));
    var words = [];
    toks.forEach(function (t, i) {
      var norm = fold(t.word);
      if (norm.length < 2) return;
      var last = i === toks.length - 1 && typing;
      var stop = !!m.stopSet[norm];
      if (stop && !last) return;
      if (words.some(function (x) { return x.norm === norm; })) return;
      words.push({ raw: t.word, norm: norm, stem: stem(norm), prefix: last && norm.length >= 3,
        optional: stop, matched: [] });
    });
    return words;
  }

  /* Match a word in two steps. First the one chunk holding its stem: the word's exact,
   * folded and stemmed forms (and compounds containing it, posted under their parts).
   * Only if that finds nothing, the chunks where longer words starting with it (it is
   * being typed) or words one typo away could be: the stems that start with the word
   * and the stems that are prefixes of it. */
  function matchWord(m, word) {
    var home = chunkOf(m, word.stem);
    var first = home >= 0 ? loadChunk(m, home) : Promise.resolve(null);
    return first.then(function (chunk) {
      var out = [];
      var group = chunk ? chunk.byStem[word.stem] : null;
      (group || []).forEach(function (t) {
        var q = t.f === word.norm ? (t.term === word.raw ? Q.exact : Q.fold) : Q.stem;
        out.push({ q: q, t: t });
      });
      if (out.length || !(word.prefix || word.norm.length >= 5)) return out;

      var near = home >= 0 ? home : Math.max(0, floorIndex(m.chunks, word.stem, function (c) { return c[0]; }));
      var want = [];
      for (var i = 0; i < m.chunks.length; i++) {
        var c = m.chunks[i];
        if (c[0] <= word.norm + '\uffff' && c[1] >= word.norm) want.push(i);
      }
      for (var k = Math.max(2, word.norm.length - 11); k < word.norm.length; k++) {
        var j = chunkOf(m, word.norm.slice(0, k));
        if (j >= 0 && want.indexOf(j) < 0) want.push(j);
      }
      if (near >= 0 && want.indexOf(near) < 0 && word.norm.length >= 5) want.push(near);
      want = want.filter(function (x) { return x !== home; });
      want.sort(function (a, b) { return Math.abs(a - near) - Math.abs(b - near) || a - b; });
      want = want.slice(0, MAX_EXTRA_CHUNKS);
      if (home >= 0) want.push(home);
      return Promise.all(want.map(function (x) { return loadChunk(m, x); })).then(function (chunks) {
        chunks.forEach(function (ch) {
          ch.terms.forEach(function (t) {
            if (word.prefix && t.f.lastIndexOf(word.norm, 0) === 0) {
              out.push({ q: Q.prefix * (0.7 + 0.3 * word.norm.length / t.f.length), t: t });
            } else if (word.norm.length >= 5 && within1(word.norm, t.f)) {
              out.push({ q: Q.typo, t: t });
            }
          });
        });
        return out;
      });
    });
  }

  function fieldWeight(flags) {
    var wgt = 0;
    var tf = flags & 7;
    if (tf) wgt += 1 + 0.3 * (tf - 1);
    if (flags & 8) wgt += 5;
    if (flags & 32) wgt += 0.7;
    if (flags & 64) wgt += 3;
    return wgt;
  }

  function score(words, filter) {
    var hits = new Map();
    var nw = words.length;
    words.forEach(function (word, wi) {
      word.matched.forEach(function (mt) {
        var q = mt.q;
        var p = postings(mt.t);
        for (var k = 0; k + 2 < p.length; k += 3) {
          var doc = p[k];
          if (!filter(doc)) continue;
          var sec = p[k + 1];
          var flags = p[k + 2];
          var body = q * fieldWeight(flags);
          var total = body + ((flags & 16) ? q * 8 : 0);
          var h = hits.get(doc);
          if (!h) {
            h = { doc: doc, w: new Array(nw).fill(0), title: new Array(nw).fill(false), secs: new Map() };
            hits.set(doc, h);
          }
          if (total > h.w[wi]) h.w[wi] = total;
          if (flags & 16) h.title[wi] = true;
          var s = h.secs.get(sec);
          if (!s) { s = new Array(nw).fill(0); h.secs.set(sec, s); }
          if (body > s[wi]) s[wi] = body;
        }
      });
    });
    var required = [];
    words.forEach(function (x, i) { if (!x.optional) required.push(i); });
    var all = [];
    var some = [];
    hits.forEach(function (h) {
      var n = required.filter(function (i) { return h.w[i] > 0; }).length;
      if (n === 0 && required.length) return;
      h.score = h.w.reduce(function (a, b) { return a + b; }, 0);
      h.matchedWords = n;
      (n === required.length ? all : some).push(h);
    });
    var partial = all.length === 0 && some.length > 0;
    var list = partial ? some : all;
    list.forEach(function (h) {
      var best = -1;
      var bestScore = 0;
      h.secs.forEach(function (s, sec) {
        var sum = s.reduce(function (a, b) { return a + b; }, 0);
        if (sum > bestScore || (sum === bestScore && sum > 0 && sec < best)) { best = sec; bestScore = sum; }
      });
      // A page whose title has every word is linked as a whole (its introduction, if
      // that matches too), not at some section further down.
      var found = required.filter(function (i) { return h.w[i] > 0; });
      var titleAll = found.length > 0 && found.every(function (i) { return h.title[i]; });
      if (titleAll) {
        var s0 = h.secs.get(0);
        best = s0 && s0.some(function (x) { return x > 0; }) ? 0 : -1;
      }
      h.section = best;
    });
    list.sort(function (a, b) {
      return (b.matchedWords - a.matchedWords) || (b.score - a.score) || (a.doc - b.doc);
    });
    return { list: list, partial: partial };
  }

  function highlighter(words) {
    var exact = {};
    var needles = [];
    words.forEach(function (word) {
      word.matched.forEach(function (mt) {
        exact[mt.t.f] = true;
        if (mt.t.f.length >= 4) needles.push(mt.t.f);
      });
    });
    function hit(norm) {
      if (norm.length < 2) return false;
      if (exact[norm]) return true;
      for (var i = 0; i < words.length; i++) {
        var x = words[i];
        if (x.prefix && norm.lastIndexOf(x.norm, 0) === 0) return true;
        if (norm.lastIndexOf(x.stem, 0) === 0 && stem(norm) === x.stem) return true;
      }
      for (var j = 0; j < needles.length; j++) if (norm.indexOf(needles[j]) >= 0) return true;
      return false;
    }
    return function (tok) {
      if (hit(fold(tok.word))) return true;
      return tok.parts.some(function (p) { return hit(fold(p)); });
    };
  }

  var EXCERPT_WORDS = 26;

  /* Excerpt of text around the best cluster of matches: [{text, mark}]. */
  function excerpt(text, isHit) {
    var toks = tokenize(text);
    if (!toks.length) return text ? [{ text: text.slice(0, 200), mark: false }] : [];
    var marks = toks.map(isHit);
    var best = 0;
    var bestCount = -1;
    for (var i = 0; i < toks.length; i++) {
      if (!marks[i] && i > 0) continue;
      var c = 0;
      for (var j = i; j < Math.min(toks.length, i + EXCERPT_WORDS); j++) if (marks[j]) c++;
      if (c > bestCount) { bestCount = c; best = i; }
    }
    var from = bestCount > 0 ? Math.max(0, best - 4) : 0;
    var to = Math.min(toks.length, from + EXCERPT_WORDS);
    var parts = [];
    var pos = toks[from].start;
    if (from > 0) parts.push({ text: '… ', mark: false });
    for (var k = from; k < to; k++) {
      var t = toks[k];
      if (t.start > pos) parts.push({ text: text.slice(pos, t.start), mark: false });
      parts.push({ text: t.raw, mark: marks[k] });
      pos = t.end;
    }
    var tail = to < toks.length ? '' : text.slice(pos);
    if (tail) parts.push({ text: tail, mark: false });
    if (to < toks.length) parts.push({ text: ' …', mark: false });
    // Merge neighbours of the same kind.
    var merged = [];
    parts.forEach(function (p) {
      var last = merged[merged.length - 1];
      if (last && last.mark === p.mark) last.text += p.text; else merged.push({ text: p.text, mark: p.mark });
    });
    return merged;
  }

  var isFile = w.location && w.location.protocol === 'file:';

  function href(url, anchor) {
    var hash = '';
    var i = url.indexOf('#');
    if (i >= 0) { hash = url.slice(i); url = url.slice(0, i); }
    if (anchor) hash = '#' + anchor;
    if (isFile && (url === '' || url.charAt(url.length - 1) === '/')) url += 'index.html';
    return root() + url + hash;
  }

  function resultFor(m, h, words, isHit) {
    var g = floorIndex(m.fragStarts, h.doc, function (x) { return x; });
    return load(fragName(m, g)).then(function (frag) {
      var entry = frag.d[h.doc - m.fragStarts[g]];
      var url = entry[0];
      var sections = entry[2];
      var sec = sections[h.section >= 0 ? h.section : 0] || [null, '', ''];
      var anchor = h.section >= 0 ? sec[0] : null;
      var muni = docMuni(m, h.doc);
      var base = url.split('#')[0];
      var ex = excerpt(sec[2], isHit);
      return {
        doc: h.doc,
        url: anchor ? base + '#' + anchor : url,
        href: href(url, anchor),
        title: entry[1],
        heading: h.section >= 0 ? sec[1] : '',
        anchor: anchor,
        municipality: muni ? muni[1] : null,
        municipalitySlug: muni ? muni[0] : null,
        kind: docKind(m, h.doc),
        excerpt: ex,
        excerptText: ex.map(function (p) { return p.text; }).join(''),
        score: h.score
      };
    });
  }

  /* Search. Resolves to the results from `offset` (default 0), at most `limit`
   * (default 10), best first; the array also has `total` and `partial` (true when no
   * document has all the words and documents with some of them are shown). */
  api.query = function (q, opts) {
    opts = opts || {};
    var kommun = opts.kommun || '';
    var typ = opts.typ || '';
    var limit = opts.limit > 0 ? opts.limit : 10;
    var offset = opts.offset > 0 ? opts.offset : 0;
    return meta().then(function (m) {
      var words = parseQuery(String(q || ''), m);
      if (!words.length) { var none = []; none.total = 0; none.partial = false; return none; }
      var range = null;
      if (kommun) {
        range = [0, 0];
        m.munis.forEach(function (x) { if (x[0] === kommun) range = [x[2], x[3]]; });
      }
      var filter = function (doc) {
        if (range && (doc < range[0] || doc >= range[1])) return false;
        return !typ || docKind(m, doc) === typ;
      };
      return Promise.all(words.map(function (x) { return matchWord(m, x); })).then(function (matched) {
        words.forEach(function (x, i) { x.matched = matched[i]; });
        var r = score(words, filter);
        var isHit = highlighter(words);
        var page = r.list.slice(offset, offset + limit);
        return Promise.all(page.map(function (h) { return resultFor(m, h, words, isHit); }))
          .then(function (results) {
            results.total = r.list.length;
            results.partial = r.partial;
            return results;
          });
      });
    });
  };

  // ------------------------------------------------------------------ page

  var KIND_LABELS = {
    routine: 'Rutin', municipality: 'Kommun', system: 'System', contact: 'Kontakt',
    checklist: 'Checklista', eservice: 'E-tjänst', page: 'Sida'
  };

  function el(tag, cls, text) {
    var e = d.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function countText(n) { return n === 1 ? '1 träff' : n + ' träffar'; }

  function renderResult(r) {
    var li = el('li', 'sok-traff');
    var h = el('h2', 'sok-titel');
    var a = el('a', null, r.title);
    a.setAttribute('href', r.href);
    h.appendChild(a);
    li.appendChild(h);
    var info = [];
    if (r.municipality) info.push(r.municipality);
    info.push(KIND_LABELS[r.kind] || r.kind);
    if (r.heading && r.heading !== r.title) info.push(r.heading);
    li.appendChild(el('p', 'sok-meta', info.join(' · ')));
    if (r.excerpt.length) {
      var p = el('p', 'sok-utdrag');
      r.excerpt.forEach(function (part) {
        p.appendChild(part.mark ? el('mark', null, part.text) : d.createTextNode(part.text));
      });
      li.appendChild(p);
    }
    return li;
  }

  function initPage() {
    var form = d.getElementById('sok-form');
    var input = d.getElementById('sok-q');
    var out = d.getElementById('sok-resultat');
    if (!form || !input || !out) return;
    var kommun = d.getElementById('sok-kommun');
    var typ = d.getElementById('sok-typ');
    var PAGE = 10;
    var seq = 0;
    var timer = 0;

    var params = new URLSearchParams(w.location.search);
    if (params.get('q')) input.value = params.get('q');
    if (kommun && params.get('kommun')) kommun.value = params.get('kommun');
    if (typ && params.get('typ')) typ.value = params.get('typ');

    function opts(offset) {
      return { kommun: kommun ? kommun.value : '', typ: typ ? typ.value : '', limit: PAGE, offset: offset };
    }

    function updateUrl() {
      var p = new URLSearchParams();
      if (input.value) p.set('q', input.value);
      if (kommun && kommun.value) p.set('kommun', kommun.value);
      if (typ && typ.value) p.set('typ', typ.value);
      var qs = p.toString();
      try {
        w.history.replaceState(null, '', (qs ? '?' + qs : w.location.pathname) + w.location.hash);
      } catch (e) { /* file:// and sandboxed frames may refuse */ }
    }

    function run() {
      var q = input.value;
      var my = ++seq;
      updateUrl();
      if (!q.trim()) { out.textContent = ''; out.removeAttribute('aria-busy'); return; }
      out.setAttribute('aria-busy', 'true');
      api.query(q, opts(0)).then(function (results) {
        if (my !== seq) return;
        out.textContent = '';
        if (!results.total) {
          out.appendChild(el('p', 'sok-antal', 'Inga träffar för \u201d' + q.trim() + '\u201d.'));
        } else {
          out.appendChild(el('p', 'sok-antal', countText(results.total)));
          if (results.partial) {
            out.appendChild(el('p', 'sok-delvis', 'Ingen sida innehåller alla orden. Sidor med några av dem visas.'));
          }
          var list = el('ol', 'sok-lista');
          results.forEach(function (r) { list.appendChild(renderResult(r)); });
          out.appendChild(list);
          more(list, results.length, results.total, q, my);
        }
        out.removeAttribute('aria-busy');
      }, function () {
        if (my !== seq) return;
        out.textContent = '';
        out.appendChild(el('p', 'sok-fel', 'Sökningen kunde inte göras. Försök igen eller använd ämnesregistret.'));
        out.removeAttribute('aria-busy');
      });
    }

    function more(list, shown, total, q, my) {
      if (shown >= total) return;
      var b = el('button', 'sok-fler', 'Visa fler träffar');
      b.type = 'button';
      b.addEventListener('click', function () {
        b.disabled = true;
        api.query(q, opts(shown)).then(function (results) {
          if (my !== seq) return;
          var first = null;
          results.forEach(function (r) {
            var li = renderResult(r);
            if (!first) first = li.querySelector('a');
            list.appendChild(li);
          });
          b.parentNode.removeChild(b);
          if (first) first.focus();
          more(list, shown + results.length, total, q, my);
        }, function () { b.disabled = false; });
      });
      out.appendChild(b);
    }

    input.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(run, 200);
    });
    input.addEventListener('keydown', function (e) {
      if (e.key === 'ArrowDown') {
        var a = out.querySelector('a');
        if (a) { e.preventDefault(); a.focus(); }
      }
    });
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      clearTimeout(timer);
      run();
    });
    [kommun, typ].forEach(function (s) { if (s) s.addEventListener('change', run); });
    if (input.value) run();
  }

  if (d.readyState === 'loading') d.addEventListener('DOMContentLoaded', initPage);
  else initPage();
})();
