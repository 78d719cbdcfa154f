// The remittance voucher is a later fallback, not part of a first
// submission: the transfer memo with the order number is what matches a
// payment, and no text asks for a voucher before that number exists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, siteSuite } from './lib.mjs';
import { byId, downloadTo, fillComplete, openForm as openAt } from './formlib.mjs';

const site = siteSuite();
const tmp = mkdtempSync(join(tmpdir(), 'certhall-payment-'));

test('the voucher is marked optional, for when matching fails, and not needed', async () => {
  const context = await site.browser.newContext({ acceptDownloads: true });
  const page = await openAt(context, site.server.url);
  await fillComplete(page); // transfer, no voucher
  assert.ok(await page.isVisible(byId('doc-remittance_voucher')));
  assert.match(await page.textContent('label[for="doc-remittance_voucher"]'), /汇款凭证（可选）/);
  const help = await page.textContent(byId('doc-remittance_voucher-help'));
  assert.match(help, /仅在财务无法自动匹配时需要/);
  assert.match(help, /首次提交不必上传/);
  assert.match(await page.getAttribute(byId('doc-remittance_voucher'), 'aria-describedby'), /doc-remittance_voucher-help/);
  // The payment method's own help no longer asks for it.
  assert.doesNotMatch(await page.textContent(byId('f-payment_method-help')), /需上传汇款凭证/);

  const app = await downloadTo(page, join(tmp, 'no-voucher.zip'));
  assert.equal(app.payment_method, 'transfer');
  assert.ok(!app.documents.some((d) => d.kind === 'remittance_voucher'));
  await page.check(byId('f-payment_method-v-online'));
  assert.equal(await page.isVisible(byId('doc-remittance_voucher')), false);
  await context.close();
});

test('the accepted notice asks for the memo, and a voucher only as a fallback', () => {
  const pay = readFileSync(join(ROOT, 'content/forms/payment_instructions.yaml'), 'utf8');
  const transfer = pay.slice(pay.indexOf('transfer:'), pay.indexOf('online:'));
  assert.match(transfer, /附言中注明订单号\{order_no\}/);
  assert.doesNotMatch(transfer, /付款后请上传汇款凭证/);
  assert.match(transfer, /仅在无法自动匹配时/);
});
