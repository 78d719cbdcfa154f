// Re-downloading after a fix: the browser remembers what it last
// downloaded for a 申请编号, so a changed application gets the next
// revision by itself and intake takes the correction instead of refusing
// it as REVISION_STALE.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { siteSuite } from './lib.mjs';
import {
  attachScans, batchIngestInTurn, byId, downloadTo, fillComplete, openForm as openAt, png,
} from './formlib.mjs';

const site = siteSuite();
const tmp = mkdtempSync(join(tmpdir(), 'certhall-revision-'));
const openForm = (context) => openAt(context, site.server.url);
const statusText = (page) => page.textContent('#ch-status');

test('download, edit, download: revision 2 by itself, and ingest takes both in order', async () => {
  const context = await site.browser.newContext({ acceptDownloads: true });
  let page = await openForm(context);
  await fillComplete(page);
  const first = await downloadTo(page, join(tmp, 'r1.zip'));
  assert.equal(first.revision, 1);

  // Unchanged: the same revision, and the page says so.
  const same = await downloadTo(page, join(tmp, 'r1-again.zip'));
  assert.equal(same.revision, 1);
  await page.waitForFunction(() => /内容与上次下载的申请包相同/.test(document.getElementById('ch-status').textContent));

  // A correction, without ticking 重新提交.
  await page.fill(byId('f-handler-position'), '办公室主任');
  const second = await downloadTo(page, join(tmp, 'r2.zip'));
  assert.equal(second.application_id, first.application_id);
  assert.equal(second.revision, 2);
  assert.equal(second.handler.position, '办公室主任');
  assert.equal(await page.textContent('#ch-revision'), '2');
  await page.waitForFunction(() => /版本 1 不同，版本号已自动加一/.test(document.getElementById('ch-status').textContent));
  assert.match(await statusText(page), /版本 2/);

  // A changed scan is a change too, and the record survives a reload
  // (the scans are chosen again: the browser does not keep them).
  await page.close();
  page = await openForm(context);
  assert.equal(await page.textContent('#ch-revision'), '2');
  await attachScans(page);
  await page.setInputFiles(byId('doc-business_license'),
    { name: 'licence2.png', mimeType: 'image/png', buffer: png(1200, 850, 170) });
  const third = await downloadTo(page, join(tmp, 'r3.zip'));
  assert.equal(third.revision, 3);

  const { results, status } = batchIngestInTurn([join(tmp, 'r1.zip'), join(tmp, 'r2.zip'), join(tmp, 'r3.zip')]);
  assert.deepEqual(results.map((r) => [r.outcome, r.revision]), [['accepted', 1], ['accepted', 2], ['accepted', 3]],
    JSON.stringify(results));
  assert.ok(results.every((r) => r.application_id === first.application_id));
  assert.equal(status.application_id, first.application_id);
  assert.deepEqual(page.scriptErrors, []);
  await context.close();
});

test('another 申请编号 typed in starts from its own revision', async () => {
  const context = await site.browser.newContext({ acceptDownloads: true });
  const page = await openForm(context);
  await fillComplete(page);
  await downloadTo(page, join(tmp, 'a.zip'));
  await page.fill(byId('f-handler-position'), '经理');
  // Resubmitting an application made on another computer: its 申请编号,
  // and 重新提交 says it is not the first revision.
  await page.fill('#ch-app-id', 'K7QD-2MPE-X9A3');
  await page.press('#ch-app-id', 'Tab');
  assert.equal((await downloadTo(page, join(tmp, 'b.zip'))).revision, 1);
  await page.check('#ch-resubmit');
  assert.equal((await downloadTo(page, join(tmp, 'c.zip'))).revision, 2);
  await context.close();
});
