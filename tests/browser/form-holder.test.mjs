// Each 机构个人证书 holder's mobile (BUNDLE.md): the rows are built from
// the schema, so once the schema has certificates.personal[].mobile the
// row asks for it with its 实名 hint, checks it as the handler's mobile
// is checked, and the bundle carries it normalised. Until the schema in
// this tree has it, the site is built from a copy that adds the lines.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, ROOT, launch, serve } from './lib.mjs';
import { HOLDER_A, attachScans, byId, downloadTo, fillRow, fillValid, openForm as openAt } from './formlib.mjs';

const HINT = '须为申请人本人实名登记的手机号码，PIN 码将以短信发送至此号码';
const LINES = `          - key: mobile
            type: string
            label: 手机号码
            required: true
            check: mobile
            help: ${HINT}。
`;

function git(dir, ...args) {
  const r = spawnSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', ...args],
    { cwd: dir, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
}

// This tree's content and site, with the holder's mobile in the schema.
function buildWithHolderMobile() {
  const dir = mkdtempSync(join(tmpdir(), 'certhall-holder-'));
  cpSync(join(ROOT, 'content'), join(dir, 'content'), { recursive: true });
  cpSync(join(ROOT, 'site'), join(dir, 'site'), { recursive: true });
  const file = join(dir, 'content/forms/application.yaml');
  let yaml = readFileSync(file, 'utf8');
  const personal = yaml.indexOf('      - key: personal');
  if (!/- key: mobile[\s\S]*?- key: years/.test(yaml.slice(personal, yaml.indexOf('  - key: organization')))) {
    const at = yaml.indexOf('          - key: years', personal);
    yaml = yaml.slice(0, at) + LINES + yaml.slice(at);
    writeFileSync(file, yaml);
  }
  git(dir, 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'copy');
  const out = join(dir, 'public');
  const r = spawnSync(join(BIN, 'certhall-site'), ['build', '--worktree', '-o', out], { cwd: dir, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return { out, dir };
}

let server, browser;
const tmp = mkdtempSync(join(tmpdir(), 'certhall-holder-zip-'));
before(async () => {
  server = await serve(buildWithHolderMobile().out);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

test('a holder row asks for the mobile with its hint, and the bundle carries it', async () => {
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await openAt(context, server.url);
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
