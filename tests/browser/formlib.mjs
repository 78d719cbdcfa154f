// Shared pieces of the form's browser tests (form*.test.mjs): made-up
// people and scans, filling the form, reading a bundle, and handing it to
// certhall-batch check and ingest in a scratch folder.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { BIN, ROOT } from './lib.mjs';

// --- made-up people and organisations (as tests/cli/people.py) ----------
const ID_W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
export function idNumber(area, birth, seq) {
  const body = area + birth + seq;
  const s = [...body].reduce((a, c, i) => a + Number(c) * ID_W[i], 0);
  return body + '10X98765432'[s % 11];
}
export const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_W = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
export function uscc(body) {
  const s = [...body].reduce((a, c, i) => a + USCC_CHARS.indexOf(c) * USCC_W[i], 0);
  return body + USCC_CHARS[(31 - (s % 31)) % 31];
}
// The same body with another check character.
export const wrongLast = (v, chars) => v.slice(0, -1) + [...chars].find((c) => c !== v.at(-1));

export const ORG = { name: '山西示例科技有限公司', uscc: uscc('91140100MA0K1234X') };
export const LEGAL = { name: '李示例', id: idNumber('140105', '19800101', '456') };
export const HANDLER = { name: '王示例', id: idNumber('140106', '19900615', '789') };
export const HOLDER_A = { name: '张示例', id: idNumber('140105', '19850312', '123'), mobile: '13612345678' };
export const HOLDER_B = { name: '赵示例', id: idNumber('140107', '19770707', '321'), mobile: '13712345679' };

// --- scans made here: real PNGs and a minimal PDF ------------------------
const CRC = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
export function crc32(buf) {
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
export function png(width, height, shade = 200) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0); ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; ihdr[9] = 2; // 8-bit RGB
  const row = Buffer.alloc(1 + width * 3, shade); row[0] = 0;
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
    chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}
export function pdf(text) {
  return Buffer.from(`%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n` +
    `2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n% ${text}\n` +
    `trailer << /Root 1 0 R >>\n%%EOF\n`, 'latin1');
}
export const SCANS = {
  'doc-authorization_letter': { name: 'letter.pdf', mimeType: 'application/pdf', buffer: pdf('letter') },
  'doc-business_license': { name: 'licence.png', mimeType: 'image/png', buffer: png(1200, 850, 180) },
  'doc-id_copy-0': { name: 'id.png', mimeType: 'image/png', buffer: png(900, 600, 120) },
  'doc-stamp_form': { name: 'stamp.pdf', mimeType: 'application/pdf', buffer: pdf('stamp') },
  'doc-remittance_voucher': { name: 'voucher.png', mimeType: 'image/png', buffer: png(600, 1000, 90) },
};


// Opens /apply/ of the site served at url; page.scriptErrors collects
// the page's uncaught errors.
export async function openForm(context, url) {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${url}/apply/`);
  await page.waitForSelector('#ch-form[data-ready="true"]');
  page.scriptErrors = errors;
  return page;
}

export const byId = (id) => `[id="${id}"]`;
export const errorAt = (page, id) => page.textContent(byId(`${id}-err`));

export async function fillValid(page) {
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

export async function fillRow(page, i, who, years) {
  await page.fill(byId(`f-certificates-personal-${i}-name`), who.name);
  await page.fill(byId(`f-certificates-personal-${i}-id_number`), who.id);
  await page.check(byId(`f-certificates-personal-${i}-years-v-${years}`));
  // BUNDLE.md's holder mobile, once the schema asks for it.
  const mobile = byId(`f-certificates-personal-${i}-mobile`);
  if (await page.locator(mobile).count()) await page.fill(mobile, who.mobile);
}

// A form ready to download: valid values, one personal certificate and
// every scan (the voucher only when asked).
export async function fillComplete(page, { voucher = false } = {}) {
  await fillValid(page);
  await page.click('[data-add="certificates.personal"]');
  await fillRow(page, 0, HOLDER_A, 1);
  await attachScans(page, { voucher });
}

export async function attachScans(page, { voucher = false } = {}) {
  for (const [id, file] of Object.entries(SCANS))
    if (voucher || id !== 'doc-remittance_voucher') await page.setInputFiles(byId(id), file);
}

// Presses 下载申请包 and saves the bundle as path; returns its application.json.
export async function downloadTo(page, path) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-action=download]')]);
  await download.saveAs(path);
  return JSON.parse(readZip(path).app_text);
}

// Entries, flags and application.json of a ZIP, read by Python's zipfile.
export function readZip(path) {
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

export function batchCheck(zip) {
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
export function batchIngest(zip) {
  const { results, status } = batchIngestInTurn([zip]);
  return { result: results[0], status };
}

// The bundles ingested one run after another, in the order given, into
// one database: a resubmission arriving after the first. Returns each
// run's result and the status after the last.
export function batchIngestInTurn(zips) {
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
  const results = zips.map((zip, i) => {
    copyFileSync(zip, join(dir, 'var', 'inbox', `from-the-form${i ? `-${i + 1}` : ''}.zip`));
    const lines = run('ingest').split('\n').filter((l) => l.trim());
    assert.equal(lines.length, 1, lines.join('\n'));
    return JSON.parse(lines[0]);
  });
  const id = results.at(-1).application_id;
  const status = id ? JSON.parse(run('status', id, '--json')) : null;
  rmSync(dir, { recursive: true, force: true }); // kept when something failed
  return { results, status };
}

// Whether the CJK text of the element at selector is drawn with real
// glyphs: two different characters drawn in its font must differ (the
// box a missing glyph gets is the same for both) and leave ink.
export async function realGlyphs(page, selector, chars = ['印', '章']) {
  return page.evaluate(({ selector, chars }) => {
    const el = document.querySelector(selector);
    const style = getComputedStyle(el);
    const draw = (ch) => {
      const c = document.createElement('canvas');
      c.width = 64; c.height = 64;
      const g = c.getContext('2d');
      g.font = `48px ${style.fontFamily}`;
      g.fillStyle = '#000';
      g.textBaseline = 'top';
      g.fillText(ch, 8, 8);
      return Array.from(g.getImageData(0, 0, 64, 64).data.filter((_, i) => i % 4 === 3));
    };
    const [a, b] = chars.map(draw);
    return { family: style.fontFamily, inked: a.some((v) => v) && b.some((v) => v),
      differ: a.some((v, i) => v !== b[i]) };
  }, { selector, chars });
}

// The pages of a PDF made by Chromium and the fonts it embeds.
export function pdfFacts(pdf) {
  const s = pdf.toString('latin1');
  return {
    pages: (s.match(/\/Type\s*\/Page(?![A-Za-z])/g) || []).length,
    boxes: (s.match(/\/MediaBox\s*\[[^\]]*\]/g) || []).map((m) => m.match(/[\d.]+/g).map(Number)),
    fonts: [...new Set(s.match(/\/FontName\s*\/[^\s/>\]]+/g) || [])].map((f) => f.replace(/^\/FontName\s*\//, '')),
  };
}
