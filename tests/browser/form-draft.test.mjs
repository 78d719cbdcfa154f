// Drafts on a shared computer: the page says what it keeps in the
// browser, 清除本机草稿 removes every key of ours and stops saving, and
// 新建申请 starts over; both ask first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { siteSuite } from './lib.mjs';
import { ORG, byId, downloadTo, fillComplete, openForm as openAt } from './formlib.mjs';

const site = siteSuite();
const tmp = mkdtempSync(join(tmpdir(), 'certhall-draft-'));
const openForm = (context) => openAt(context, site.server.url);
const storedKeys = (page) => page.evaluate(() => Object.keys(localStorage).sort());

// Answers the next confirm() with yes or no; resolves to its text.
function answerNext(page, yes) {
  return new Promise((done) => page.once('dialog', async (d) => {
    assert.equal(d.type(), 'confirm');
    const text = d.message();
    await (yes ? d.accept() : d.dismiss());
    done(text);
  }));
}

test('the page says plainly what is kept on this computer', async () => {
  const context = await site.browser.newContext();
  const page = await openForm(context);
  const note = await page.textContent('#ch-storage-note');
  for (const word of ['本机浏览器', '身份证号', '手机号码', '银行账号', '清除本机草稿'])
    assert.ok(note.includes(word), `${word} missing from: ${note}`);
  assert.ok(await page.isVisible('#ch-storage-note'));
  assert.ok(await page.isVisible('[data-action=clear-draft]'));
  assert.ok(await page.isVisible('[data-action=new-application]'));
  await context.close();
});

test('清除本机草稿 removes every key of ours and saves nothing more', async () => {
  const context = await site.browser.newContext({ acceptDownloads: true });
  const page = await openForm(context);
  await fillComplete(page);
  await page.click('[data-action=save]');
  await downloadTo(page, join(tmp, 'first.zip')); // leaves a download record too
  const before = await storedKeys(page);
  assert.ok(before.length >= 2, JSON.stringify(before));
  assert.ok(before.every((k) => k.startsWith('certhall.application.')), JSON.stringify(before));

  // Saying no keeps everything.
  let asked = answerNext(page, false);
  await page.click('[data-action=clear-draft]');
  assert.match(await asked, /身份证号/);
  assert.deepEqual(await storedKeys(page), before);

  asked = answerNext(page, true);
  await page.click('[data-action=clear-draft]');
  await asked;
  assert.deepEqual(await storedKeys(page), []);
  await page.waitForFunction(() => /本机草稿已清除/.test(document.getElementById('ch-status').textContent));
  // The page keeps what is typed, and writes nothing until asked to.
  assert.equal(await page.inputValue(byId('f-organization-name')), ORG.name);
  await page.fill(byId('f-handler-position'), '副经理');
  await page.press(byId('f-handler-position'), 'Tab');
  assert.deepEqual(await storedKeys(page), []);
  // The page still knows what it downloaded: a correction is revision 2.
  const corrected = await downloadTo(page, join(tmp, 'corrected.zip'));
  assert.equal(corrected.revision, 2);
  assert.deepEqual(await storedKeys(page), []);

  // A reload finds nothing.
  await page.close();
  const again = await openForm(context);
  assert.equal(await again.inputValue(byId('f-organization-name')), '');
  assert.equal(await again.inputValue('#ch-app-id'), '');
  // Saving by hand turns saving on again.
  await again.fill(byId('f-organization-name'), ORG.name);
  await again.click('[data-action=save]');
  assert.deepEqual(await storedKeys(again), ['certhall.application.draft.v1']);
  assert.deepEqual(again.scriptErrors, []);
  await context.close();
});

test('新建申请 asks, then empties the form, the 申请编号 and the storage', async () => {
  const context = await site.browser.newContext({ acceptDownloads: true });
  const page = await openForm(context);
  await fillComplete(page);
  const first = await downloadTo(page, join(tmp, 'new.zip'));
  assert.equal(await page.inputValue('#ch-app-id'), first.application_id);

  let asked = answerNext(page, false);
  await page.click('[data-action=new-application]');
  await asked;
  assert.equal(await page.inputValue(byId('f-organization-name')), ORG.name);

  asked = answerNext(page, true);
  await page.click('[data-action=new-application]');
  assert.match(await asked, /新建申请/);
  assert.deepEqual(await storedKeys(page), []);
  assert.equal(await page.inputValue(byId('f-organization-name')), '');
  assert.equal(await page.inputValue('#ch-app-id'), '');
  assert.equal(await page.textContent('#ch-revision'), '1');
  assert.equal(await page.locator('.ch-row').count(), 0);
  assert.equal(await page.isChecked(byId('f-payment_method-v-transfer')), false);
  assert.equal(await page.evaluate(() => document.getElementById('doc-business_license').files.length), 0);
  assert.equal(await page.textContent('#ch-total'), '0.00 元');
  // A new application gets a new 申请编号 at its first download.
  await fillComplete(page);
  const second = await downloadTo(page, join(tmp, 'new2.zip'));
  assert.notEqual(second.application_id, first.application_id);
  assert.equal(second.revision, 1);
  assert.deepEqual(page.scriptErrors, []);
  await context.close();
});
