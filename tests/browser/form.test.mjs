// The application form on the built site (content/apply.md -> /apply/):
// an applicant fills it with valid made-up data, adds and removes a
// personal certificate, sees the total, keeps a draft, prints the letter
// and downloads a bundle that is checked against BUNDLE.md; with invalid
// data they see the Chinese message at the field and get no bundle.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { BIN, ROOT, buildSite, launch, serve } from './lib.mjs';

const require = createRequire(import.meta.url);
const V = require(join(ROOT, 'site/assets/validate.js'));

// --- made-up people and organisations (as tests/cli/people.py) ----------
const ID_W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
function idNumber(area, birth, seq) {
  const body = area + birth + seq;
  const s = [...body].reduce((a, c, i) => a + Number(c) * ID_W[i], 0);
  return body + '10X98765432'[s % 11];
}
const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_W = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
function uscc(body) {
  const s = [...body].reduce((a, c, i) => a + USCC_CHARS.indexOf(c) * USCC_W[i], 0);
  return body + USCC_CHARS[(31 - (s % 31)) % 31];
}
// The same body with another check character.
const wrongLast = (v, chars) => v.slice(0, -1) + [...chars].find((c) => c !== v.at(-1));

const ORG = { name: '山西示例科技有限公司', uscc: uscc('91140100MA0K1234X') };
const LEGAL = { name: '李示例', id: idNumber('140105', '19800101', '456') };
const HANDLER = { name: '王示例', id: idNumber('140106', '19900615', '789') };
const HOLDER_A = { name: '张示例', id: idNumber('140105', '19850312', '123'), mobile: '13700001111' };
const HOLDER_B = { name: '赵示例', id: idNumber('140107', '19770707', '321'), mobile: '+86 137 0000 2222' };

// --- scans made here: real PNGs and a minimal PDF ------------------------
const CRC = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xFFFFFFFF;
  for (const b of buf) c = CRC[(c ^ b) & 0xFF] ^ (c >>> 8);
  return (c ^ 0xFFFFFFFF) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
// A grey RGB image; shade makes two images of one size differ.
function png(width, height, shade = 200) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0); ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; ihdr[9] = 2; // 8-bit RGB
  const row = Buffer.alloc(1 + width * 3, shade); row[0] = 0;
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
    chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}
function pdf(text) {
  return Buffer.from(`%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n` +
    `2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n% ${text}\n` +
    `trailer << /Root 1 0 R >>\n%%EOF\n`, 'latin1');
}
const SCANS = {
  'doc-authorization_letter': { name: 'letter.pdf', mimeType: 'application/pdf', buffer: pdf('letter') },
  'doc-business_license': { name: 'licence.png', mimeType: 'image/png', buffer: png(1200, 850, 180) },
  'doc-id_copy-0': { name: 'id.png', mimeType: 'image/png', buffer: png(900, 600, 120) },
  'doc-stamp_form': { name: 'stamp.pdf', mimeType: 'application/pdf', buffer: pdf('stamp') },
  'doc-remittance_voucher': { name: 'voucher.png', mimeType: 'image/png', buffer: png(600, 1000, 90) },
};

let site, server, browser;
const tmp = mkdtempSync(join(tmpdir(), 'certhall-form-'));

before(async () => {
  site = buildSite();
  server = await serve(site);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

async function openForm(context) {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${server.url}/apply/`);
  await page.waitForSelector('#ch-form[data-ready="true"]');
  page.scriptErrors = errors;
  return page;
}

const byId = (id) => `[id="${id}"]`;
const errorAt = (page, id) => page.textContent(byId(`${id}-err`));

async function fillValid(page) {
  await page.check(byId('f-certificates-organization_years-v-2'));
  await page.fill(byId('f-organization-name'), ORG.name);
  await page.fill(byId('f-organization-id_number'), ORG.uscc);
  await page.fill(byId('f-organization-city'), '山西省太原市');
  await page.fill(byId('f-organization-address'), '太原市小店区示例路 1 号');
  await page.fill(byId('f-legal_representative-name'), LEGAL.name);
  await page.fill(byId('f-legal_representative-id_number'), LEGAL.id);
  await page.fill(byId('f-legal_representative-mobile'), '13912345678');
  await page.fill(byId('f-handler-name'), HANDLER.name);
  await page.fill(byId('f-handler-id_number'), HANDLER.id);
  await page.fill(byId('f-handler-mobile'), '+86 138 1234 5678');
  await page.fill(byId('f-handler-email'), 'wang@example.com');
  await page.fill(byId('f-handler-position'), '行政专员');
  await page.fill(byId('f-bank_account-name'), ORG.name);
  await page.fill(byId('f-bank_account-bank'), '中国工商银行太原分行');
  await page.fill(byId('f-bank_account-number'), '0502 1234 5678 9012 345');
  await page.fill(byId('f-mailing-region-0'), '山西省');
  await page.fill(byId('f-mailing-region-1'), '太原市');
  await page.fill(byId('f-mailing-region-2'), '小店区');
  await page.fill(byId('f-mailing-address'), '示例路 1 号 3 层');
  await page.fill(byId('f-mailing-postcode'), '030000');
  await page.check(byId('f-invoice-type-v-electronic'));
  await page.fill(byId('f-invoice-title'), ORG.name);
  await page.fill(byId('f-invoice-taxpayer_id'), ORG.uscc);
  await page.check(byId('f-payment_method-v-transfer'));
}

async function fillRow(page, i, who, years) {
  await page.fill(byId(`f-certificates-personal-${i}-name`), who.name);
  await page.fill(byId(`f-certificates-personal-${i}-id_number`), who.id);
  await page.fill(byId(`f-certificates-personal-${i}-mobile`), who.mobile);
  await page.check(byId(`f-certificates-personal-${i}-years-v-${years}`));
}

// Entries, flags and application.json of a ZIP, read by Python's zipfile.
function readZip(path) {
  const r = spawnSync('/usr/bin/python3', ['-c', `
import json, sys, zipfile, base64
z = zipfile.ZipFile(sys.argv[1])
assert z.testzip() is None
out = {"entries": [], "app": None}
for i in z.infolist():
    data = z.read(i)
    out["entries"].append({"name": i.filename, "flags": i.flag_bits, "method": i.compress_type,
                           "data": base64.b64encode(data).decode()})
    if i.filename == "application.json":
        out["app_text"] = data.decode("utf-8")
json.dump(out, sys.stdout)
`, path], { encoding: 'utf8' });
  assert.equal(r.status, 0, `zipfile could not read the bundle: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

function batchCheck(zip) {
  const bin = join(BIN, 'certhall-batch');
  if (!existsSync(bin)) return null;
  const help = spawnSync(bin, ['--help'], { encoding: 'utf8' });
  if (!`${help.stdout}${help.stderr}`.includes('check')) return null;
  // A scratch folder and a config pointing at this repository's content,
  // so that the check reads the same schema and writes nothing here.
  const dir = mkdtempSync(join(tmpdir(), 'certhall-check-'));
  const config = join(dir, 'certhall.yaml');
  writeFileSync(config, `paths:\n  content: ${JSON.stringify(join(ROOT, 'content'))}\n`);
  return spawnSync(bin, ['check', '--json', zip], {
    cwd: dir, encoding: 'utf8', env: { ...process.env, HOME: dir, CERTHALL_CONFIG: config },
  });
}

// Issue 3's "done when": the bundle the form made is accepted by ingest.
// init and ingest in a scratch folder (the embedded defaults put var/
// there), with a copy of the bundle in its inbox; then status finds the
// application by its 申请编号. Returns the ingest result and the status.
function batchIngest(zip) {
  const bin = join(BIN, 'certhall-batch');
  assert.ok(existsSync(bin), `${bin} is missing: make all first`);
  const dir = mkdtempSync(join(tmpdir(), 'certhall-ingest-'));
  const config = join(dir, 'certhall.yaml');
  writeFileSync(config, `paths:\n  content: ${JSON.stringify(join(ROOT, 'content'))}\n`);
  const opts = { cwd: dir, encoding: 'utf8', env: { ...process.env, HOME: dir, CERTHALL_CONFIG: config } };
  const run = (...args) => {
    const r = spawnSync(bin, args, opts);
    assert.equal(r.status, 0, `certhall-batch ${args.join(' ')}: ${r.stdout}${r.stderr}`);
    return r.stdout;
  };
  run('init');
  mkdirSync(join(dir, 'var', 'inbox'), { recursive: true });
  copyFileSync(zip, join(dir, 'var', 'inbox', 'from-the-form.zip'));
  const lines = run('ingest').split('\n').filter((l) => l.trim());
  assert.equal(lines.length, 1, lines.join('\n'));
  const result = JSON.parse(lines[0]);
  const status = result.application_id
    ? JSON.parse(run('status', result.application_id, '--json')) : null;
  rmSync(dir, { recursive: true, force: true }); // kept when something failed
  return { result, status };
}

test('valid data: rows, total, draft, printed letter and a bundle as BUNDLE.md', async () => {
  const context = await browser.newContext({ acceptDownloads: true });
  let page = await openForm(context);

  // Two personal certificates added, the first removed: the second moves up.
  await page.click('[data-add="certificates.personal"]');
  await fillRow(page, 0, HOLDER_A, 1);
  await page.click('[data-add="certificates.personal"]');
  await fillRow(page, 1, HOLDER_B, 3);
  assert.equal(await page.locator('[data-doc-list="id_copy"] input[type=file]').count(), 2);
  await page.click('[data-row="0"] [data-remove]');
  assert.equal(await page.locator('.ch-row').count(), 1);
  assert.equal(await page.inputValue(byId('f-certificates-personal-0-name')), HOLDER_B.name);
  assert.equal(await page.inputValue(byId('f-certificates-personal-0-id_number')), HOLDER_B.id);
  assert.ok(await page.isChecked(byId('f-certificates-personal-0-years-v-3')));
  assert.equal(await page.locator('[data-doc-list="id_copy"] input[type=file]').count(), 1);

  await fillValid(page);
  // fees.yaml's example prices: organisation 2 years 700.00, personal 3 years 500.00.
  assert.equal(await page.textContent('#ch-total'), '1200.00 元');
  assert.match(await page.textContent('.ch-total'), /示例价格/);
  assert.ok(await page.isVisible(byId('doc-remittance_voucher')));

  // The draft survives a reload (values only).
  await page.click('[data-action=save]');
  await page.waitForFunction(() => /草稿已保存/.test(document.getElementById('ch-status').textContent));
  await page.close();
  page = await openForm(context);
  assert.equal(await page.inputValue(byId('f-organization-name')), ORG.name);
  assert.equal(await page.inputValue(byId('f-certificates-personal-0-name')), HOLDER_B.name);
  assert.ok(await page.isChecked(byId('f-payment_method-v-transfer')));
  assert.equal(await page.inputValue(byId('f-mailing-region-2')), '小店区');
  assert.equal(await page.textContent('#ch-total'), '1200.00 元');

  // The letter, pre-filled; print() is stubbed so nothing blocks.
  await page.evaluate(() => { window.__printed = 0; window.print = () => { window.__printed++; }; });
  await page.click('[data-action=print-letter]');
  assert.equal(await page.evaluate(() => window.__printed), 1);
  // On paper only the letter shows, until the print dialog is done.
  await page.emulateMedia({ media: 'print' });
  assert.ok(await page.isVisible('#ch-print-letter'));
  assert.equal(await page.isVisible('#ch-form'), false);
  await page.evaluate(() => window.dispatchEvent(new Event('afterprint')));
  assert.equal(await page.isVisible('#ch-print-letter'), false);
  assert.ok(await page.isVisible('#ch-form'));
  await page.emulateMedia({ media: 'screen' });
  const letter = await page.textContent('#ch-print-letter');
  assert.ok(letter.includes(ORG.name), letter);
  assert.ok(letter.includes(HANDLER.name), letter);
  assert.ok(letter.includes('13812345678'), 'mobile printed normalised');
  assert.ok(letter.includes(`${HOLDER_B.name} 3 年`), letter);
  const appId = await page.inputValue('#ch-app-id');
  assert.match(appId, /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
  assert.ok(letter.includes(appId));
  await page.evaluate(() => { window.__printed = 0; });
  await page.click('[data-action=print-stamp]');
  assert.equal(await page.evaluate(() => window.__printed), 1);

  for (const [id, file] of Object.entries(SCANS)) await page.setInputFiles(byId(id), file);

  // The bundle.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-action=download]')]);
  assert.equal(download.suggestedFilename(), `${appId}.zip`);
  const zipPath = join(tmp, download.suggestedFilename());
  await download.saveAs(zipPath);
  assert.deepEqual(page.scriptErrors, []);

  const zip = readZip(zipPath);
  const names = zip.entries.map((e) => e.name);
  assert.deepEqual(names, ['application.json', '授权委托书.pdf', '营业执照.png', '身份证-1.png',
    '数字证书印模采集表.pdf', '汇款凭证.png']);
  for (const e of zip.entries) {
    assert.ok(e.flags & 0x800, `${e.name}: UTF-8 flag (bit 11) set`);
    assert.equal(e.method, 0, `${e.name}: stored`);
  }
  const app = JSON.parse(zip.app_text);
  assert.deepEqual(Object.keys(app), ['format', 'application_id', 'revision', 'submitted_at',
    'certificates', 'organization', 'auth_method', 'legal_representative', 'handler',
    'bank_account', 'mailing', 'invoice', 'payment_method', 'documents']);
  assert.equal(app.format, 'certhall-application/1');
  assert.equal(app.application_id, appId);
  assert.equal(app.revision, 1);
  assert.match(app.submitted_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
  assert.ok(Math.abs(Date.parse(app.submitted_at) - Date.now()) < 10 * 60 * 1000);
  assert.deepEqual(app.certificates, {
    organization_years: 2, personal: [{ name: HOLDER_B.name, id_number: HOLDER_B.id, mobile: '13700002222', years: 3 }],
  });
  assert.deepEqual(app.organization, {
    name: ORG.name, id_type: 'uscc', id_number: ORG.uscc, city: '山西省太原市', address: '太原市小店区示例路 1 号',
  });
  assert.equal(app.auth_method, 'bank');
  assert.deepEqual(app.legal_representative, { name: LEGAL.name, id_number: LEGAL.id, mobile: '13912345678' });
  assert.deepEqual(app.handler, {
    name: HANDLER.name, id_number: HANDLER.id, mobile: '13812345678', email: 'wang@example.com', position: '行政专员',
  });
  assert.deepEqual(app.bank_account, { name: ORG.name, bank: '中国工商银行太原分行', number: '0502123456789012345' });
  assert.deepEqual(app.mailing, { region: ['山西省', '太原市', '小店区'], address: '示例路 1 号 3 层', postcode: '030000' });
  assert.deepEqual(app.invoice, { type: 'electronic', title: ORG.name, taxpayer_id: ORG.uscc });
  assert.equal(app.payment_method, 'transfer');
  assert.deepEqual(app.documents, [
    { kind: 'authorization_letter', file: '授权委托书.pdf' },
    { kind: 'business_license', file: '营业执照.png' },
    { kind: 'id_copy', file: '身份证-1.png', person: 0 },
    { kind: 'stamp_form', file: '数字证书印模采集表.pdf' },
    { kind: 'remittance_voucher', file: '汇款凭证.png' },
  ]);
  // Every listed file is in the ZIP with the bytes the applicant chose.
  const sent = { '授权委托书.pdf': 'doc-authorization_letter', '营业执照.png': 'doc-business_license',
    '身份证-1.png': 'doc-id_copy-0', '数字证书印模采集表.pdf': 'doc-stamp_form', '汇款凭证.png': 'doc-remittance_voucher' };
  for (const d of app.documents) {
    const e = zip.entries.find((x) => x.name === d.file);
    assert.ok(e, `${d.file} listed but not in the ZIP`);
    assert.ok(Buffer.from(e.data, 'base64').equals(SCANS[sent[d.file]].buffer), `${d.file}: bytes changed`);
  }
  // The same rules as the batch, in the browser's copy.
  const schema = JSON.parse(await page.textContent('#ch-schema'));
  assert.deepEqual(V.validateApplication(schema, app, {}), []);

  const checked = batchCheck(zipPath);
  if (checked) {
    assert.equal(checked.status, 0, `certhall-batch check: ${checked.stdout}${checked.stderr}`);
    assert.doesNotMatch(checked.stdout, /"level"\s*:\s*"error"/);
  }
  const { result, status } = batchIngest(zipPath);
  assert.equal(result.outcome, 'accepted', JSON.stringify(result));
  assert.equal(result.bundle, 'from-the-form.zip');
  assert.equal(result.application_id, appId);
  assert.equal(result.revision, 1);
  assert.match(result.order_no ?? '', /^SX\d{8}/);
  assert.deepEqual(result.findings.filter((f) => f.level === 'error'), []);
  assert.ok(status, 'status found nothing');
  assert.equal(status.application_id, appId);
  assert.equal(status.order_no, result.order_no);

  // A later download keeps the 申请编号; a resubmission raises the revision.
  await page.check('#ch-resubmit');
  const [again] = await Promise.all([page.waitForEvent('download'), page.click('[data-action=download]')]);
  assert.equal(again.suggestedFilename(), `${appId}.zip`);
  const againPath = join(tmp, 'again.zip');
  await again.saveAs(againPath);
  const app2 = JSON.parse(readZip(againPath).app_text);
  assert.equal(app2.application_id, appId);
  assert.equal(app2.revision, 2);
  assert.equal(await page.textContent('#ch-revision'), '2');
  await context.close();
});

test('invalid data: Chinese messages at the field, aria-invalid, no bundle', async () => {
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await openForm(context);
  let downloads = 0;
  page.on('download', () => { downloads++; });

  await fillValid(page);
  await page.click('[data-add="certificates.personal"]');
  await fillRow(page, 0, HOLDER_A, 1);

  // Each bad value is reported when the field is left.
  await page.fill(byId('f-handler-id_number'), wrongLast(HANDLER.id, '0123456789X'));
  await page.press(byId('f-handler-id_number'), 'Tab');
  assert.equal(await errorAt(page, 'f-handler-id_number'), '“身份证号码”不是有效的身份证号（请核对校验位和出生日期）。');
  assert.equal(await page.getAttribute(byId('f-handler-id_number'), 'aria-invalid'), 'true');

  await page.fill(byId('f-handler-mobile'), '12812345678');
  await page.press(byId('f-handler-mobile'), 'Tab');
  assert.equal(await errorAt(page, 'f-handler-mobile'), '“移动电话”不是有效的中国大陆手机号码。');
  assert.equal(await page.getAttribute(byId('f-handler-mobile'), 'aria-invalid'), 'true');

  await page.fill(byId('f-organization-id_number'), wrongLast(ORG.uscc, USCC_CHARS));
  await page.press(byId('f-organization-id_number'), 'Tab');
  assert.equal(await errorAt(page, 'f-organization-id_number'), '“机构证件号码”不是有效的统一社会信用代码。');

  await page.fill(byId('f-organization-name'), '');
  await page.press(byId('f-organization-name'), 'Tab');
  assert.equal(await errorAt(page, 'f-organization-name'), '请填写机构名称。');
  assert.equal(await page.getAttribute(byId('f-organization-name'), 'aria-invalid'), 'true');

  // A scan too small and a file that is not a PDF, JPEG or PNG.
  await page.setInputFiles(byId('doc-business_license'), { name: 'small.png', mimeType: 'image/png', buffer: png(300, 200) });
  await page.waitForFunction(() => document.getElementById('doc-business_license-err').textContent !== '');
  assert.match(await errorAt(page, 'doc-business_license'), /“small\.png”为空或分辨率过低/);
  await page.setInputFiles(byId('doc-stamp_form'), { name: 'stamp.pdf', mimeType: 'application/pdf', buffer: Buffer.from('not a pdf') });
  await page.waitForFunction(() => document.getElementById('doc-stamp_form-err').textContent !== '');
  assert.equal(await errorAt(page, 'doc-stamp_form'), '“stamp.pdf”不是 PDF、JPEG 或 PNG 文件。');
  // A PDF cut short is told it is incomplete, as the batch tells it.
  await page.setInputFiles(byId('doc-stamp_form'), { name: 'cut.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.7\n1 0 obj\n<<') });
  await page.waitForFunction(() => /cut\.pdf/.test(document.getElementById('doc-stamp_form-err').textContent));
  assert.match(await errorAt(page, 'doc-stamp_form'), /^“cut\.pdf”是不完整的 PDF 文件/);

  // Fixing a value clears its message.
  await page.fill(byId('f-handler-mobile'), '138 1234 5678');
  await page.press(byId('f-handler-mobile'), 'Tab');
  assert.equal(await errorAt(page, 'f-handler-mobile'), '');
  assert.equal(await page.getAttribute(byId('f-handler-mobile'), 'aria-invalid'), null);

  // Submitting by keyboard: no bundle, every error shown, focus on the first.
  await page.focus('[data-action=download]');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => /处需要修改/.test(document.getElementById('ch-status').textContent));
  assert.equal(await errorAt(page, 'f-organization-name'), '请填写机构名称。');
  assert.equal(await errorAt(page, 'doc-authorization_letter'), '缺少授权委托书扫描件。');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'f-organization-name');
  await page.waitForTimeout(500);
  assert.equal(downloads, 0);
  assert.equal(await page.inputValue('#ch-app-id'), '', 'no 申请编号 made for a refused bundle');
  assert.deepEqual(page.scriptErrors, []);
  await context.close();
});

test('no certificate chosen and the 50-row limit', async () => {
  const context = await browser.newContext();
  const page = await openForm(context);
  await page.check(byId('f-certificates-organization_years-v-0'));
  await page.click('[data-action=download]');
  await page.waitForFunction(() => /处需要修改/.test(document.getElementById('ch-status').textContent));
  assert.equal(await errorAt(page, 'f-certificates-organization_years'), '请至少选择一种证书（机构证书或机构个人证书）。');
  // An applicant resubmitting from another computer types the 申请编号.
  await page.fill('#ch-app-id', 'K7QD-2MPE');
  await page.press('#ch-app-id', 'Tab');
  assert.equal(await errorAt(page, 'ch-app-id'), '“申请编号”的填写格式不正确。');
  await page.fill('#ch-app-id', 'k7qd 2mpe x9a3');
  await page.press('#ch-app-id', 'Tab');
  assert.equal(await errorAt(page, 'ch-app-id'), '');
  assert.equal(await page.inputValue('#ch-app-id'), 'K7QD-2MPE-X9A3');
  // By keyboard: Enter on the add button opens a row and moves focus into it.
  await page.focus('[data-add="certificates.personal"]');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'f-certificates-personal-0-name');
  await page.focus('[data-row="0"] [data-remove]');
  await page.keyboard.press('Space');
  assert.equal(await page.locator('.ch-row').count(), 0);
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('data-add')), 'certificates.personal');
  for (let i = 0; i < 50; i++) await page.click('[data-add="certificates.personal"]');
  assert.equal(await page.locator('.ch-row').count(), 50);
  assert.ok(await page.isDisabled('[data-add="certificates.personal"]'));
  assert.equal(await page.locator('[data-doc-list="id_copy"] input[type=file]').count(), 50);
  assert.deepEqual(page.scriptErrors, []);
  await context.close();
});

test('the form works when the site is opened from file://', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`file://${join(site, 'apply', 'index.html')}`);
  await page.waitForSelector('#ch-form[data-ready="true"]');
  await page.click('[data-add="certificates.personal"]');
  await page.check(byId('f-certificates-personal-0-years-v-2'));
  assert.equal(await page.textContent('#ch-total'), '350.00 元');
  assert.deepEqual(errors, []);
  await context.close();
});

test('zip.js: CRC-32, DOS time in China Standard Time, unsafe names refused', () => {
  const Z = require(join(ROOT, 'site/assets/zip.js'));
  assert.equal(Z.crc32(Buffer.from('123456789')), 0xCBF43926); // the standard check value
  // 2026-11-23 14:05:00 +08:00 is 06:05 UTC: the DOS fields hold 14:05.
  const t = Z.dosDateTime(new Date('2026-11-23T06:05:00Z'));
  assert.equal(t.time, (14 << 11) | (5 << 5));
  assert.equal(t.date, ((2026 - 1980) << 9) | (11 << 5) | 23);
  const z = new Z.ZipWriter(new Date());
  for (const bad of ['../x.pdf', '/x.pdf', 'a\\b.pdf', 'dir/x.pdf', 'x\u0001.pdf', 'C:x.pdf', ''])
    assert.throws(() => z.add(bad, new Uint8Array(1)), /unsafe/, JSON.stringify(bad));
  z.add('营业执照.png', new Uint8Array([1]));
  assert.throws(() => z.add('营业执照.png', new Uint8Array([2])), /duplicate/);
});
