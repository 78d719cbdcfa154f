// The 授权委托书 is printed only when what it says is there, and the page
// says when the paper no longer matches the form.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { siteSuite } from './lib.mjs';
import { HANDLER, HOLDER_A, ORG, byId, fillRow, fillValid, openForm as openAt } from './formlib.mjs';

const site = siteSuite();

async function openForm(context) {
  const page = await openAt(context, site.server.url);
  await page.evaluate(() => { window.__printed = 0; window.print = () => { window.__printed++; }; });
  return page;
}
const printed = (page) => page.evaluate(() => window.__printed);
const status = (page) => page.evaluate(() => new Promise((ok) => setTimeout(
  () => ok(document.getElementById('ch-status').textContent), 100)));
const staleShown = (page) => page.isVisible('#ch-letter-stale');

test('printing with missing data says what is missing and prints nothing', async () => {
  const context = await site.browser.newContext();
  const page = await openForm(context);
  await page.click('[data-action=print-letter]');
  assert.equal(await printed(page), 0, 'a blank letter was printed');
  let said = await status(page);
  for (const what of ['授权委托书还不能打印', '单位信息：机构名称、机构证件号码', '法人姓名', '法人身份证号码',
    '经办人信息：单位经办人姓名、身份证号码、移动电话', '证书类型和年限'])
    assert.ok(said.includes(what), `${what} not in: ${said}`);
  assert.equal(await page.inputValue('#ch-app-id'), '', 'no 申请编号 for a letter not printed');
  // The fields are marked, the first has the focus.
  assert.equal(await page.getAttribute(byId('f-organization-name'), 'aria-invalid'), 'true');
  assert.equal(await page.textContent(byId('f-organization-name-err')), '请填写机构名称。');
  // What is not on the letter is not asked for.
  assert.equal(await page.textContent(byId('f-mailing-address-err')), '');

  // Only what is still missing or wrong is named.
  await page.fill(byId('f-organization-name'), ORG.name);
  await page.fill(byId('f-organization-id_number'), ORG.uscc);
  await page.check(byId('f-certificates-organization_years-v-1'));
  await page.fill(byId('f-handler-id_number'), '140106199006157890');
  await page.click('[data-action=print-letter]');
  assert.equal(await printed(page), 0);
  said = await status(page);
  assert.ok(!said.includes('机构名称') && !said.includes('证书类型'), said);
  assert.ok(said.includes('经办人信息：单位经办人姓名、身份证号码、移动电话'), said);
  assert.deepEqual(page.scriptErrors, []);
  await context.close();
});

test('a change after printing says the letter no longer matches, until printed again', async () => {
  const context = await site.browser.newContext();
  let page = await openForm(context);
  await fillValid(page);
  await page.click('[data-add="certificates.personal"]');
  await fillRow(page, 0, HOLDER_A, 1);
  await page.click('[data-action=print-letter]');
  assert.equal(await printed(page), 1);
  await page.evaluate(() => window.dispatchEvent(new Event('afterprint')));
  assert.equal(await staleShown(page), false);

  // Something the letter does not say: still matches.
  await page.fill(byId('f-mailing-address'), '示例路 2 号');
  await page.press(byId('f-mailing-address'), 'Tab');
  assert.equal(await staleShown(page), false);

  // The handler's name is on the letter.
  await page.fill(byId('f-handler-name'), '王示范');
  assert.ok(await staleShown(page));
  assert.match(await page.textContent('#ch-letter-stale'), /不再一致.*请重新打印授权委托书/);
  assert.match(await status(page), /请重新打印授权委托书/);
  // Back as printed: matches again.
  await page.fill(byId('f-handler-name'), HANDLER.name);
  assert.equal(await staleShown(page), false);

  // A holder's years are on it too; the warning survives a reload.
  await page.check(byId('f-certificates-personal-0-years-v-2'));
  assert.ok(await staleShown(page));
  await page.close();
  page = await openForm(context);
  assert.ok(await staleShown(page));
  await page.click('[data-action=print-letter]');
  assert.equal(await printed(page), 1);
  await page.evaluate(() => window.dispatchEvent(new Event('afterprint')));
  assert.equal(await staleShown(page), false);
  assert.match(await page.textContent('#ch-print-letter'), new RegExp(`${HOLDER_A.name} 2 年`));
  assert.deepEqual(page.scriptErrors, []);
  await context.close();
});
