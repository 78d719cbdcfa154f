// The form's error state, as an applicant and a screen reader meet it:
// every error counted in the summary is a visible message at its field,
// only the summary is announced, and every invalid input turns red with
// enough contrast to be seen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { siteSuite } from './lib.mjs';
import { byId, errorAt, openForm as openAt } from './formlib.mjs';

const site = siteSuite();
const openForm = (context) => openAt(context, site.server.url);

async function submitEmpty(page) {
  await page.click('[data-action=download]');
  await page.waitForFunction(() => /处需要修改/.test(document.getElementById('ch-status').textContent));
  return Number((await page.textContent('#ch-status')).match(/有 (\d+) 处/)[1]);
}

// The visible message lines of the form, each with the id of its slot.
const visibleMessages = (page) => page.evaluate(() => [...document.querySelectorAll('#ch-form .ch-msg')]
  .filter((m) => m.getClientRects().length > 0 && m.textContent.trim() !== '')
  .map((m) => ({ slot: m.parentNode.id, text: m.textContent })));

test('an empty form: each counted error is a visible message at its field', async () => {
  const context = await site.browser.newContext();
  const page = await openForm(context);
  const counted = await submitEmpty(page);
  const shown = await visibleMessages(page);
  assert.equal(shown.length, counted, JSON.stringify(shown, null, 1));
  // Both the years message and 请至少选择一种证书 are there.
  assert.equal(await errorAt(page, 'f-certificates-organization_years'), '请选择机构证书办理年限。');
  assert.equal(await errorAt(page, 'f-certificates'), '请至少选择一种证书（机构证书或机构个人证书）。');
  assert.equal(await page.getAttribute(byId('f-certificates'), 'aria-invalid'), 'true');
  // Nothing lands in the form-wide slot while every finding has a field.
  assert.equal(await errorAt(page, 'ch-form'), '');

  // Choosing 不办理 answers the years message, not the other; a personal
  // certificate answers the other.
  await page.check(byId('f-certificates-organization_years-v-0'));
  assert.equal(await errorAt(page, 'f-certificates-organization_years'), '');
  assert.equal(await errorAt(page, 'f-certificates'), '请至少选择一种证书（机构证书或机构个人证书）。');
  await page.click('[data-add="certificates.personal"]');
  await page.check(byId('f-certificates-personal-0-years-v-1'));
  assert.equal(await errorAt(page, 'f-certificates'), '');
  assert.equal(await page.getAttribute(byId('f-certificates'), 'aria-invalid'), null);

  const again = await submitEmpty(page);
  assert.equal((await visibleMessages(page)).length, again);
  assert.deepEqual(page.scriptErrors, []);
  await context.close();
});

test('only the summary is announced; fields point at their messages', async () => {
  const context = await site.browser.newContext();
  const page = await openForm(context);
  await submitEmpty(page);
  const live = await page.evaluate(() => [...document.querySelectorAll(
    '#ch-form [role=alert], #ch-form [aria-live], #ch-form [role=status], #ch-form output')]
    .filter((el) => el.getAttribute('aria-live') !== 'off')
    .map((el) => el.id));
  // The summary, and the fee total (polite, not an error).
  assert.deepEqual(live.sort(), ['ch-status', 'ch-total']);
  assert.equal(await page.getAttribute('#ch-status', 'role'), 'status');
  const unlinked = await page.evaluate(() => [...document.querySelectorAll('#ch-form [aria-invalid=true]')]
    .filter((el) => {
      const ids = (el.getAttribute('aria-describedby') || '').split(/\s+/);
      return !ids.some((id) => {
        const m = document.getElementById(id);
        return m && m.classList.contains('ch-error') && m.textContent.trim() !== '';
      });
    })
    .filter((el) => !(el.type === 'radio')) // a radio is described by its group
    .map((el) => el.id));
  assert.deepEqual(unlinked, []);
  await context.close();
});

// WCAG 2.x relative luminance and contrast of two CSS rgb() colours.
function luminance(rgb) {
  const [r, g, b] = rgb.match(/[\d.]+/g).slice(0, 3).map(Number).map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
function contrast(a, b) {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

test('every invalid input turns red, with 3:1 against what is around it', async () => {
  const context = await site.browser.newContext();
  const page = await openForm(context);
  await page.click('[data-add="certificates.personal"]');
  await submitEmpty(page);
  const looks = await page.evaluate(() => {
    // The colour behind an element: the first opaque background up.
    const behind = (el) => {
      for (let e = el; e; e = e.parentElement) {
        const c = getComputedStyle(e).backgroundColor;
        if (!/rgba\(.*,\s*0\)$/.test(c) && c !== 'transparent') return c;
      }
      return 'rgb(255, 255, 255)';
    };
    return [...document.querySelectorAll('#ch-form input[aria-invalid=true]')]
      .filter((el) => el.type !== 'radio' && el.type !== 'checkbox')
      .map((el) => {
        const s = getComputedStyle(el);
        return { id: el.id, border: s.borderTopColor, width: s.borderTopWidth,
          inside: s.backgroundColor, outside: behind(el.parentElement) };
      });
  });
  // All the empty required text inputs and the missing scans.
  assert.ok(looks.length >= 20, `only ${looks.length} invalid inputs`);
  for (const l of looks) {
    assert.equal(l.border, 'rgb(179, 38, 30)', `${l.id} keeps its border ${l.border}`);
    assert.ok(contrast(l.border, l.inside) >= 3, `${l.id}: ${contrast(l.border, l.inside)} inside`);
    assert.ok(contrast(l.border, l.outside) >= 3, `${l.id}: ${contrast(l.border, l.outside)} outside`);
  }
  // Radio groups have no border: an invalid one shows a red bar.
  const bars = await page.evaluate(() => [...document.querySelectorAll('#ch-form fieldset.ch-radios[aria-invalid=true]')]
    .map((el) => ({ id: el.id, color: getComputedStyle(el).borderLeftColor, width: getComputedStyle(el).borderLeftWidth })));
  assert.ok(bars.length >= 3, JSON.stringify(bars));
  for (const b of bars) {
    assert.equal(b.color, 'rgb(179, 38, 30)', b.id);
    assert.ok(parseFloat(b.width) >= 2, b.id);
  }
  await context.close();
});
