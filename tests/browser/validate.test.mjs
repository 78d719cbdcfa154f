// site/assets/validate.js against the same vectors as common/validate.c
// and common/form.c (tests/fixtures/vectors/): the browser must say
// exactly what the batch will say. No browser needed: validate.js is a
// classic script that also loads as a CommonJS module.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT, buildSite } from './lib.mjs';

const require = createRequire(import.meta.url);
const V = require(join(ROOT, 'site/assets/validate.js'));
const vectors = (name) => JSON.parse(readFileSync(join(ROOT, 'tests/fixtures/vectors', name), 'utf8'));

// The schema exactly as the browser gets it: the JSON the generator
// embeds (schema->raw) in the built form page.
let schemaCache = null;
function loadSchema() {
  if (schemaCache) return structuredClone(schemaCache);
  const html = readFileSync(join(buildSite(), 'apply', 'index.html'), 'utf8');
  const m = /<script type="application\/json" id="ch-schema">([^<]*)<\/script>/.exec(html);
  assert.ok(m, 'the form page embeds the schema');
  schemaCache = JSON.parse(m[1]);
  return structuredClone(schemaCache);
}

const CHECKS = {
  id_number: (v, today) => V.idNumber(v, today),
  uscc: (v) => V.uscc(v),
  mobile: (v) => V.mobile(v) !== null,
  email: (v) => V.email(v),
  postcode: (v) => V.postcode(v),
  taxpayer_id: (v) => V.taxpayerId(v),
  bank_account: (v) => V.bankAccount(v) !== null,
};

test('every value vector: valid, invalid and canonical as validate.c', () => {
  const vec = vectors('validators.json');
  let n = 0;
  for (const [check, fn] of Object.entries(CHECKS)) {
    assert.ok(vec[check], `vectors for ${check}`);
    assert.ok(V.checkKnown(check));
    for (const v of vec[check].valid) {
      assert.equal(fn(v, vec.today), true, `${check} should accept ${JSON.stringify(v)}`);
      assert.equal(V.checkValue(check, v, vec.today), null);
      n++;
    }
    for (const v of vec[check].invalid) {
      assert.equal(fn(v, vec.today), false, `${check} should refuse ${JSON.stringify(v)}`);
      assert.match(V.checkValue(check, v, vec.today), /_INVALID$/);
      n++;
    }
    for (const [input, want] of vec[check].canonical || []) {
      const got = check === 'mobile' ? V.mobile(input) : V.bankAccount(input);
      assert.equal(got, want, `${check} canonical form of ${JSON.stringify(input)}`);
      assert.equal(V.normalise(check, input), want);
      n++;
    }
  }
  assert.equal(V.checkValue('no_such_check', 'x'), 'SCHEMA_UNKNOWN_CHECK');
  assert.ok(n > 50, `only ${n} value vectors ran`);
});

test('every application vector: the same finding codes as form.c', () => {
  const schema = loadSchema();
  const vec = vectors('applications.json');
  assert.ok(vec.length > 50);
  for (const c of vec) {
    const found = V.validateApplication(schema, c.app, { today: c.today });
    const codes = found.map((f) => f.code).sort();
    // expect lists each code once, however often it is found.
    assert.deepEqual([...new Set(codes)], [...new Set(c.expect)].sort(), c.name);
    for (const f of found) {
      assert.equal(f.level, 'error', c.name);
      assert.equal(typeof f.where, 'string', c.name);
      // The message is the schema's Chinese text, every placeholder filled.
      assert.ok(schema.messages[f.code], `${c.name}: no message for ${f.code}`);
      assert.doesNotMatch(f.message, /\{(where|label|limit)\}/, c.name);
      assert.match(f.message, /[\u4e00-\u9fff]/, c.name);
    }
    // The exact words at the places the case names, as form.c says them.
    for (const [where, message] of Object.entries(c.messages || {})) {
      const f = found.find((x) => x.where === where);
      assert.ok(f, `${c.name}: no finding at ${where}`);
      assert.equal(f.message, message, c.name);
    }
  }
});

test('the unsafe characters are common/unsafecp.c\'s list', () => {
  const vec = vectors('unsafe_chars.json');
  const want = vec.ranges.map(([a, b]) => [parseInt(a.slice(2), 16), parseInt(b.slice(2), 16)]);
  assert.deepEqual(V.UNSAFE_RANGES, want);
  for (const [a, b] of want) {
    for (const cp of [a, b]) {
      const s = 'x' + String.fromCodePoint(cp) + 'y';
      assert.equal(V.firstUnsafe(s), cp, `U+${cp.toString(16)}`);
      assert.equal(V.termSafe(s), 'x?y');
    }
    if (b + 1 !== 0x7f) assert.equal(V.firstUnsafe('x' + String.fromCodePoint(b + 1)), -1);
  }
  assert.equal(V.firstUnsafe('山西示例科技 😀 No.1'), -1);
  assert.equal(V.firstUnsafe('a\ud800b'), 0xd800, 'a lone surrogate');
});

test('findings carry the JSON path and the label of their field', () => {
  const schema = loadSchema();
  const base = vectors('applications.json')[0].app;
  const app = structuredClone(base);
  app.handler.mobile = '12812345678';
  app.certificates.personal[0].id_number = '140105198503121230';
  delete app.organization.city;
  const found = V.validateApplication(schema, app, { today: 20261124 });
  const by = Object.fromEntries(found.map((f) => [f.where, f]));
  assert.equal(by['handler.mobile'].code, 'MOBILE_INVALID');
  assert.equal(by['handler.mobile'].message, '“移动电话”不是有效的中国大陆手机号码。');
  assert.equal(by['certificates.personal[0].id_number'].code, 'ID_NUMBER_INVALID');
  assert.equal(by['certificates.personal[0].id_number'].message,
    '“第 1 位机构个人证书申请人的身份证号”不是有效的身份证号（请核对校验位和出生日期）。');
  assert.equal(by['organization.city'].message, '请填写省市。');
});

test('full-width input is folded before every check', () => {
  assert.equal(V.fold('１３８　ＡＢｃ'), '138 ABc');
  assert.equal(V.mobile('１３８１２３４５６７８'), '13812345678');
});

test('documents judged by content as sniff.c and docs.c judge them', () => {
  const vec = vectors('documents.json');
  assert.ok(vec.cases.length > 15);
  for (const c of vec.cases) {
    const bytes = Buffer.concat(c.parts.map((p) =>
      p.ascii !== undefined ? Buffer.from(p.ascii, 'latin1')
        : p.hex !== undefined ? Buffer.from(p.hex, 'hex')
          : Buffer.alloc(p.count, parseInt(p.repeat, 16))));
    const got = V.documentVerdict(new Uint8Array(bytes), vec.min_image_side);
    if (c.expect.type) {
      assert.equal(got.type, c.expect.type, c.name);
    } else {
      assert.equal(got.code, c.expect.code, c.name);
      assert.equal(got.variant, c.expect.variant, c.name);
    }
  }
});

test('a message never carries a control or bidi character from a value', () => {
  const schema = loadSchema();
  assert.equal(V.message(schema, 'FORM_UNKNOWN_KEY', 'k', 'x\u202egpj\x1b'),
    '申请表中有无法识别的项目“x?gpj?”。');
  assert.equal(V.message(schema, 'FORM_REQUIRED', 'payment_method', '付款方式', null, 'choose'), '请选择付款方式。');
  assert.equal(V.message(schema, 'FORM_REQUIRED', 'x', '省市', null, 'no_such_variant'), '请填写省市。');
});
