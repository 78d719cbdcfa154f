/* validate.js: the browser's copy of common/validate.c (checks on single
 * values) and common/form.c (application.json against the schema).
 *
 * Same finding codes, same JSON paths, same Chinese messages (taken from
 * the schema's `messages`, never written here; the place named in Chinese
 * from the schema's labels); both copies are held to
 * tests/fixtures/vectors/. A classic script with no dependencies: in the
 * browser it defines window.CerthallValidate, under node it is a CommonJS
 * module (tests/browser/validate.test.mjs runs the vectors through it). */
(function (root) {
  'use strict';

  // Full-width digits and letters and the ideographic space to ASCII,
  // exactly those text.c folds (applicants type with Chinese IMEs).
  function fold(s) {
    return String(s).replace(/[\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A\u3000]/g, function (c) {
      var u = c.charCodeAt(0);
      if (u === 0x3000) return ' ';
      return String.fromCharCode(u - 0xFEE0);
    });
  }

  // common/unsafecp.c's list, code point ranges inclusive; pinned to it by
  // tests/fixtures/vectors/unsafe_chars.json.
  var UNSAFE_RANGES = [
    [0x0000, 0x001F], [0x007F, 0x009F], [0x061C, 0x061C],
    [0x200E, 0x200F], [0x2028, 0x202E], [0x2066, 0x2069]
  ];

  // cp comes from a walk of a string by code points (Array.from), where a
  // surrogate is a lone one: a pasted string can hold it and UTF-8
  // cannot, so it counts as unsafe (the batch would refuse the whole
  // application.json for it).
  function unsafeCp(cp) {
    if (cp >= 0xD800 && cp <= 0xDFFF) return true;
    for (var i = 0; i < UNSAFE_RANGES.length; i++)
      if (cp >= UNSAFE_RANGES[i][0] && cp <= UNSAFE_RANGES[i][1]) return true;
    return false;
  }

  // The first unsafe code point of s, or -1.
  function firstUnsafe(s) {
    var cps = Array.from(s), i, cp;
    for (i = 0; i < cps.length; i++) {
      cp = cps[i].codePointAt(0);
      if (unsafeCp(cp)) return cp;
    }
    return -1;
  }

  // As termsafe.c: each unsafe code point as '?'.
  function termSafe(s) {
    return Array.from(String(s), function (ch) {
      return unsafeCp(ch.codePointAt(0)) ? '?' : ch;
    }).join('');
  }

  function isDigit(c) { return c >= '0' && c <= '9'; }
  // ASCII only, as validate.c's upper(): no Unicode case mapping.
  function upper(c) { return c >= 'a' && c <= 'z' ? c.toUpperCase() : c; }
  function allDigits(s) { return /^[0-9]*$/.test(s); }

  // Today's date in Asia/Shanghai (UTC+8, no daylight saving) as YYYYMMDD.
  function todayShanghai() {
    var d = new Date(Date.now() + 8 * 3600 * 1000);
    return d.getUTCFullYear() * 10000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
  }

  function realDate(y, m, d) {
    var days = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    var leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
    if (m < 1 || m > 12 || d < 1) return false;
    return d <= days[m - 1] + (m === 2 && leap ? 1 : 0);
  }

  // GB 11643-1999, ISO 7064 MOD 11-2; permits and the 2023 foreigner card
  // share the format. The address code is not looked up.
  function idNumberRaw(s, today) {
    var w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    var check = '10X98765432';
    var sum = 0, i, y, m, d;
    if (s.length !== 18) return false;
    for (i = 0; i < 17; i++) {
      if (!isDigit(s[i])) return false;
      sum += (s.charCodeAt(i) - 48) * w[i];
    }
    if (s[0] === '0') return false;
    if (upper(s[17]) !== check[sum % 11]) return false;
    y = parseInt(s.substr(6, 4), 10);
    m = parseInt(s.substr(10, 2), 10);
    d = parseInt(s.substr(12, 2), 10);
    if (y < 1800 || !realDate(y, m, d)) return false;
    if (!today) today = todayShanghai();
    return y * 10000 + m * 100 + d <= today;
  }

  var USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';

  // GB 32100-2015: registration authority, type, six-digit division
  // code, organisation code, check character over 31 characters.
  function usccRaw(s) {
    var w = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
    var sum = 0, i, k, c;
    if (s.length !== 18) return false;
    for (i = 0; i < 18; i++) {
      c = upper(s[i]);
      k = USCC_CHARS.indexOf(c);
      if (c.length !== 1 || k < 0) return false;
      if (i < 17) sum += k * w[i];
    }
    if ('123456789ANY'.indexOf(upper(s[0])) < 0) return false;
    if (s[1] < '1' || s[1] > '9') return false;
    for (i = 2; i < 8; i++) if (!isDigit(s[i])) return false;
    return upper(s[17]) === USCC_CHARS[(31 - sum % 31) % 31];
  }

  function stripSeparators(s) { return s.replace(/[ -]/g, ''); }

  // The canonical 11 digits, or null.
  function mobileRaw(s) {
    var d = stripSeparators(s), p;
    if (utf8Length(d) > 23) return null; // validate.c's d[24]
    if (d.substr(0, 3) === '+86') p = d.substr(3);
    else if (d.length === 13 && d.substr(0, 2) === '86') p = d.substr(2);
    else p = d;
    if (p.length !== 11 || p[0] !== '1' || p[1] < '3' || p[1] > '9') return null;
    return allDigits(p) ? p : null;
  }

  function utf8Length(s) {
    var n = 0, i, c;
    for (i = 0; i < s.length; i++) {
      c = s.charCodeAt(i);
      if (c < 0x80) n += 1;
      else if (c < 0x800) n += 2;
      else if (c >= 0xD800 && c <= 0xDBFF) { n += 4; i++; }
      else n += 3;
    }
    return n;
  }

  function labelOk(l) {
    return l.length >= 1 && l.length <= 63 && l[0] !== '-' &&
      l[l.length - 1] !== '-' && /^[0-9A-Za-z-]+$/.test(l);
  }

  // The top-level label: letters only, or an IDN TLD in punycode.
  function tldOk(l) { return /^[A-Za-z]{2,}$/.test(l) || /^xn--./i.test(l); }

  // A dot-atom of ASCII letters, digits and . _ % + -, or non-ASCII
  // letters (a Chinese local part is real), at most 64 UTF-8 bytes and
  // not starting with '-': nothing a shell or mail header reads as
  // syntax, since the address is later handed to msmtp. As validate.c.
  var LOCAL = /^[A-Za-z0-9_%+\-\p{L}]+(?:\.[A-Za-z0-9_%+\-\p{L}]+)*$/u;
  function localOk(l) {
    return l.length >= 1 && utf8Length(l) <= 64 && l[0] !== '-' && LOCAL.test(l);
  }

  // Stricter than RFC 5322 on purpose, as validate.c.
  function emailRaw(s) {
    var at = s.indexOf('@'), i, labels;
    if (utf8Length(s) > 254 || at <= 0 || s.indexOf('@', at + 1) >= 0) return false;
    if (!localOk(s.substring(0, at))) return false;
    labels = s.substr(at + 1).split('.');
    for (i = 0; i < labels.length; i++) if (!labelOk(labels[i])) return false;
    return labels.length >= 2 && tldOk(labels[labels.length - 1]);
  }

  function postcodeRaw(s) { return s === '' || /^[0-9]{6}$/.test(s); }

  function taxpayerIdRaw(s) {
    var n = s.length;
    if (n !== 15 && n !== 17 && n !== 18 && n !== 20) return false;
    if (!/^[0-9A-Za-z]+$/.test(s)) return false;
    return n !== 18 || usccRaw(s);
  }

  function bankAccountRaw(s) {
    var d = stripSeparators(s);
    if (utf8Length(d) > 32) return null;
    if (d.length < 6 || d.length > 32 || !allDigits(d)) return null;
    return d;
  }

  function idNumber(s, today) { return idNumberRaw(fold(s), today); }
  function uscc(s) { return usccRaw(fold(s)); }
  function mobile(s) { return mobileRaw(fold(s)); }
  function email(s) { return emailRaw(fold(s)); }
  function postcode(s) { return postcodeRaw(fold(s)); }
  function taxpayerId(s) { return taxpayerIdRaw(fold(s)); }
  function bankAccount(s) { return bankAccountRaw(fold(s)); }

  var CHECKS = {
    id_number: ['ID_NUMBER_INVALID', function (v, t) { return idNumber(v, t); }],
    uscc: ['USCC_INVALID', uscc],
    mobile: ['MOBILE_INVALID', function (v) { return mobile(v) !== null; }],
    email: ['EMAIL_INVALID', email],
    postcode: ['POSTCODE_INVALID', postcode],
    taxpayer_id: ['TAXPAYER_ID_INVALID', taxpayerId],
    bank_account: ['BANK_ACCOUNT_INVALID', function (v) { return bankAccount(v) !== null; }]
  };

  // As ch_check_value: null when valid, else the finding code.
  function checkValue(check, value, today) {
    var c = Object.prototype.hasOwnProperty.call(CHECKS, check) ? CHECKS[check] : null;
    if (!c) return 'SCHEMA_UNKNOWN_CHECK';
    return c[1](String(value), today) ? null : c[0];
  }

  // As ch_check_value_why: [code or null, variant or null].
  function checkValueWhy(check, value, today) {
    var code = checkValue(check, value, today);
    var variant = code && check === 'id_number' && Array.from(String(value)).length !== 18 ? 'length' : null;
    return [code, variant];
  }

  function checkKnown(check) {
    return Object.prototype.hasOwnProperty.call(CHECKS, check);
  }

  // The canonical form written into application.json.
  function normalise(check, value) {
    var v = String(value);
    if (check === 'mobile') return mobile(v) || v;
    if (check === 'bank_account') return bankAccount(v) || v;
    return v;
  }

  // The schema's template for code (for "code.variant" when it has one)
  // with {where} {label} {limit} filled, unsafe characters as '?'.
  function message(schema, code, where, label, limit, variant) {
    var msgs = schema && schema.messages, key = variant ? code + '.' + variant : code;
    var m = msgs && typeof msgs[key] === 'string' ? msgs[key]
      : msgs && typeof msgs[code] === 'string' ? msgs[code] : code;
    var fill = { where: termSafe(where || ''), label: termSafe(label || ''), limit: termSafe(limit || '') };
    return m.replace(/\{(where|label|limit)\}/g, function (_, k) { return fill[k]; });
  }

  // --- a document judged by its content: batch/sniff.c and docs.c --------
  function startsWith(b, sig) {
    if (b.length < sig.length) return false;
    for (var i = 0; i < sig.length; i++) if (b[i] !== sig[i]) return false;
    return true;
  }

  function be32(b, i) { return ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0; }
  function isSof(m) { return m >= 0xC0 && m <= 0xCF && m !== 0xC4 && m !== 0xC8 && m !== 0xCC; }

  // The markers after FF D8 walked to a frame header, as sniff.c's
  // streaming walk: {w, h} or null.
  function jpegSize(b) {
    var i = 2, m, len;
    for (;;) {
      if (i >= b.length || b[i] !== 0xFF) return null;
      i++;
      while (i < b.length && b[i] === 0xFF) i++; // fill bytes
      if (i >= b.length) return null;
      m = b[i++];
      if (m === 0x00 || m === 0xD9 || m === 0xDA) return null;
      if (m === 0x01 || m === 0xD8 || (m >= 0xD0 && m <= 0xD7)) continue;
      if (isSof(m)) {
        if (i + 7 > b.length) return null;
        return { h: (b[i + 3] << 8) | b[i + 4], w: (b[i + 5] << 8) | b[i + 6] };
      }
      if (i + 2 > b.length) return null;
      len = (b[i] << 8) | b[i + 1];
      if (len < 2) return null;
      i += len;
    }
  }

  // bytes: a Uint8Array. {type, ext}, or {code} and maybe {variant}: what
  // docs.c finds for the same bytes (DOC_TOO_SMALL, DOC_TYPE).
  function documentVerdict(b, minSide) {
    var tail, i, s, w, h;
    minSide = minSide || 800;
    if (!b.length) return { code: 'DOC_TOO_SMALL' };
    if (startsWith(b, [0x25, 0x50, 0x44, 0x46, 0x2D])) {
      tail = b.subarray(Math.max(0, b.length - 1024));
      s = '';
      for (i = 0; i < tail.length; i++) s += String.fromCharCode(tail[i]);
      // A PDF cut short is told so, not "not a PDF".
      return s.indexOf('%%EOF') >= 0 ? { type: 'pdf', ext: 'pdf' } : { code: 'DOC_TYPE', variant: 'pdf_incomplete' };
    }
    if (startsWith(b, [0xFF, 0xD8, 0xFF])) {
      s = jpegSize(b);
      if (!s) return { code: 'DOC_TYPE' };
      return Math.max(s.w, s.h) < minSide ? { code: 'DOC_TOO_SMALL' } : { type: 'jpeg', ext: 'jpg' };
    }
    if (b.length >= 24 && startsWith(b, [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) &&
        be32(b, 8) === 13 && String.fromCharCode(b[12], b[13], b[14], b[15]) === 'IHDR' &&
        !(b[16] & 0x80) && !(b[20] & 0x80)) {
      w = be32(b, 16);
      h = be32(b, 20);
      return Math.max(w, h) < minSide ? { code: 'DOC_TOO_SMALL' } : { type: 'png', ext: 'png' };
    }
    return { code: 'DOC_TYPE' };
  }

  // --- application.json against the schema: common/form.c ---------------
  var LABEL = {
    format: '格式版本', application_id: '申请编号', revision: '申请版本',
    submitted_at: '提交时间', documents: '上传电子资料', kind: '资料类型',
    file: '文件名', person: '对应申请人'
  };

  function has(o, k) { return o !== null && typeof o === 'object' && Object.prototype.hasOwnProperty.call(o, k); }
  function get(o, k) { return has(o, k) ? o[k] : undefined; }
  function isObject(v) { return v !== null && typeof v === 'object' && !Array.isArray(v); }
  function isInt(v) { return typeof v === 'number' && Math.floor(v) === v && isFinite(v); }
  function chars(s) { return Array.from(s).length; }
  function blank(s) { return /^[ \t\r\n\u3000]*$/.test(s); }
  function absent(v) {
    return v === undefined || v === null || (typeof v === 'string' && blank(v)) ||
      (Array.isArray(v) && v.length === 0);
  }
  function num(f, k) { return typeof f[k] === 'number' ? f[k] : -1; }
  function members(f) { return (f.type === 'list' ? f.item : f.fields) || []; }

  function Walk(schema, today) { this.s = schema; this.today = today; this.out = []; }
  Walk.prototype.add = function (code, where, label, limit, variant) {
    this.out.push({ code: code, level: 'error', where: where || '',
      message: message(this.s, code, where, label, limit, variant) });
  };

  function pathKey(path, key) { return path ? path + '.' + key : key; }

  // in: the Chinese name of obj ('' at the top).
  function unknownKeys(w, obj, fields, path, extra, inName) {
    Object.keys(obj).forEach(function (k) {
      var known = fields.some(function (f) { return f.key === k; }) ||
        (extra && extra.indexOf(k) >= 0);
      if (!known) w.add('FORM_UNKNOWN_KEY', pathKey(path, k), k, inName, inName ? 'in' : null);
    });
  }

  // FORM_CHARACTER when s holds a control or bidi character; true then.
  function badChars(w, s, where, label) {
    var cp = firstUnsafe(s), hex;
    if (cp < 0) return false;
    hex = cp.toString(16).toUpperCase();
    while (hex.length < 4) hex = '0' + hex;
    w.add('FORM_CHARACTER', where, label, 'U+' + hex);
    return true;
  }

  function isChoice(fd) { return fd.type === 'enum' || (fd.type === 'integer' && !!fd.widget); }
  function itemName(fd) { return typeof fd.item_label === 'string' ? fd.item_label : fd.label; }

  function rangeLimit(hasMin, min, hasMax, max, unit) {
    if (hasMin && hasMax) return min + '\u2013' + max + unit;
    if (hasMin) return '不少于 ' + min + unit;
    return '不超过 ' + max + unit;
  }

  function checkString(w, fd, v, where, label) {
    var len, r, minL = num(fd, 'min_length'), maxL = num(fd, 'max_length');
    if (typeof v !== 'string') { w.add('FORM_TYPE', where, label); return; }
    if (badChars(w, v, where, label)) return;
    len = chars(v);
    if (minL >= 0 && len < minL) { w.add('FORM_RANGE', where, label, '至少 ' + minL + ' 个字符', 'too_short'); return; }
    if (maxL >= 0 && len > maxL) { w.add('FORM_RANGE', where, label, '最多 ' + maxL + ' 个字符', 'too_long'); return; }
    if (!fd.check) return;
    r = checkValueWhy(fd.check, v, w.today);
    if (r[0] !== null) w.add(r[0], where, label, String(len), r[1]);
  }

  function checkInteger(w, fd, v, where, label) {
    var hasMin = typeof fd.min === 'number', hasMax = typeof fd.max === 'number';
    if (!isInt(v)) { w.add('FORM_TYPE', where, label); return; }
    if ((hasMin && v < fd.min) || (hasMax && v > fd.max))
      w.add('FORM_RANGE', where, label, rangeLimit(hasMin, fd.min, hasMax, fd.max, ''));
  }

  function checkEnum(w, fd, v, where, label) {
    if (typeof v !== 'string') { w.add('FORM_TYPE', where, label); return; }
    if (badChars(w, v, where, label)) return;
    if (!(fd.values || []).some(function (x) { return x.value === v; })) w.add('FORM_ENUM', where, label);
  }

  function checkRegion(w, fd, v, where, label) {
    var i;
    if (!Array.isArray(v)) { w.add('FORM_TYPE', where, label); return; }
    if (v.length !== 3) { w.add('FORM_RANGE', where, label, '省、市、区 3 项'); return; }
    for (i = 0; i < 3; i++) {
      if (typeof v[i] !== 'string') { w.add('FORM_TYPE', where, label); return; }
      if (blank(v[i])) { w.add('FORM_REQUIRED', where, label); return; }
      if (badChars(w, v[i], where, label)) return;
    }
  }

  function checkList(w, fd, v, where, label) {
    var minI = num(fd, 'min_items'), maxI = num(fd, 'max_items');
    if (!Array.isArray(v)) { w.add('FORM_TYPE', where, label); return; }
    if ((minI >= 0 && v.length < minI) || (maxI >= 0 && v.length > maxI)) {
      w.add('FORM_RANGE', where, label, rangeLimit(minI >= 0, minI, maxI >= 0, maxI, ' 项'));
      return;
    }
    v.forEach(function (item, i) {
      var p = where + '[' + i + ']', name = '第 ' + (i + 1) + ' 位' + itemName(fd);
      if (!isObject(item)) { w.add('FORM_TYPE', p, name); return; }
      unknownKeys(w, item, members(fd), p, null, name);
      checkFields(w, members(fd), item, p, name + '的');
    });
  }

  function isRequired(fd, obj) {
    var sib;
    if (fd.required === true) return true;
    if (!isObject(fd.required_when)) return false;
    sib = get(obj, fd.required_when.field);
    return typeof sib === 'string' && sib === fd.required_when.equals;
  }

  // place: '' or the Chinese words leading to the field's label.
  function checkField(w, fd, obj, where, place) {
    var v = obj ? get(obj, fd.key) : undefined, label = place + fd.label;
    if (fd.type === 'group') {
      if (v !== undefined && v !== null && !isObject(v)) { w.add('FORM_TYPE', where, label); return; }
      if (isObject(v)) unknownKeys(w, v, members(fd), where, null, label);
      checkFields(w, members(fd), isObject(v) ? v : null, where, place);
      return;
    }
    if (absent(v)) {
      if (isRequired(fd, obj)) w.add('FORM_REQUIRED', where, label, null, isChoice(fd) ? 'choose' : null);
      return;
    }
    if (fd.type === 'string') checkString(w, fd, v, where, label);
    else if (fd.type === 'integer') checkInteger(w, fd, v, where, label);
    else if (fd.type === 'enum') checkEnum(w, fd, v, where, label);
    else if (fd.type === 'region') checkRegion(w, fd, v, where, label);
    else if (fd.type === 'list') checkList(w, fd, v, where, label);
  }

  function checkFields(w, fields, obj, path, place) {
    fields.forEach(function (fd) { checkField(w, fd, obj, pathKey(path, fd.key), place || ''); });
  }

  function appIdOk(s) { return /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/.test(s); }

  // RFC 3339 date-time with a required offset, fractions allowed.
  function rfc3339Ok(s) {
    var m = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-](\d{2}):(\d{2}))$/.exec(s);
    var y, mo, d, leap, mdays = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    if (!m) return false;
    y = +m[1]; mo = +m[2]; d = +m[3];
    leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
    if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || (mo === 2 && d === 29 && !leap) ||
        +m[4] > 23 || +m[5] > 59 || +m[6] > 60) return false;
    return m[9] === undefined || (+m[9] <= 23 && +m[10] <= 59);
  }

  function checkMeta(w, app) {
    var v = get(app, 'application_id');
    if (absent(v)) w.add('FORM_REQUIRED', 'application_id', LABEL.application_id);
    else if (typeof v === 'string' && badChars(w, v, 'application_id', LABEL.application_id)) { /* said */ }
    else if (typeof v !== 'string' || !appIdOk(v)) w.add('FORM_TYPE', 'application_id', LABEL.application_id);
    v = get(app, 'revision');
    if (absent(v)) w.add('FORM_REQUIRED', 'revision', LABEL.revision);
    else if (!isInt(v)) w.add('FORM_TYPE', 'revision', LABEL.revision);
    else if (v < 1 || v > 9999) w.add('FORM_RANGE', 'revision', LABEL.revision, '1 至 9999');
    v = get(app, 'submitted_at');
    if (absent(v)) w.add('FORM_REQUIRED', 'submitted_at', LABEL.submitted_at);
    else if (typeof v === 'string' && badChars(w, v, 'submitted_at', LABEL.submitted_at)) { /* said */ }
    else if (typeof v !== 'string' || !rfc3339Ok(v)) w.add('FORM_TYPE', 'submitted_at', LABEL.submitted_at);
  }

  function personalList(app) {
    var p = get(get(app, 'certificates'), 'personal');
    return Array.isArray(p) ? p : null;
  }

  function ruleNoCertificate(w, app) {
    var years = get(get(app, 'certificates'), 'organization_years'), personal = personalList(app);
    if (years !== undefined && years !== null && !isInt(years)) return;
    if ((isInt(years) && years >= 1) || (personal && personal.length > 0)) return;
    w.add('NO_CERTIFICATE', 'certificates');
  }

  function idKey(s) { return fold(s).replace(/^ +| +$/g, '').replace(/x/g, 'X'); }

  // A schema field by its path, list items' members included, the rows'
  // indexes ignored ("certificates.personal[3].name"); null if none.
  function fieldAt(s, path) {
    var list = s.fields || [], f = null;
    path.replace(/\[[^\]]*\]/g, '').split('.').forEach(function (k) {
      f = list && list.filter(function (x) { return x.key === k; })[0] || null;
      list = f ? members(f) : null;
    });
    return f;
  }

  function ruleDuplicatePerson(w, app) {
    var personal = personalList(app), keys = [], i, j, id;
    var list = fieldAt(w.s, 'certificates.personal'), idf = fieldAt(w.s, 'certificates.personal.id_number');
    if (!personal || personal.length < 2) return;
    for (i = 0; i < personal.length; i++) {
      id = get(personal[i], 'id_number');
      if (typeof id !== 'string' || blank(id)) continue;
      keys[i] = idKey(id);
      for (j = 0; j < i; j++) {
        if (keys[j] !== undefined && keys[j] === keys[i]) {
          w.add('DUPLICATE_PERSON', 'certificates.personal[' + i + '].id_number',
            '第 ' + (i + 1) + ' 位' + (list ? itemName(list) : '申请人') + '的' + (idf ? idf.label : '身份证号'),
            String(j + 1));
          break;
        }
      }
    }
  }

  function docKind(s, kind) {
    var d = (s.documents || []).filter(function (x) { return x.kind === kind; });
    return d.length ? d[0] : null;
  }

  function docApplies(d, app) {
    var v;
    if (!isObject(d.when)) return true;
    v = get(app, d.when.field);
    return typeof v === 'string' && v === d.when.equals;
  }

  function fileNameOk(s) { return !/[/\\]/.test(s); }

  // name: the item's Chinese name ("第 3 份上传电子资料").
  function checkDocItem(w, app, item, p, npersons, name) {
    var kind = get(item, 'kind'), file = get(item, 'file'), person = get(item, 'person'), d = null, q, l;
    var place = name + '的';
    unknownKeys(w, item, [], p, ['kind', 'file', 'person'], name);
    q = p + '.kind'; l = place + LABEL.kind;
    if (absent(kind)) w.add('FORM_REQUIRED', q, l);
    else if (typeof kind !== 'string') w.add('FORM_TYPE', q, l);
    else if (badChars(w, kind, q, l)) { /* said */ }
    else if (!(d = docKind(w.s, kind)) || !docApplies(d, app)) w.add('FORM_ENUM', q, l);
    q = p + '.file'; l = place + LABEL.file;
    if (absent(file)) w.add('FORM_REQUIRED', q, l);
    else if (typeof file !== 'string') w.add('FORM_TYPE', q, l);
    else if (badChars(w, file, q, l)) { /* said */ }
    else if (!fileNameOk(file)) w.add('FORM_TYPE', q, l);
    else if (chars(file) > 255) w.add('FORM_RANGE', q, l, '最多 255 个字符', 'too_long');
    q = p + '.person'; l = place + LABEL.person;
    if (d && d.needed === 'per_person') {
      if (absent(person)) w.add('FORM_REQUIRED', q, l);
      else if (!isInt(person)) w.add('FORM_TYPE', q, l);
      else if (person < 0 || person >= npersons)
        w.add('FORM_RANGE', q, l, npersons ? '0\u2013' + (npersons - 1) : '未申请机构个人证书');
    } else if (person !== undefined && d) {
      w.add('FORM_UNKNOWN_KEY', q, 'person', name, 'in');
    }
  }

  function listed(docs, kind, person) {
    return docs.some(function (item) {
      var k = get(item, 'kind'), p = get(item, 'person');
      return k === kind && (person < 0 || (isInt(p) && p === person));
    });
  }

  function checkDocuments(w, app) {
    var docs = get(app, 'documents'), personal = personalList(app), n = personal ? personal.length : 0;
    if (docs !== undefined && docs !== null && !Array.isArray(docs)) {
      w.add('FORM_TYPE', 'documents', LABEL.documents);
      return;
    }
    if (!Array.isArray(docs)) docs = [];
    docs.forEach(function (item, i) {
      var p = 'documents[' + i + ']', name = '第 ' + (i + 1) + ' 份' + LABEL.documents;
      if (!isObject(item)) w.add('FORM_TYPE', p, name);
      else checkDocItem(w, app, item, p, n, name);
    });
    (w.s.documents || []).forEach(function (d) {
      var k, name;
      if (!docApplies(d, app)) return;
      if (d.needed === 'always' && !listed(docs, d.kind, -1)) w.add('DOC_MISSING', 'documents', d.label);
      if (d.needed === 'per_person') {
        for (k = 0; k < n; k++) {
          if (listed(docs, d.kind, k)) continue;
          name = get(personal[k], 'name');
          w.add('DOC_MISSING', 'certificates.personal[' + k + ']',
            typeof name === 'string' && !blank(name) ? d.label + '（' + name + '）'
              : d.label + '（第 ' + (k + 1) + ' 位申请人）');
        }
      }
    });
  }

  // As ch_form_validate: every finding for app, in the same order.
  // opts.today is YYYYMMDD (default: today in Shanghai); opts.documents
  // false skips documents[] (the form checks its file inputs itself).
  function validateApplication(schema, app, opts) {
    var w = new Walk(schema, opts && opts.today ? opts.today : 0), rules = schema.rules || [];
    if (!isObject(app)) { w.add('FORM_TYPE', '', 'application.json'); return w.out; }
    if (get(app, 'format') !== schema.format) { w.add('FORM_FORMAT', 'format', LABEL.format); return w.out; }
    unknownKeys(w, app, schema.fields || [], '', ['format', 'application_id', 'revision', 'submitted_at', 'documents'], '');
    checkMeta(w, app);
    checkFields(w, schema.fields || [], app, '', '');
    if (rules.indexOf('no_certificate') >= 0) ruleNoCertificate(w, app);
    if (rules.indexOf('duplicate_person') >= 0) ruleDuplicatePerson(w, app);
    if (!opts || opts.documents !== false) checkDocuments(w, app);
    return w.out;
  }

  var api = {
    fold: fold,
    idNumber: idNumber,
    uscc: uscc,
    mobile: mobile,
    email: email,
    postcode: postcode,
    taxpayerId: taxpayerId,
    bankAccount: bankAccount,
    checkValue: checkValue,
    checkValueWhy: checkValueWhy,
    UNSAFE_RANGES: UNSAFE_RANGES,
    firstUnsafe: firstUnsafe,
    termSafe: termSafe,
    checkKnown: checkKnown,
    fieldAt: fieldAt,
    normalise: normalise,
    message: message,
    validateApplication: validateApplication,
    documentVerdict: documentVerdict,
    todayShanghai: todayShanghai,
    utf8Length: utf8Length
  };

  if (typeof module !== 'undefined' && module.exports) module.exports = api;
  if (root) root.CerthallValidate = api;
})(typeof window !== 'undefined' ? window : (typeof globalThis !== 'undefined' ? globalThis : null));
