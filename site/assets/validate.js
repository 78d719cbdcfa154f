/* validate.js: the browser's copy of common/validate.c (checks on single
 * values) and common/form.c (application.json against the schema).
 *
 * Same finding codes, same JSON paths, same Chinese messages (taken from
 * the schema's `messages`, never written here); both copies are held to
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

  // Pragmatic, as validate.c: what a mail server accepts and a person types.
  function emailRaw(s) {
    var at = s.indexOf('@'), i, c, labels;
    if (utf8Length(s) > 254 || at <= 0 || s.indexOf('@', at + 1) >= 0) return false;
    for (i = 0; i < at; i++) {
      c = s.charCodeAt(i);
      if (c <= 0x20 || c === 0x7F) return false;
    }
    labels = s.substr(at + 1).split('.');
    for (i = 0; i < labels.length; i++) if (!labelOk(labels[i])) return false;
    return labels.length >= 2;
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

  // The schema's template for code with {where} {label} {limit} filled.
  function message(schema, code, where, label, limit) {
    var m = schema && schema.messages && typeof schema.messages[code] === 'string'
      ? schema.messages[code] : code;
    var fill = { where: where || '', label: label || '', limit: limit || '' };
    return m.replace(/\{(where|label|limit)\}/g, function (_, k) { return fill[k]; });
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
    checkKnown: checkKnown,
    normalise: normalise,
    message: message,
    todayShanghai: todayShanghai,
    utf8Length: utf8Length
  };

  if (typeof module !== 'undefined' && module.exports) module.exports = api;
  if (root) root.CerthallValidate = api;
})(typeof window !== 'undefined' ? window : (typeof globalThis !== 'undefined' ? globalThis : null));
