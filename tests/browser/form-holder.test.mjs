// Each 机构个人证书 holder's mobile (BUNDLE.md): the rows are built from
// the schema, so the row asks for it with its 实名 hint, checks it as the
// handler's mobile is checked, and the bundle carries it normalised.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { siteSuite } from './lib.mjs';
import { HOLDER_A, attachScans, byId, downloadTo, fillRow, fillValid, openForm as openAt } from './formlib.mjs';

const HINT = '须通过实名电信认证；证书 PIN 码将通过短信发至此号码';

const site = siteSuite();
const tmp = mkdtempSync(join(tmpdir(), 'certhall-holder-zip-'));

test('a holder row asks for the mobile with its hint, and the bundle carries it', async () => {
  const context = await site.browser.newContext({ acceptDownloads: true });
  const page = await openAt(context, site.server.url);
  await fillValid(page);
  await page.click('[data-add="certificates.personal"]');
  const input = byId('f-certificates-personal-0-mobile');
  assert.equal(await page.getAttribute(input, 'type'), 'tel');
  assert.equal(await page.getAttribute(input, 'aria-required'), 'true');
  const help = await page.textContent(byId('f-certificates-personal-0-mobile-help'));
  assert.ok(help.includes(HINT), help);
  assert.match(await page.getAttribute(input, 'aria-describedby'), /f-certificates-personal-0-mobile-help/);

  // Checked as the handler's mobile is.
  await fillRow(page, 0, HOLDER_A, 1);
  await page.fill(input, '12812345678');
  await page.press(input, 'Tab');
  assert.match(await page.textContent(byId('f-certificates-personal-0-mobile-err')), /不是有效的中国大陆手机号码/);
  await page.fill(input, '+86 136-1234-5678');
  await page.press(input, 'Tab');
  assert.equal(await page.textContent(byId('f-certificates-personal-0-mobile-err')), '');

  await attachScans(page);
  const app = await downloadTo(page, join(tmp, 'holder.zip'));
  assert.deepEqual(app.certificates.personal, [
    { name: HOLDER_A.name, id_number: HOLDER_A.id, mobile: HOLDER_A.mobile, years: 1 }]);
  assert.deepEqual(page.scriptErrors, []);
  await context.close();
});
