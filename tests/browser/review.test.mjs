// The review sheet (review show) and the nightly report opened in
// Chromium from file://: no console error, no request leaves the page or
// file://, and a hostile organisation name or file name shows as text.
// The workspace is made with the command-line tests' Python helpers
// (tests/cli: real bundles through ingest, a paid order through
// reconcile), then certhall-batch writes both pages.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BIN, ROOT, launch } from './lib.mjs';

const HOSTILE = '<img src=x onerror=alert(1)>示例公司';

let browser;
let dir;
let ws;

function run(cmd, args, env = {}) {
  const r = spawnSync(cmd, args, {
    cwd: ws, encoding: 'utf8',
    env: { ...process.env, CERTHALL_BIN: BIN, CERTHALL_NOW: '2026-11-27T02:00:00Z', ...env },
  });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'certhall-review-'));
  // A paid order with a hostile name, in review since 2026-11-20.
  const py = [
    'import pathlib, sys',
    `sys.path.insert(0, ${JSON.stringify(join(ROOT, 'tests', 'cli'))})`,
    'from money import Money',
    'from test_batch_review import hostile_order',
    'm = Money(pathlib.Path(sys.argv[1]), now="2026-11-20T02:00:00Z")',
    'aid, no = hostile_order(m)',
    'print(m.ws.path); print(no)',
  ].join('\n');
  const r = spawnSync('/usr/bin/python3', ['-c', py, dir], {
    encoding: 'utf8', env: { ...process.env, CERTHALL_BIN: BIN },
  });
  assert.equal(r.status, 0, r.stderr);
  [ws] = r.stdout.trim().split('\n');
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

// Opens file and reports what the page asked for and said.
async function visit(file) {
  const page = await browser.newPage();
  const errors = [];
  const requests = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (err) => errors.push(String(err)));
  page.on('request', (req) => requests.push(req.url()));
  const dialogs = [];
  page.on('dialog', async (d) => { dialogs.push(d.message()); await d.dismiss(); });
  const url = pathToFileURL(file).href;
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForTimeout(200);
  return { page, errors, requests, dialogs, url };
}

function onlyItself({ requests, url }) {
  // data: images are not requests of the network; anything else would be.
  const other = requests.filter((r) => r !== url && !r.startsWith('data:'));
  assert.deepEqual(other, [], 'nothing loaded but the page itself');
}

test('the review sheet: scans embedded, names as text, nothing loaded', async () => {
  const out = join(dir, 'sheet.html');
  const no = run(join(BIN, 'certhall-batch'), ['review', 'list', '--json'])
    .trim().split('\n').map((l) => JSON.parse(l))[0].order_no;
  run(join(BIN, 'certhall-batch'), ['review', 'show', no, '-o', out]);
  const v = await visit(out);
  assert.deepEqual(v.errors, []);
  assert.deepEqual(v.dialogs, []);
  onlyItself(v);
  const body = await v.page.locator('body').innerText();
  assert.ok(body.includes(HOSTILE), 'the hostile name shows literally');
  assert.ok(body.includes('营业执照<b>&"\'.jpg'), 'the file name shows literally');
  // The embedded images decoded: two scans (JPEG, PNG) with a width.
  const widths = await v.page.$$eval('img', (imgs) => imgs.map((i) => i.naturalWidth));
  assert.equal(widths.length, 2);
  for (const w of widths) assert.ok(w > 0);
  const links = await v.page.$$eval('a', (as) => as.map((a) => a.href));
  assert.equal(links.length, 2);
  for (const l of links) assert.ok(l.startsWith('file:///'), l);
  await v.page.close();
});

test('the nightly report: 审核与发货 with the overdue order, nothing loaded', async () => {
  run(join(BIN, 'certhall-batch'), ['nightly']);
  const reports = join(ws, 'var', 'reports');
  const day = readdirSync(reports).find((f) => f.endsWith('.html') && f !== 'index.html');
  assert.equal(day, '2026-11-27.html');
  const v = await visit(join(reports, day));
  assert.deepEqual(v.errors, []);
  assert.deepEqual(v.dialogs, []);
  onlyItself(v);
  const text = await v.page.locator('body').innerText();
  assert.ok(text.includes('审核与发货'));
  assert.ok(text.includes(HOSTILE), 'the hostile name shows literally');
  assert.equal(await v.page.locator('img').count(), 0);
  await v.page.close();
});

// Accessibility (axe-core, WCAG 2.1 AA and best practice) of the sheet,
// in a context that lets axe's script past the sheet's CSP: the page
// itself runs none.
test('the review sheet passes axe', async () => {
  const require = createRequire(import.meta.url);
  const axe = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  const ctx = await browser.newContext({ bypassCSP: true });
  const page = await ctx.newPage();
  await page.goto(pathToFileURL(join(dir, 'sheet.html')).href);
  await page.addScriptTag({ content: axe });
  const violations = await page.evaluate(async () => {
    const r = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return r.violations.map((v) => `${v.id}: ${v.help}; at ` +
      v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', '));
  });
  assert.deepEqual(violations, []);
  await ctx.close();
});
