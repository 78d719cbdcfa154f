// The printed sheets: the 《数字证书印模采集表》 is a form on one A4 page
// with a bordered box for each seal, and the 授权委托书 fits one page;
// both in a Chinese font whose glyphs are real (fonts-noto-cjk, from
// make deps), not boxes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { siteSuite } from './lib.mjs';
import { HOLDER_A, fillRow, fillValid, openForm as openAt, pdfFacts, realGlyphs } from './formlib.mjs';

const site = siteSuite();

async function openForm(context) {
  const page = await openAt(context, site.server.url);
  await page.evaluate(() => { window.__printed = 0; window.print = () => { window.__printed++; }; });
  return page;
}

const A4 = [595.28, 841.89]; // points
function assertOneA4(facts, what) {
  assert.equal(facts.pages, 1, `${what}: ${facts.pages} pages`);
  for (const box of facts.boxes) {
    assert.ok(Math.abs(box[2] - A4[0]) < 2 && Math.abs(box[3] - A4[1]) < 2, `${what}: page ${box} is not A4`);
  }
  assert.ok(facts.fonts.some((f) => /CJK|Han|SimSun|Song|YaHei|Hei/i.test(f)),
    `${what}: no Chinese font embedded: ${facts.fonts}`);
}

test('the stamp form prints on one A4 page, with a box for each seal', async () => {
  const context = await site.browser.newContext();
  const page = await openForm(context);
  await page.click('[data-action=print-stamp]');
  assert.equal(await page.evaluate(() => window.__printed), 1);

  await page.emulateMedia({ media: 'print' });
  const sheet = await page.evaluate(() => {
    const mm = 96 / 25.4;
    const view = document.getElementById('ch-print-stamp');
    return {
      text: view.textContent,
      ascii: /\+-{3,}\+/.test(view.textContent),
      seals: [...view.querySelectorAll('.ch-seal')].map((s) => {
        const st = getComputedStyle(s), r = s.getBoundingClientRect();
        return { label: s.textContent.trim(), style: st.borderTopStyle, left: st.borderLeftStyle,
          width: parseFloat(st.borderTopWidth), w: r.width / mm, h: r.height / mm };
      }),
    };
  });
  assert.equal(sheet.ascii, false, 'a box drawn with +---+');
  assert.deepEqual(sheet.seals.map((s) => s.label.replace(/（.*/, '')), ['单位公章', '法定代表人印章', '其他印章']);
  for (const s of sheet.seals) {
    assert.equal(s.style, 'solid', s.label);
    assert.equal(s.left, 'solid', s.label);
    assert.ok(s.width >= 1, s.label);
    // A round official seal is 42 mm across: the box holds it.
    assert.ok(s.w >= 50 && s.h >= 50, `${s.label}: ${s.w.toFixed(0)} × ${s.h.toFixed(0)} mm`);
  }
  for (const word of ['机构名称', '统一社会信用代码', '经办人签字', '日期'])
    assert.ok(sheet.text.includes(word), word);

  const glyphs = await realGlyphs(page, '#ch-print-stamp .ch-seal-label');
  assert.ok(glyphs.inked && glyphs.differ, `no real CJK glyphs in ${glyphs.family}`);

  // Chromium's own print ends with afterprint, which puts the view back.
  assertOneA4(pdfFacts(await page.pdf({ preferCSSPageSize: true })), 'stamp form');
  await context.close();
});

test('the filled letter prints on one A4 page in a Chinese font', async () => {
  const context = await site.browser.newContext();
  const page = await openForm(context);
  await fillValid(page);
  await page.click('[data-add="certificates.personal"]');
  await fillRow(page, 0, HOLDER_A, 1);
  await page.click('[data-action=print-letter]');
  assert.equal(await page.evaluate(() => window.__printed), 1);
  assertOneA4(pdfFacts(await page.pdf({ preferCSSPageSize: true })), 'letter');
  const glyphs = await realGlyphs(page, '#ch-print-letter', ['委', '托']);
  assert.ok(glyphs.inked && glyphs.differ, `no real CJK glyphs in ${glyphs.family}`);
  await context.close();
});

test('the browser has a CJK font at all (make deps installs fonts-noto-cjk)', async () => {
  const context = await site.browser.newContext();
  const page = await openForm(context);
  // The page's own text, in the site's font stack.
  const glyphs = await realGlyphs(page, 'main h1, h1', ['申', '请']);
  assert.ok(glyphs.inked && glyphs.differ, `CJK text draws as boxes in ${glyphs.family}: install fonts-noto-cjk`);
  await context.close();
});
