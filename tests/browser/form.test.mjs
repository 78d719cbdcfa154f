// The application form on the built site (content/apply.md -> /apply/):
// an applicant fills it with valid made-up data, adds and removes a
// personal certificate, sees the total, keeps a draft, prints the letter
// and downloads a bundle that is checked against BUNDLE.md; with invalid
// data they see the Chinese message at the field and get no bundle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, siteSuite } from './lib.mjs';
import {
  HANDLER, HOLDER_A, HOLDER_B, LEGAL, ORG, SCANS, USCC_CHARS, batchCheck, batchIngest, byId,
  errorAt, fillRow, fillValid, openForm as openAt, png, readZip, wrongLast,
} from './formlib.mjs';

const require = createRequire(import.meta.url);
const V = require(join(ROOT, 'site/assets/validate.js'));

const S = siteSuite();
const tmp = mkdtempSync(join(tmpdir(), 'certhall-form-'));


const openForm = (context) => openAt(context, S.server.url);

test('valid data: rows, total, draft, printed letter and a bundle as BUNDLE.md', async () => {
  const context = await S.browser.newContext({ acceptDownloads: true });
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
  // The holder's mobile (BUNDLE.md) travels once the schema asks for it.
  const holderMobile = await page.locator(byId('f-certificates-personal-0-mobile')).count()
    ? { mobile: HOLDER_B.mobile } : {};
  assert.deepEqual(app.certificates, {
    organization_years: 2, personal: [{ name: HOLDER_B.name, id_number: HOLDER_B.id, ...holderMobile, years: 3 }],
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
  const context = await S.browser.newContext({ acceptDownloads: true });
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
  const context = await S.browser.newContext();
  const page = await openForm(context);
  await page.check(byId('f-certificates-organization_years-v-0'));
  await page.click('[data-action=download]');
  await page.waitForFunction(() => /处需要修改/.test(document.getElementById('ch-status').textContent));
  assert.equal(await errorAt(page, 'f-certificates'), '请至少选择一种证书（机构证书或机构个人证书）。');
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
  const context = await S.browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`file://${join(S.dir, 'apply', 'index.html')}`);
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
