/* search.js: offline search of the guide.
 *
 * The index (search-index.js at the site root, written by the generator;
 * see generator/search.h: a large site's comes as a manifest and parts
 * under search/) is loaded with <script> elements rather than fetch() so
 * that search works when the site is opened from file:// too.
 * Its location and the site root are worked out from this script's own
 * address: assets live one level under the root. A layout names a
 * fingerprinted index with data-index on this script's tag, relative to
 * this script (both live in assets/, so it is the bare file name); without
 * it the index is ../search-index.js, at the root.
 *
 * The query is cut into terms exactly as the index was: CJK characters
 * into bigrams (a single character stays a unigram), ASCII letters and
 * digits into lowercased words, matched by prefix. Pages holding every
 * term come first; near misses, holding half of them or more, follow and
 * the status line counts them. The result
 * list is an ARIA combobox/listbox: arrow keys move, Enter opens, Escape
 * closes, and a live region announces the count. A ?q= in the page's
 * address is searched on load. */
(function () {
  'use strict';

  var script = document.currentScript ||
    document.querySelector('script[src*="search"][src$=".js"]');
  if (!script || !script.src) return;
  var ROOT = new URL('../', script.src);
  var INDEX = new URL(script.getAttribute('data-index') || '../search-index.js',
    script.src);
  var MAX_RESULTS = 10;

  var index = null;      // window.CERTHALL_SEARCH once loaded
  var asciiKeys = null;  // sorted ASCII terms, for prefix matching
  var loading = false;
  var waiting = [];

  function addScript(href, onload, onerror) {
    var s = document.createElement('script');
    s.src = href;
    s.async = true;
    s.onload = onload;
    s.onerror = onerror;
    document.head.appendChild(s);
  }

  // The parts of a large site's index as one index of the same layout:
  // pages numbered on from part to part, each term's postings joined
  // (the first gap of a part counts from the last id before it).
  function merge(parts) {
    var pages = [];
    var terms = {};
    var last = new Map();
    parts.forEach(function (p) {
      var base = pages.length;
      for (var i = 0; i < p.pages.length; i++) pages.push(p.pages[i]);
      Object.keys(p.terms).forEach(function (t) {
        var list = p.terms[t];
        var out = own(terms, t) ? terms[t] : (terms[t] = []);
        var prev = last.has(t) ? last.get(t) : 0;
        for (var k = 0, id = 0; k < list.length; k++) {
          id += Math.floor(list[k] / 64);
          out.push((base + id - prev) * 64 + list[k] % 64);
          prev = base + id;
        }
        last.set(t, prev);
      });
    });
    return { v: 1, pages: pages, terms: terms };
  }

  // search-index.js is either the whole index (window.CERTHALL_SEARCH) or
  // a manifest of parts (window.CERTHALL_SEARCH_MANIFEST) loaded next,
  // each by its own <script> element, and joined.
  function loadParts(done) {
    var m = window.CERTHALL_SEARCH_MANIFEST;
    if (window.CERTHALL_SEARCH || !m || !m.shards) { done(); return; }
    var left = m.shards.length;
    var failed = false;
    var one = function () {
      if (--left > 0) return;
      var got = window.CERTHALL_SEARCH_PARTS || {};
      var parts = [];
      for (var i = 0; i < m.shards.length; i++) {
        if (!got[i]) failed = true;
        else parts.push(got[i]);
      }
      if (!failed) window.CERTHALL_SEARCH = merge(parts);
      done();
    };
    if (!left) { window.CERTHALL_SEARCH = merge([]); done(); return; }
    m.shards.forEach(function (sh) {
      addScript(new URL(sh[0], INDEX).href, one, function () { failed = true; one(); });
    });
  }

  function loadIndex(done) {
    if (index) { done(); return; }
    waiting.push(done);
    if (loading) return;
    loading = true;
    var finish = function () {
      index = window.CERTHALL_SEARCH || null;
      if (index) {
        asciiKeys = Object.keys(index.terms).filter(function (k) {
          return k.charCodeAt(0) < 128;
        }).sort();
      }
      var w = waiting;
      waiting = [];
      w.forEach(function (f) { f(); });
    };
    if (window.CERTHALL_SEARCH) { finish(); return; }
    if (window.CERTHALL_SEARCH_MANIFEST) { loadParts(finish); return; }
    addScript(INDEX.href, function () { loadParts(finish); },
      function () { loading = false; finish(); });
  }

  function isCJK(c) {
    return (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
      (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x2FA1F);
  }

  // Full-width letters and digits count as their ASCII forms, as in the index.
  function wordChar(c) {
    if (c >= 0xFF10 && c <= 0xFF19) c -= 0xFF10 - 48;
    else if (c >= 0xFF21 && c <= 0xFF3A) c -= 0xFF21 - 65;
    else if (c >= 0xFF41 && c <= 0xFF5A) c -= 0xFF41 - 97;
    if (c >= 65 && c <= 90) c += 32;
    if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) return String.fromCharCode(c);
    return '';
  }

  // The query as a list of {term, prefix}: prefix for ASCII words.
  function queryTerms(q) {
    var out = [];
    var seen = {};
    var word = '';
    var run = [];
    function add(t, prefix) {
      if (!seen[t]) { seen[t] = 1; out.push({ term: t, prefix: prefix }); }
    }
    function flushWord() { if (word) add(word, true); word = ''; }
    function flushRun() {
      if (run.length === 1) add(run[0], false);
      for (var i = 1; i < run.length; i++) add(run[i - 1] + run[i], false);
      run = [];
    }
    for (var ch of q) {
      var c = ch.codePointAt(0);
      var a = wordChar(c);
      if (a) { flushRun(); word += a; continue; }
      flushWord();
      if (isCJK(c)) run.push(ch); else flushRun();
    }
    flushWord();
    flushRun();
    return out;
  }

  function own(o, k) { return Object.prototype.hasOwnProperty.call(o, k); }

  // id -> weight for one query term.
  function postings(t) {
    var m = new Map();
    var add = function (list, bonus) {
      // Each entry is the gap from the previous id times 64 plus the weight.
      for (var i = 0, id = 0; i < list.length; i++) {
        id += Math.floor(list[i] / 64);
        var w = list[i] % 64 + bonus;
        if (!m.has(id) || m.get(id) < w) m.set(id, w);
      }
    };
    if (!t.prefix) {
      if (own(index.terms, t.term)) add(index.terms[t.term], 0);
      return m;
    }
    var lo = 0, hi = asciiKeys.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (asciiKeys[mid] < t.term) lo = mid + 1; else hi = mid;
    }
    for (var j = lo; j < asciiKeys.length && asciiKeys[j].lastIndexOf(t.term, 0) === 0; j++)
      add(index.terms[asciiKeys[j]], asciiKeys[j] === t.term ? 2 : 0);
    return m;
  }

  function normalise(s) {
    var out = '';
    for (var ch of s) {
      var a = wordChar(ch.codePointAt(0));
      out += a || (/\s/.test(ch) ? '' : ch.toLowerCase());
    }
    return out;
  }

  // Ranked ids, {ids, exact}: the pages holding every term first (exact
  // of them), then near misses, holding at least half of the terms (or
  // the most any page holds), so that 随机码 still finds a page that only
  // says 随机验证码.
  function search(q) {
    var terms = queryTerms(q);
    if (!terms.length) return { ids: [], exact: 0 };
    var score = new Map();
    var hits = new Map();
    terms.forEach(function (t) {
      postings(t).forEach(function (w, id) {
        score.set(id, (score.get(id) || 0) + w);
        hits.set(id, (hits.get(id) || 0) + 1);
      });
    });
    var n = terms.length;
    var most = 0;
    hits.forEach(function (h) { if (h > most) most = h; });
    var ids = Array.from(score.keys()).filter(function (id) {
      return hits.get(id) * 2 >= n || hits.get(id) === most;
    });
    var full = function (id) { return hits.get(id) === n ? 1 : 0; };
    var whole = normalise(q);
    var rank = function (id) {
      var p = index.pages[id];
      var s = score.get(id) + hits.get(id) * 1000;
      if (whole && normalise(p[1]).indexOf(whole) >= 0) s += 500;
      return s;
    };
    var r = new Map();
    ids.forEach(function (id) { r.set(id, rank(id)); });
    ids.sort(function (a, b) {
      return full(b) - full(a) || r.get(b) - r.get(a) || a - b;
    });
    ids = ids.slice(0, MAX_RESULTS);
    return { ids: ids, exact: ids.filter(full).length };
  }

  function pageHref(url) {
    var u = new URL(url, ROOT);
    // From file:// a folder shows a listing, not its index.html.
    if (u.protocol === 'file:' && /\/$/.test(u.pathname)) u.pathname += 'index.html';
    return u.href;
  }

  function setup(form) {
    var input = form.querySelector('input[type=search], input[name=q], input');
    if (!input) return;
    if (!input.id) input.id = 'search-q';
    var listId = input.id + '-results';

    var box = document.createElement('div');
    box.className = 'search-results';
    var status = document.createElement('p');
    status.className = 'search-status';
    status.setAttribute('role', 'status');
    status.setAttribute('aria-live', 'polite');
    var list = document.createElement('ul');
    list.id = listId;
    list.setAttribute('role', 'listbox');
    list.setAttribute('aria-label', '搜索结果');
    list.hidden = true;
    box.appendChild(status);
    box.appendChild(list);
    form.appendChild(box);

    input.setAttribute('role', 'combobox');
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-controls', listId);
    input.setAttribute('aria-expanded', 'false');

    var options = [];
    var active = -1;

    function close() {
      list.hidden = true;
      input.setAttribute('aria-expanded', 'false');
      input.removeAttribute('aria-activedescendant');
      setActive(-1);
    }

    function open() {
      if (!options.length) return;
      list.hidden = false;
      input.setAttribute('aria-expanded', 'true');
    }

    function setActive(i) {
      if (active >= 0 && options[active]) {
        options[active].setAttribute('aria-selected', 'false');
        options[active].classList.remove('active');
      }
      active = i;
      if (i < 0 || !options[i]) { input.removeAttribute('aria-activedescendant'); return; }
      options[i].setAttribute('aria-selected', 'true');
      options[i].classList.add('active');
      input.setAttribute('aria-activedescendant', options[i].id);
      if (options[i].scrollIntoView) options[i].scrollIntoView({ block: 'nearest' });
    }

    function render() {
      var q = input.value.trim();
      list.textContent = '';
      options = [];
      active = -1;
      if (!q) { status.textContent = ''; close(); return; }
      if (!index) {
        status.textContent = loading ? '正在载入搜索索引…' : '搜索索引载入失败';
        return;
      }
      var found = search(q);
      var ids = found.ids;
      ids.forEach(function (id, i) {
        var p = index.pages[id];
        var li = document.createElement('li');
        li.id = listId + '-' + i;
        li.setAttribute('role', 'option');
        li.setAttribute('aria-selected', 'false');
        li.setAttribute('data-href', pageHref(p[0]));
        if (i >= found.exact) li.className = 'search-near';
        // An option holds text only: a link inside it would be a second
        // interactive element that screen readers cannot reach from the
        // listbox (axe's nested-interactive). Readable without any style
        // sheet: the title in bold, its section after a dot, the excerpt
        // small on its own line.
        var t = document.createElement('strong');
        t.className = 'search-title';
        t.textContent = p[1];
        li.appendChild(t);
        if (p[2]) {
          var s = document.createElement('span');
          s.className = 'search-section';
          s.textContent = ' · ' + p[2];
          li.appendChild(s);
        }
        if (p[3]) {
          li.appendChild(document.createElement('br'));
          var x = document.createElement('small');
          x.className = 'search-excerpt';
          x.textContent = p[3];
          li.appendChild(x);
        }
        // Keep the focus in the input; a click opens the page, with Ctrl,
        // Shift, Cmd or the middle button in a new tab as a link would.
        li.addEventListener('mousedown', function (ev) { ev.preventDefault(); });
        li.addEventListener('click', function (ev) { go(i, ev.ctrlKey || ev.metaKey || ev.shiftKey); });
        li.addEventListener('auxclick', function (ev) { if (ev.button === 1) go(i, true); });
        list.appendChild(li);
        options.push(li);
      });
      var near = ids.length - found.exact;
      var keys = '，用上下方向键选择，回车打开';
      if (!ids.length) status.textContent = '没有找到与“' + q + '”相关的页面';
      else if (!found.exact) status.textContent = '没有完全匹配“' + q + '”的页面，找到 ' + near + ' 条相近结果' + keys;
      else if (near) status.textContent = '找到 ' + ids.length + ' 条结果（其中 ' + near + ' 条相近）' + keys;
      else status.textContent = '找到 ' + ids.length + ' 条结果' + keys;
      if (ids.length) open(); else close();
    }

    function go(i, newTab) {
      var href = options[i] && options[i].getAttribute('data-href');
      if (!href) return;
      if (newTab) window.open(href, '_blank', 'noopener');
      else window.location.href = href;
    }

    function update() { loadIndex(render); }

    input.addEventListener('input', update);
    input.addEventListener('focus', function () {
      loadIndex(function () { if (input.value.trim()) render(); });
    });
    input.addEventListener('keydown', function (ev) {
      var n = options.length;
      if (ev.key === 'ArrowDown' || ev.key === 'Down') {
        if (!n) return;
        ev.preventDefault();
        open();
        setActive(active + 1 < n ? active + 1 : 0);
      } else if (ev.key === 'ArrowUp' || ev.key === 'Up') {
        if (!n) return;
        ev.preventDefault();
        open();
        setActive(active > 0 ? active - 1 : n - 1);
      } else if (ev.key === 'Enter') {
        ev.preventDefault();
        if (list.hidden || !n) { update(); return; }
        go(active >= 0 ? active : 0);
      } else if (ev.key === 'Escape' || ev.key === 'Esc') {
        if (!list.hidden) { ev.preventDefault(); close(); }
      }
    });
    form.addEventListener('submit', function (ev) { ev.preventDefault(); update(); });
    form.addEventListener('focusout', function (ev) {
      if (!form.contains(ev.relatedTarget)) close();
    });

    var q = new URLSearchParams(window.location.search).get('q');
    if (q) {
      input.value = q;
      update();
    }
  }

  function start() {
    var forms = document.querySelectorAll('form[role=search]');
    for (var i = 0; i < forms.length; i++) setup(forms[i]);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
