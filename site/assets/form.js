/* form.js: the application form's behaviour.
 *
 * The HTML comes from generator/formhtml.c; everything about fields
 * (labels, checks, ranges, messages) comes from the schema embedded in
 * <script id="ch-schema">, and the checks themselves from validate.js, so
 * the browser says exactly what the batch will say. This file only wires
 * them to the page: messages at the field, personal-certificate rows, the
 * fee total, the draft in localStorage, the print views, the file checks
 * and the bundle (BUNDLE.md, format 1) made with zip.js. */
(function () {
  'use strict';

  var form = document.getElementById('ch-form');
  if (!form || !window.CerthallValidate || !window.CerthallZip) return;
  var V = window.CerthallValidate;
  var schema = JSON.parse(document.getElementById('ch-schema').textContent);
  var fees = JSON.parse(document.getElementById('ch-fees').textContent);
  // Everything this form keeps in the browser is under this prefix, so
  // that 清除本机草稿 can remove all of it.
  var STORE = 'certhall.application.';
  var DRAFT_KEY = STORE + 'draft.v1';
  var DOWNLOADED_KEY = STORE + 'downloaded.v1';
  var ROW = '__i__';
  var CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  // BUNDLE.md's default limits; the batch refuses more.
  var MAX_ENTRY = 20 * 1024 * 1024, MAX_BUNDLE = 64 * 1024 * 1024;
  // Entry names in the bundle; the kind is the fallback for a new kind.
  var DOC_NAMES = {
    authorization_letter: '授权委托书', business_license: '营业执照',
    id_copy: '身份证', stamp_form: '数字证书印模采集表', remittance_voucher: '汇款凭证'
  };
  var edited = {};
  // letter: a checksum of what the printed 授权委托书 said ('' before
  // one is printed), to tell when the form no longer matches the paper.
  var meta = { application_id: '', revision: 0, letter: '' };

  // --- the schema ---------------------------------------------------------
  // "certificates.personal[3].name" -> the schema field, or null.
  function fieldAt(path) { return V.fieldAt(schema, path); }

  function domId(path) { return 'f-' + path.replace(/[.[]/g, '-').replace(/\]/g, ''); }

  function docLabel(kind) {
    for (var i = 0; i < schema.documents.length; i++)
      if (schema.documents[i].kind === kind) return schema.documents[i].label;
    return kind;
  }

  function minSide() {
    return (schema.document_rules && schema.document_rules.min_image_side) || 800;
  }

  // --- reading and writing values -----------------------------------------
  function controls(path) {
    return form.querySelectorAll('input[data-path="' + CSS.escape(path) + '"]');
  }

  function rowsOf(path) { return form.querySelector('[data-rows="' + CSS.escape(path) + '"]'); }

  function rowCount(path) { var r = rowsOf(path); return r ? r.children.length : 0; }

  // The form's values in the shape of application.json, as typed (raw) or
  // normalised as the bundle carries them.
  function collect(normalise) {
    return collectFields(schema.fields, '', normalise);
  }

  function collectFields(fields, prefix, normalise) {
    var out = {}, i, f, path, v;
    for (i = 0; i < fields.length; i++) {
      f = fields[i];
      path = prefix ? prefix + '.' + f.key : f.key;
      v = readField(f, path, normalise);
      if (v !== undefined) out[f.key] = v;
    }
    return out;
  }

  function readField(f, path, normalise) {
    var els, i, v, n, list, checked;
    if (f.type === 'group') return collectFields(f.fields || [], path, normalise);
    if (f.type === 'list') {
      list = [];
      n = rowCount(path);
      for (i = 0; i < n; i++) list.push(collectFields(f.item || [], path + '[' + i + ']', normalise));
      return list;
    }
    els = controls(path);
    if (f.type === 'region') {
      v = [];
      for (i = 0; i < els.length; i++) v[+els[i].getAttribute('data-index')] = normalise ? els[i].value.trim() : els[i].value;
      return v;
    }
    if (els.length && els[0].type === 'radio') {
      checked = null;
      for (i = 0; i < els.length; i++) if (els[i].checked) checked = els[i].value;
      if (checked === null) return normalise ? undefined : null;
      return f.type === 'integer' ? parseInt(checked, 10) : checked;
    }
    if (!els.length) return undefined;
    v = els[0].value;
    if (!normalise) return v;
    v = v.trim();
    if (f.type === 'integer') return /^-?[0-9]+$/.test(v) ? parseInt(v, 10) : (v === '' ? undefined : v);
    if (v === '' && !f.required) return undefined;
    if (f.check) {
      v = V.fold(v);
      v = V.normalise(f.check, v);
      if (f.check === 'id_number' || f.check === 'uscc' || f.check === 'taxpayer_id') v = v.toUpperCase();
    }
    return v;
  }

  function writeFields(fields, prefix, values) {
    var i, f, path;
    for (i = 0; i < fields.length; i++) {
      f = fields[i];
      path = prefix ? prefix + '.' + f.key : f.key;
      if (values && Object.prototype.hasOwnProperty.call(values, f.key)) writeField(f, path, values[f.key]);
    }
  }

  function writeField(f, path, v) {
    var els, i;
    if (f.type === 'group') { writeFields(f.fields || [], path, v || {}); return; }
    if (f.type === 'list') {
      setRows(path, Array.isArray(v) ? v.slice(0, listMax(f)) : [], null);
      return;
    }
    els = controls(path);
    for (i = 0; i < els.length; i++) {
      if (els[i].type === 'radio') els[i].checked = v !== null && v !== undefined && String(v) === els[i].value;
      else if (f.type === 'region') els[i].value = Array.isArray(v) && v[+els[i].getAttribute('data-index')] || '';
      else els[i].value = v === null || v === undefined ? '' : String(v);
    }
  }

  function listMax(f) { return typeof f.max_items === 'number' ? f.max_items : 50; }

  // --- rows of 机构个人证书 and their id_copy inputs -----------------------
  function instantiate(tpl, i) {
    var t = document.createElement('template');
    t.innerHTML = tpl.innerHTML.split(ROW).join(String(i));
    return t.content;
  }

  function perPersonKinds() {
    return schema.documents.filter(function (d) { return d.needed === 'per_person'; });
  }

  function addRow(path, values) {
    var f = fieldAt(path), rows = rowsOf(path), i = rows.children.length, frag;
    frag = instantiate(form.querySelector('template[data-row-template="' + CSS.escape(path) + '"]'), i);
    rows.appendChild(frag);
    writeFields(f.item || [], path + '[' + i + ']', values || {});
    perPersonKinds().forEach(function (d) {
      var list = form.querySelector('[data-doc-list="' + CSS.escape(d.kind) + '"]');
      var tpl = form.querySelector('template[data-doc-template="' + CSS.escape(d.kind) + '"]');
      if (list && tpl) list.appendChild(instantiate(tpl, i));
    });
    labelRows(path);
  }

  // Removing a row renumbers the rest: the rows are rebuilt from their
  // values, and the chosen files move with their person.
  function setRows(path, values, files) {
    var rows = rowsOf(path), i;
    if (!rows) return;
    rows.textContent = '';
    perPersonKinds().forEach(function (d) {
      var list = form.querySelector('[data-doc-list="' + CSS.escape(d.kind) + '"]');
      if (list) list.textContent = '';
    });
    for (i = 0; i < values.length; i++) addRow(path, values[i]);
    if (files) files.forEach(function (byKind, idx) {
      Object.keys(byKind).forEach(function (kind) {
        var input = document.getElementById('doc-' + kind + '-' + idx), dt;
        if (!input || !byKind[kind]) return;
        try {
          dt = new DataTransfer();
          dt.items.add(byKind[kind]);
          input.files = dt.files;
        } catch (e) { /* an old browser: the applicant chooses it again */ }
      });
    });
    labelRows(path);
    updateAll();
  }

  function removeRow(path, index) {
    var values = readField(fieldAt(path), path, false), files = [], i;
    for (i = 0; i < values.length; i++) {
      files.push({});
      perPersonKinds().forEach(function (d) {
        var input = document.getElementById('doc-' + d.kind + '-' + i);
        files[i][d.kind] = input && input.files && input.files[0] || null;
      });
    }
    values.splice(index, 1);
    files.splice(index, 1);
    setRows(path, values, files);
  }

  function labelRows(path) {
    var rows = rowsOf(path), f = fieldAt(path), n = rows.children.length, i, name, el;
    for (i = 0; i < n; i++) {
      el = rows.children[i];
      el.querySelector('[data-row-number]').textContent = '第 ' + (i + 1) + ' 位';
      name = (document.getElementById(domId(path + '[' + i + '].name')) || {}).value || '';
      el.querySelector('[data-remove]').setAttribute('aria-label',
        (f.remove_label || '删除') + ' ' + f.label + ' 第 ' + (i + 1) + ' 位' + (name ? '（' + name + '）' : ''));
      form.querySelectorAll('[data-person="' + i + '"] [data-person-label]').forEach(function (s) {
        s.textContent = '第 ' + (i + 1) + ' 位' + (name ? '：' + name : '');
      });
    }
    form.querySelectorAll('[data-add="' + CSS.escape(path) + '"]').forEach(function (b) {
      b.disabled = n >= listMax(f);
    });
  }

  // --- conditions, total ---------------------------------------------------
  function topValue(key) {
    var f = fieldAt(key);
    return f ? readField(f, key, true) : undefined;
  }

  function updateConditions() {
    form.querySelectorAll('[data-when-field]').forEach(function (el) {
      var show = String(topValue(el.getAttribute('data-when-field'))) === el.getAttribute('data-when-equals');
      el.hidden = !show;
    });
    form.querySelectorAll('[data-required-when-field]').forEach(function (el) {
      var path = el.getAttribute('data-path');
      var sib = path.replace(/[^.]+$/, '') + el.getAttribute('data-required-when-field');
      var on = String(readField(fieldAt(sib), sib, true)) === el.getAttribute('data-required-when-equals');
      el.setAttribute('aria-required', on ? 'true' : 'false');
      var mark = el.parentNode.querySelector('.ch-req');
      if (mark) mark.hidden = !on;
    });
  }

  function yuan(fen) {
    var f = Math.round(fen), s = String(f % 100);
    return Math.floor(f / 100) + '.' + (s.length < 2 ? '0' + s : s) + ' 元';
  }

  function total() {
    var c = collect(true).certificates || {}, fen = 0;
    if (c.organization_years > 0) fen += fees.organization[c.organization_years] || 0;
    (c.personal || []).forEach(function (p) { if (p.years > 0) fen += fees.personal[p.years] || 0; });
    return fen;
  }

  function updateAll() {
    updateConditions();
    var out = document.getElementById('ch-total');
    if (out) out.textContent = yuan(total());
    updateLetterState();
  }

  // --- checks and messages -------------------------------------------------
  function findingsFor(app) {
    return V.validateApplication(schema, app, { documents: false });
  }

  // A message slot holds one line per message: two findings landing in
  // one slot are both seen, so the count in the summary is what shows.
  function addMessage(slot, msg) {
    var line = document.createElement('span');
    line.className = 'ch-msg';
    line.textContent = msg;
    slot.appendChild(line);
  }

  function setMessage(slot, msg) {
    slot.textContent = '';
    if (msg) addMessage(slot, msg);
  }

  function parentPath(where) {
    return /\]$/.test(where) ? where.replace(/\[\d+\]$/, '') : where.replace(/\.?[^.]*$/, '');
  }

  function ownSlot(where) { return document.getElementById(domId(where) + '-err'); }

  // The slot a finding shows in: its field's, else the nearest enclosing
  // row list's or group's (NO_CERTIFICATE is on the group), else the
  // form's own at the top; never one inside something hidden.
  function slotFor(where) {
    var slot = ownSlot(where);
    while ((!slot || slot.closest('[hidden]')) && where) {
      where = parentPath(where);
      slot = where ? ownSlot(where) : null;
    }
    return slot && !slot.closest('[hidden]') ? slot : document.getElementById('ch-form-err');
  }

  function targetsOf(where) {
    var els = Array.prototype.slice.call(controls(where));
    var group = document.getElementById(domId(where));
    if (group && group.tagName === 'FIELDSET') els.push(group);
    return els;
  }

  function showAt(where, msg) {
    addMessage(slotFor(where), msg);
    targetsOf(where).forEach(function (el) { el.setAttribute('aria-invalid', 'true'); });
  }

  function clearAt(where) {
    var slot = ownSlot(where);
    if (slot) slot.textContent = '';
    targetsOf(where).forEach(function (el) { el.removeAttribute('aria-invalid'); });
  }

  function allPaths() {
    var out = [];
    form.querySelectorAll('[data-path], [data-group], [data-list]').forEach(function (el) {
      var p = el.getAttribute('data-path') || el.getAttribute('data-group') || el.getAttribute('data-list');
      if (out.indexOf(p) < 0 && p.indexOf(ROW) < 0) out.push(p);
    });
    return out;
  }

  // The paths and every list, row and group around them: a change in a
  // member can make or end a finding on its group.
  function withEnclosing(paths) {
    var out = [];
    paths.forEach(function (p) {
      for (; p; p = parentPath(p)) if (out.indexOf(p) < 0) out.push(p);
    });
    return out;
  }

  // Shows the findings for the given paths (all when null); returns them.
  // A partial check refreshes the slots of those paths and of what
  // encloses them, and shows exactly the findings that land there.
  function showFindings(only) {
    var found = findingsFor(application(meta.application_id || 'XXXX-XXXX-XXXX', meta.revision || 1, new Date(), []));
    var paths = only ? withEnclosing(only) : allPaths();
    var cleared = paths.map(ownSlot).filter(Boolean);
    paths.forEach(clearAt);
    if (!only) document.getElementById('ch-form-err').textContent = '';
    found = found.filter(function (x) { return x.level === 'error'; });
    found.forEach(function (x) {
      if (!only || cleared.indexOf(slotFor(x.where)) >= 0) showAt(x.where, x.message);
    });
    return found;
  }

  // A field is checked when it is left after being edited, or when it
  // already shows a message (to clear or update it). An untouched empty
  // field says nothing until the form is submitted.
  // Leaving a field by pressing a button: a message appearing or going
  // between press and release would move the button away from under the
  // pointer and lose the click, so the check waits for the release.
  var pointerDown = false, pending = [];
  function flushPending() {
    var p = pending;
    pending = [];
    if (p.length) showFindings(p);
  }
  document.addEventListener('pointerdown', function () { pointerDown = true; }, true);
  document.addEventListener('pointerup', function () {
    pointerDown = false;
    window.setTimeout(flushPending, 0);
  }, true);

  function onBlur(ev) {
    var path = ev.target.getAttribute && ev.target.getAttribute('data-path');
    if (!path) return;
    if (!edited[path] && ev.target.getAttribute('aria-invalid') !== 'true') return;
    if (pointerDown) { if (pending.indexOf(path) < 0) pending.push(path); return; }
    showFindings([path]);
  }

  // --- files ---------------------------------------------------------------
  function readBytes(file) {
    if (file.arrayBuffer) return file.arrayBuffer().then(function (b) { return new Uint8Array(b); });
    return new Promise(function (ok, fail) {
      var r = new FileReader();
      r.onload = function () { ok(new Uint8Array(r.result)); };
      r.onerror = function () { fail(r.error); };
      r.readAsArrayBuffer(file);
    });
  }

  // BUNDLE.md's rules, judged by content (validate.js, held to the batch
  // by tests/fixtures/vectors/documents.json): {type, ext} or {code}.
  function sniff(b) {
    if (b.length > MAX_ENTRY) return { code: 'ZIP_LIMIT' };
    return V.documentVerdict(b, minSide());
  }

  // Every document input that applies now, in the schema's order, id_copy
  // following the personal-certificate rows.
  function docInputs() {
    var out = [];
    schema.documents.forEach(function (d) {
      var n, i, el;
      if (d.needed === 'per_person') {
        n = form.querySelectorAll('[data-doc-list="' + CSS.escape(d.kind) + '"] input[type=file]').length;
        for (i = 0; i < n; i++) out.push({ doc: d, person: i, input: document.getElementById('doc-' + d.kind + '-' + i) });
        return;
      }
      if (d.when && String(topValue(d.when.field)) !== String(d.when.equals)) return;
      el = document.getElementById('doc-' + d.kind);
      if (el) out.push({ doc: d, input: el });
    });
    return out;
  }

  function docErrSlot(input) { return document.getElementById(input.id + '-err'); }

  function setDocError(input, msg) {
    var slot = docErrSlot(input);
    if (slot) setMessage(slot, msg);
    if (msg) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
  }

  // Checks one document input; resolves to the entry to bundle or null.
  function checkDoc(d, mustHave) {
    var file = d.input.files && d.input.files[0];
    if (!file) {
      if (mustHave && d.doc.needed !== 'optional') {
        setDocError(d.input, V.message(schema, 'DOC_MISSING', d.doc.kind, docLabel(d.doc.kind)));
        return Promise.resolve({ error: true });
      }
      setDocError(d.input, '');
      return Promise.resolve(null);
    }
    return readBytes(file).then(function (bytes) {
      var r = sniff(bytes);
      if (r.code) {
        setDocError(d.input, V.message(schema, r.code, file.name, docLabel(d.doc.kind), '单个文件不超过 20 MiB', r.variant));
        return { error: true };
      }
      setDocError(d.input, '');
      return { doc: d, bytes: bytes, ext: r.ext };
    });
  }

  // --- the draft -----------------------------------------------------------
  // Off after 清除本机草稿 until the applicant saves again: on a shared
  // computer nothing is written behind their back once they cleared it.
  var keepDraft = true;

  function saveDraft(say) {
    if (!say && !keepDraft) return;
    keepDraft = true;
    try {
      localStorage.setItem(DRAFT_KEY, JSON.stringify({
        values: collect(false), application_id: meta.application_id, revision: meta.revision,
        letter: meta.letter
      }));
      if (say) status('草稿已保存在本浏览器中（不含附件）。');
    } catch (e) {
      if (say) status('无法保存草稿：浏览器不允许本地存储。');
    }
  }

  function forgetAll() {
    var keys = [], i, k;
    try {
      for (i = 0; i < localStorage.length; i++) {
        k = localStorage.key(i);
        if (k && k.indexOf(STORE) === 0) keys.push(k);
      }
      keys.forEach(function (key) { localStorage.removeItem(key); });
    } catch (e) { /* no storage: nothing kept */ }
  }

  // What the last downloaded bundle held: its 申请编号, revision and a
  // fingerprint (a checksum, not the data) of its content. Also kept in
  // the page, for when nothing may be stored (after 清除本机草稿).
  var downloaded = null;

  function lastDownload() {
    var d;
    try { d = JSON.parse(localStorage.getItem(DOWNLOADED_KEY) || 'null'); } catch (e) { d = null; }
    if (!d) d = downloaded;
    if (!d || typeof d.application_id !== 'string' || typeof d.revision !== 'number' ||
        typeof d.fingerprint !== 'string') return null;
    return d;
  }

  function rememberDownload(id, revision, fingerprint) {
    downloaded = { application_id: id, revision: revision, fingerprint: fingerprint };
    if (!keepDraft) return;
    try {
      localStorage.setItem(DOWNLOADED_KEY, JSON.stringify({
        application_id: id, revision: revision, fingerprint: fingerprint
      }));
    } catch (e) { /* the next download then cannot tell a change */ }
  }

  // The bundle's content without what changes by itself (time, revision):
  // the application's values and each scan's name, size and CRC-32.
  function fingerprint(app, entries) {
    var copy = {}, k, docs = [], text;
    for (k in app) if (Object.prototype.hasOwnProperty.call(app, k) &&
                       k !== 'submitted_at' && k !== 'revision') copy[k] = app[k];
    entries.forEach(function (e) {
      if (e) docs.push([e.name, e.bytes.length, window.CerthallZip.crc32(e.bytes)]);
    });
    text = utf8(JSON.stringify([copy, docs]));
    return window.CerthallZip.crc32(text).toString(16) + '-' + text.length;
  }

  function loadDraft() {
    var d;
    try { d = JSON.parse(localStorage.getItem(DRAFT_KEY) || 'null'); } catch (e) { d = null; }
    if (!d || typeof d !== 'object') return false;
    if (typeof d.application_id === 'string' && /^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/.test(d.application_id))
      meta.application_id = d.application_id;
    if (typeof d.revision === 'number' && d.revision >= 1) meta.revision = Math.floor(d.revision);
    if (typeof d.letter === 'string') meta.letter = d.letter;
    writeFields(schema.fields, '', d.values || {});
    return true;
  }

  // Crockford's decoding: lower case, I and L as 1, O as 0, dashes and
  // spaces free; the result is XXXX-XXXX-XXXX or null.
  function parseApplicationId(s) {
    var c = V.fold(s).toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
    if (!/^[0-9A-HJKMNP-TV-Z]{12}$/.test(c)) return null;
    return c.substr(0, 4) + '-' + c.substr(4, 4) + '-' + c.substr(8, 4);
  }

  function onApplicationIdChange() {
    var input = document.getElementById('ch-app-id'), slot = document.getElementById('ch-app-id-err');
    var v = input.value.trim(), id = v ? parseApplicationId(v) : '';
    if (id === null) {
      setMessage(slot, V.message(schema, 'FORM_TYPE', 'application_id', '申请编号'));
      input.setAttribute('aria-invalid', 'true');
      return false;
    }
    slot.textContent = '';
    input.removeAttribute('aria-invalid');
    if (id !== meta.application_id) {
      meta.application_id = id;
      meta.revision = id ? 1 : 0;
    }
    showMeta();
    saveDraft(false);
    return true;
  }

  function showMeta() {
    document.getElementById('ch-app-id').value = meta.application_id;
    document.getElementById('ch-revision').textContent = String(meta.revision || 1);
  }

  function status(msg) {
    var s = document.getElementById('ch-status');
    s.textContent = '';
    // A fresh text node so that screen readers announce a repeat too.
    window.setTimeout(function () { s.textContent = msg; }, 30);
  }

  // --- 申请编号, time, application.json ------------------------------------
  function newApplicationId() {
    var r = new Uint8Array(12), s = '', i;
    window.crypto.getRandomValues(r);
    for (i = 0; i < 12; i++) {
      s += CROCKFORD[r[i] & 31];
      if (i === 3 || i === 7) s += '-';
    }
    return s;
  }

  function ensureApplicationId() {
    if (!meta.application_id) meta.application_id = newApplicationId();
    if (!meta.revision) meta.revision = 1;
    showMeta();
    saveDraft(false);
    return meta.application_id;
  }

  function pad(n) { return n < 10 ? '0' + n : String(n); }

  // RFC 3339 in China Standard Time.
  function beijingTime(date) {
    var d = new Date(date.getTime() + 8 * 3600 * 1000);
    return d.getUTCFullYear() + '-' + pad(d.getUTCMonth() + 1) + '-' + pad(d.getUTCDate()) +
      'T' + pad(d.getUTCHours()) + ':' + pad(d.getUTCMinutes()) + ':' + pad(d.getUTCSeconds()) + '+08:00';
  }

  function chineseDate(date) {
    var d = new Date(date.getTime() + 8 * 3600 * 1000);
    return d.getUTCFullYear() + '年' + (d.getUTCMonth() + 1) + '月' + d.getUTCDate() + '日';
  }

  // application.json exactly as BUNDLE.md format 1: these keys in this
  // order, then the schema's fields, then documents.
  function application(id, revision, when, documents) {
    var app = { format: schema.format, application_id: id, revision: revision, submitted_at: beijingTime(when) };
    var values = collect(true), k;
    for (k in values) if (Object.prototype.hasOwnProperty.call(values, k)) app[k] = values[k];
    app.documents = documents;
    return app;
  }

  function entryName(doc, person, ext) {
    var base = DOC_NAMES[doc.kind] || doc.kind;
    return (person === undefined ? base : base + '-' + (person + 1)) + '.' + ext;
  }

  function utf8(s) { return new TextEncoder().encode(s); }

  function focusFirstError() {
    var el = form.querySelector('[aria-invalid="true"]');
    if (el && el.tagName === 'FIELDSET') el = el.querySelector('input') || el;
    if (el) el.focus();
    return el;
  }

  function download() {
    var errors = showFindings(null), docs = docInputs();
    if (!onApplicationIdChange()) errors.push({ where: 'application_id' });
    return Promise.all(docs.map(function (d) { return checkDoc(d, true); })).then(function (entries) {
      var bad = errors.length + entries.filter(function (e) { return e && e.error; }).length;
      var id, when, documents = [], zip, app, a, url, name, size = 0, resubmit, last, fp, note = '';
      if (bad) {
        focusFirstError();
        status('申请表有 ' + bad + ' 处需要修改，请按提示修改后再下载申请包。');
        return null;
      }
      entries.forEach(function (e) { if (e) size += e.bytes.length; });
      if (size > MAX_BUNDLE - 1024 * 1024) {
        status(V.message(schema, 'ZIP_LIMIT', '', '', '所有扫描件合计不超过 63 MiB，请压缩后重新选择'));
        return null;
      }
      resubmit = document.getElementById('ch-resubmit').checked && meta.application_id && meta.revision;
      id = ensureApplicationId();
      document.getElementById('ch-resubmit').checked = false;
      when = new Date();
      entries.forEach(function (e) {
        if (!e) return;
        e.name = entryName(e.doc.doc, e.doc.person, e.ext);
        var item = { kind: e.doc.doc.kind, file: e.name };
        if (e.doc.person !== undefined) item.person = e.doc.person;
        documents.push(item);
      });
      app = application(id, meta.revision, when, documents);
      // A bundle whose content differs from the last one downloaded for
      // this 申请编号 is a new revision by itself: with the same revision
      // intake would refuse it as REVISION_STALE and the correction be lost.
      fp = fingerprint(app, entries);
      last = lastDownload();
      if (last && last.application_id !== id) last = null;
      if (resubmit) {
        meta.revision = Math.max(meta.revision, last ? last.revision : 0) + 1;
      } else if (last && last.revision >= meta.revision && last.fingerprint !== fp) {
        meta.revision = last.revision + 1;
        note = '申请内容与上次下载的版本 ' + last.revision + ' 不同，版本号已自动加一。' +
          '请提交这个新的申请包，它将取代版本 ' + last.revision + '。';
      } else if (last && last.revision === meta.revision && last.fingerprint === fp) {
        note = '内容与上次下载的申请包相同，已提交过的不必再次提交。';
      }
      app.revision = meta.revision;
      showMeta();
      zip = new window.CerthallZip.ZipWriter(when);
      zip.add('application.json', utf8(JSON.stringify(app, null, 2) + '\n'));
      entries.forEach(function (e) { if (e) zip.add(e.name, e.bytes); });
      name = id + '.zip';
      url = URL.createObjectURL(zip.blob());
      a = document.createElement('a');
      a.href = url;
      a.download = name;
      a.hidden = true;
      document.body.appendChild(a);
      a.click();
      document.body.removeChild(a);
      window.setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
      saveDraft(false);
      rememberDownload(id, meta.revision, fp);
      status('申请包 ' + name + ' 已生成（申请编号 ' + id + '，版本 ' + meta.revision + '）。' +
        (note || '请妥善保存申请编号。'));
      return name;
    });
  }

  // --- print views -----------------------------------------------------------
  function valueAt(obj, path) {
    var parts = path.split('.'), v = obj, i;
    for (i = 0; i < parts.length; i++) {
      if (v === null || v === undefined || typeof v !== 'object') return '';
      v = v[parts[i]];
    }
    if (Array.isArray(v)) return v.join('');
    return v === null || v === undefined ? '' : String(v);
  }

  function certificatesSummary(values) {
    var c = values.certificates || {}, parts = [], people;
    var orgF = fieldAt('certificates.organization_years'), perF = fieldAt('certificates.personal');
    if (c.organization_years > 0)
      parts.push((orgF ? orgF.label.replace(/办理年限$/, '') : '机构证书') + ' 1 张，' + c.organization_years + ' 年');
    people = (c.personal || []).filter(function (p) { return p.name; });
    if (people.length)
      parts.push((perF ? perF.label : '机构个人证书') + ' ' + people.length + ' 张（' +
        people.map(function (p) { return p.name + (p.years ? ' ' + p.years + ' 年' : ''); }).join('、') + '）');
    return parts.join('；') + (parts.length ? '。' : '');
  }

  function fill(view) {
    var values = collect(true);
    view.querySelectorAll('[data-fill]').forEach(function (el) {
      var k = el.getAttribute('data-fill');
      if (k === 'application_id') el.textContent = meta.application_id;
      else if (k === 'date') el.textContent = chineseDate(new Date());
      else if (k === 'certificates_summary') el.textContent = certificatesSummary(values);
      else el.textContent = valueAt(values, k);
    });
  }

  // --- the letter: nothing printed blank, nothing stale unnoticed -------
  function letterKeys() {
    var out = [];
    document.getElementById('ch-print-letter').querySelectorAll('[data-fill]').forEach(function (el) {
      var k = el.getAttribute('data-fill');
      if (out.indexOf(k) < 0) out.push(k);
    });
    return out;
  }

  // What the letter prints but the date, as a checksum.
  function letterSum() {
    var values = collect(true), out = [];
    letterKeys().forEach(function (k) {
      if (k === 'application_id') out.push(meta.application_id);
      else if (k === 'certificates_summary') out.push(certificatesSummary(values));
      else if (k !== 'date') out.push(valueAt(values, k));
    });
    return window.CerthallZip.crc32(utf8(JSON.stringify(out))).toString(16);
  }

  // The letter's fields that are empty or wrong, named by their group:
  // {paths, text} with text '' when the letter can be printed.
  function letterGaps() {
    var values = collect(true), paths = [], groups = [], names = {};
    var found = findingsFor(application(meta.application_id || 'XXXX-XXXX-XXXX', meta.revision || 1, new Date(), []))
      .filter(function (x) { return x.level === 'error'; });
    var wrong = function (prefix) {
      return found.some(function (x) { return x.where === prefix || x.where.indexOf(prefix + '.') === 0 || x.where.indexOf(prefix + '[') === 0; });
    };
    var note = function (group, label) {
      if (!names[group]) { names[group] = []; groups.push(group); }
      if (names[group].indexOf(label) < 0) names[group].push(label);
    };
    letterKeys().forEach(function (k) {
      var f, g;
      if (k === 'date' || k === 'application_id') return;
      if (k === 'certificates_summary') {
        if (certificatesSummary(values) && !wrong('certificates')) return;
        paths.push('certificates.organization_years', 'certificates');
        g = fieldAt('certificates');
        note(g ? g.label : '证书信息', '证书类型和年限');
        return;
      }
      if (valueAt(values, k) !== '' && !wrong(k)) return;
      f = fieldAt(k);
      g = k.indexOf('.') > 0 ? fieldAt(k.replace(/\.[^.]*$/, '')) : null;
      paths.push(k);
      note(g ? g.label : '', f ? f.label : k);
    });
    return {
      paths: paths,
      text: groups.map(function (g) { return (g ? g + '：' : '') + names[g].join('、'); }).join('；')
    };
  }

  function letterReady() {
    var gaps = letterGaps();
    if (!gaps.paths.length) return true;
    showFindings(gaps.paths);
    focusFirstError();
    status('授权委托书还不能打印，以下信息缺少或有误：' + gaps.text + '。请填写后再打印。');
    return false;
  }

  var started = false; // the draft is being written back until then

  function updateLetterState() {
    var note = document.getElementById('ch-letter-stale');
    if (!started) return;
    var stale = !!meta.letter && meta.letter !== letterSum();
    if (!note || stale === !note.hidden) return;
    note.hidden = !stale;
    // Announced once, shortly: the notice itself stays on the page.
    if (stale) status('表单已修改，请重新打印授权委托书。');
  }

  var endPrint = null;

  function printView(id) {
    var view = document.getElementById(id), root = document.documentElement;
    if (!view) return;
    if (endPrint) endPrint();
    var home = view.parentNode, next = view.nextSibling, ended = false;
    if (id === 'ch-print-letter') {
      if (!letterReady()) return;
      ensureApplicationId();
      fill(view);
      meta.letter = letterSum();
      saveDraft(false);
      updateLetterState();
    }
    // The view prints alone: moved under <body> for the while, so that
    // form.css can leave out everything else without blank pages.
    document.body.appendChild(view);
    view.hidden = false;
    view.classList.add('ch-print-active');
    root.classList.add('ch-printing');
    var done = function () {
      if (ended) return;
      ended = true;
      view.hidden = true;
      view.classList.remove('ch-print-active');
      root.classList.remove('ch-printing');
      home.insertBefore(view, next);
      window.removeEventListener('afterprint', done);
      endPrint = null;
    };
    endPrint = done;
    // afterprint ends it, also where print() returns before printing.
    window.addEventListener('afterprint', done);
    window.print();
  }

  // --- shared computers: 清除本机草稿, 新建申请 --------------------------------
  function clearDraft() {
    if (!window.confirm('清除本机草稿？\n\n将从本浏览器中删除保存的申请信息（包括身份证号、' +
        '手机号码和银行账号）和下载记录。本页上已填写的内容在关闭本页之前仍可使用，但不再自动保存。')) return;
    forgetAll();
    keepDraft = false;
    status('本机草稿已清除：本浏览器中不再保存您的申请信息。关闭本页后，填写的内容不会保留。');
  }

  function newApplication() {
    if (!window.confirm('新建申请？\n\n本页填写的内容、申请编号和本机草稿都将清除，已下载的申请包不受影响。' +
        '如需修改已提交的申请，请不要新建，在原申请上修改后重新下载申请包。')) return;
    forgetAll();
    keepDraft = true;
    form.reset();
    form.querySelectorAll('[data-list]').forEach(function (el) { setRows(el.getAttribute('data-list'), [], null); });
    form.querySelectorAll('.ch-error').forEach(function (el) { el.textContent = ''; });
    form.querySelectorAll('[aria-invalid]').forEach(function (el) { el.removeAttribute('aria-invalid'); });
    edited = {};
    meta.application_id = '';
    meta.revision = 0;
    meta.letter = '';
    downloaded = null;
    showMeta();
    updateAll();
    status('已新建申请，请从头填写。');
    (form.querySelector('input:not([type=hidden])') || form).focus();
  }

  // --- wiring ----------------------------------------------------------------
  form.addEventListener('click', function (ev) {
    var t = ev.target.closest ? ev.target.closest('button') : null, row, path, f;
    if (!t || !form.contains(t)) return;
    if (t.hasAttribute('data-add')) {
      path = t.getAttribute('data-add');
      f = fieldAt(path);
      if (rowCount(path) >= listMax(f)) return;
      addRow(path, {});
      updateAll();
      row = rowsOf(path).lastElementChild;
      (row.querySelector('input') || t).focus();
      saveDraft(false);
    } else if (t.hasAttribute('data-remove')) {
      row = t.closest('[data-row]');
      path = row.parentNode.getAttribute('data-rows');
      var index = Array.prototype.indexOf.call(row.parentNode.children, row);
      removeRow(path, index);
      var rows = rowsOf(path);
      var next = rows.children[Math.min(index, rows.children.length - 1)];
      (next ? next.querySelector('input') : form.querySelector('[data-add="' + CSS.escape(path) + '"]')).focus();
      status('已删除第 ' + (index + 1) + ' 位。');
      saveDraft(false);
    } else if (t.getAttribute('data-action') === 'save') {
      saveDraft(true);
    } else if (t.getAttribute('data-action') === 'clear-draft') {
      clearDraft();
    } else if (t.getAttribute('data-action') === 'new-application') {
      newApplication();
    } else if (t.getAttribute('data-action') === 'print-letter') {
      printView('ch-print-letter');
    } else if (t.getAttribute('data-action') === 'print-stamp') {
      printView('ch-print-stamp');
    }
  });

  var busy = false;
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    if (busy) return; // the scans are still being read for the last press
    busy = true;
    Promise.resolve().then(download).catch(function (e) { status('生成申请包失败：' + (e && e.message || e)); })
      .then(function () { busy = false; });
  });

  form.addEventListener('focusout', onBlur);
  form.addEventListener('change', function (ev) {
    var t = ev.target;
    updateAll();
    if (t.type === 'radio' && t.getAttribute('data-path')) showFindings([t.getAttribute('data-path')]);
    if (t.id === 'ch-app-id') { onApplicationIdChange(); return; }
    if (t.type === 'file') {
      docInputs().forEach(function (d) { if (d.input === t) checkDoc(d, false); });
      return;
    }
    saveDraft(false);
  });
  form.addEventListener('input', function (ev) {
    var p = ev.target.getAttribute && ev.target.getAttribute('data-path');
    if (p) edited[p] = true;
    if (p) updateLetterState();
    if (p && /\.name$/.test(p) && p.indexOf('[') >= 0) labelRows(p.replace(/\[\d+\]\.name$/, ''));
  });

  loadDraft();
  started = true;
  showMeta();
  form.querySelectorAll('[data-list]').forEach(function (el) { labelRows(el.getAttribute('data-list')); });
  updateAll();
  form.setAttribute('data-ready', 'true');
  window.CerthallForm = { collect: collect, application: application, download: download };
})();
