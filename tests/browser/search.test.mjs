// Offline search in Chinese: the generated index and site/assets/search.js
// in a real browser, over the repository's own content. An applicant types
// a few characters of what they are looking for and must reach the right
// FAQ answer, with the mouse or the keyboard, served or from file://.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, siteSuite } from './lib.mjs';

const S = siteSuite();

const INPUT = 'form[role=search] input[type=search]';
const OPTIONS = '[role=listbox] [role=option]';

// The hrefs of the results shown for q, best first.
async function results(page, q) {
  const input = page.locator(INPUT);
  await input.fill('');
  await input.fill(q);
  const opts = page.locator(OPTIONS);
  await opts.first().waitFor({ state: 'visible', timeout: 5000 });
  return opts.evaluateAll((els) => els.map((li) => li.dataset.href));
}

const rank = (hrefs, slug) => hrefs.findIndex((h) => h.endsWith(`/faq/${slug}/`));

const QUERIES = [
  ['金融认证', 'bank-verification'],
  ['PIN', 'pin'],
  ['pin', 'pin'],
  ['发票', 'invoice'],
  ['审核进度', 'progress'],
  ['领取', 'collect'],
  ['实名', 'realname'],
];

test('each query finds its FAQ answer among the first results', async () => {
  const page = await S.browser.newPage();
  try {
    await page.goto(`${S.server.url}/`);
    for (const [q, slug] of QUERIES) {
      const hrefs = await results(page, q);
      const at = rank(hrefs, slug);
      assert.ok(at >= 0 && at < 3, `${q}: ${slug} not in the first 3 of ${hrefs.join(' ')}`);
      // Links go to the served site, not elsewhere.
      for (const h of hrefs) assert.ok(h.startsWith(`${S.server.url}/`), h);
    }
    const status = await page.locator('form[role=search] [role=status]').textContent();
    assert.match(status, /找到 \d+ 条结果/);
  } finally {
    await page.close();
  }
});

test('results are reachable by keyboard: arrows, Enter, Escape', async () => {
  const page = await S.browser.newPage();
  try {
    for (const [q, slug] of QUERIES.filter(([q]) => q !== 'pin')) {
      await page.goto(`${S.server.url}/guide/`);
      const input = page.locator(INPUT);
      await input.focus();
      await page.keyboard.type(q);
      await page.locator(OPTIONS).first().waitFor({ state: 'visible', timeout: 5000 });
      const hrefs = await page.locator(OPTIONS).evaluateAll(
        (els) => els.map((li) => li.dataset.href));
      const at = rank(hrefs, slug);
      assert.ok(at >= 0, `${q}: ${slug} missing`);
      assert.equal(await input.getAttribute('aria-expanded'), 'true');

      for (let i = 0; i <= at; i++) await page.keyboard.press('ArrowDown');
      const active = await input.getAttribute('aria-activedescendant');
      const option = page.locator(OPTIONS).nth(at);
      assert.equal(await option.getAttribute('id'), active);
      assert.equal(await option.getAttribute('aria-selected'), 'true');

      await Promise.all([page.waitForURL(`**/faq/${slug}/`), page.keyboard.press('Enter')]);
    }

    await page.goto(`${S.server.url}/`);
    const input = page.locator(INPUT);
    await input.focus();
    await page.keyboard.type('发票');
    await page.locator(OPTIONS).first().waitFor({ state: 'visible' });
    await page.keyboard.press('Escape');
    assert.equal(await page.locator('[role=listbox]').isVisible(), false);
    assert.equal(await input.getAttribute('aria-expanded'), 'false');
    assert.equal(await input.inputValue(), '发票');
  } finally {
    await page.close();
  }
});

function faqPages() {
  const folder = join(ROOT, 'content', 'faq');
  return readdirSync(folder).filter((f) => f.endsWith('.md') && f !== 'index.md').map((f) => {
    const text = readFileSync(join(folder, f), 'utf8');
    const title = /^title:\s*(.+?)\s*$/m.exec(text)[1].replace(/^["']|["']$/g, '');
    return { slug: f.replace(/\.md$/, ''), title };
  });
}

test('every FAQ page is findable from its title', async () => {
  const pages = faqPages();
  assert.ok(pages.length >= 6, 'the six FAQ entries');
  const page = await S.browser.newPage();
  try {
    await page.goto(`${S.server.url}/`);
    for (const { slug, title } of pages) {
      // The whole title puts the page first.
      let hrefs = await results(page, title);
      assert.equal(rank(hrefs, slug), 0, `${title}: ${hrefs.join(' ')}`);
      // So does a piece of it from the middle, inside words.
      const han = [...title].filter((c) => /\p{Script=Han}/u.test(c));
      const mid = Math.max(0, Math.floor(han.length / 2) - 2);
      const piece = han.slice(mid, mid + 4).join('');
      hrefs = await results(page, piece);
      const at = rank(hrefs, slug);
      assert.ok(at >= 0 && at < 3, `${piece} (from ${title}): ${hrefs.join(' ')}`);
    }
  } finally {
    await page.close();
  }
});

test('a ?q= in the address is searched on load, from a nested page', async () => {
  const page = await S.browser.newPage();
  try {
    await page.goto(`${S.server.url}/guide/login/?q=${encodeURIComponent('发票')}`);
    await page.locator(OPTIONS).first().waitFor({ state: 'visible', timeout: 5000 });
    assert.equal(await page.locator(INPUT).inputValue(), '发票');
    const hrefs = await page.locator(OPTIONS).evaluateAll(
      (els) => els.map((li) => li.dataset.href));
    assert.ok(hrefs.includes(`${S.server.url}/faq/invoice/`), hrefs.join(' '));
  } finally {
    await page.close();
  }
});

test('search works from file:// without a server', async () => {
  const page = await S.browser.newPage();
  try {
    await page.goto(pathToFileURL(join(S.dir, 'guide', 'index.html')).href);
    const hrefs = await results(page, '发票');
    const want = pathToFileURL(join(S.dir, 'faq', 'invoice', 'index.html')).href;
    assert.ok(hrefs.includes(want), hrefs.join(' '));
    await Promise.all([page.waitForURL(want), page.locator(`${OPTIONS}[data-href="${want}"]`).click()]);
  } finally {
    await page.close();
  }
});

test('a query with no match says so', async () => {
  const page = await S.browser.newPage();
  try {
    await page.goto(`${S.server.url}/`);
    await page.locator(INPUT).fill('zzqqxx');
    const status = page.locator('form[role=search] [role=status]');
    await page.waitForFunction(
      (sel) => /没有找到/.test(document.querySelector(sel)?.textContent || ''),
      'form[role=search] [role=status]', { timeout: 5000 });
    assert.match(await status.textContent(), /没有找到/);
    assert.equal(await page.locator('[role=listbox]').isVisible(), false);
  } finally {
    await page.close();
  }
});

test('a near miss still shows, ranked below the exact matches', async () => {
  // 随机码 is said on the payment guide; the notice says 随机验证码 only.
  const notice = readFileSync(join(ROOT, 'content', 'notices', 'micro_deposit.md'), 'utf8');
  assert.ok(notice.includes('随机验证码') && !notice.includes('随机码'));
  const page = await S.browser.newPage();
  try {
    await page.goto(`${S.server.url}/`);
    const hrefs = await results(page, '随机码');
    const exact = hrefs.indexOf(`${S.server.url}/guide/payment/`);
    const near = hrefs.indexOf(`${S.server.url}/notices/micro_deposit/`);
    assert.ok(exact >= 0 && near >= 0, hrefs.join(' '));
    assert.ok(exact < near, hrefs.join(' '));
    const classes = await page.locator(OPTIONS).evaluateAll((els) => els.map((li) => li.className));
    assert.equal(classes[near], 'search-near');
    assert.equal(classes[exact], '');
    // Every exact match comes before every near miss.
    assert.deepEqual(classes, [...classes].sort((a, b) => (a === 'search-near') - (b === 'search-near')));
    const status = await page.locator('form[role=search] [role=status]').textContent();
    assert.match(status, /找到 \d+ 条结果（其中 \d+ 条相近）/);

    // With no exact match at all the near misses show, and the status says so.
    const only = await results(page, '随机证码吗');
    assert.ok(only.length > 0);
    assert.match(await page.locator('form[role=search] [role=status]').textContent(),
      /没有完全匹配“随机证码吗”的页面，找到 \d+ 条相近结果/);
  } finally {
    await page.close();
  }
});

test('on a 390 px screen the result count and list stay clear of the header', async () => {
  for (const width of [390, 1280]) {
    const context = await S.browser.newContext({ viewport: { width, height: 844 } });
    const page = await context.newPage();
    try {
      await page.goto(`${S.server.url}/guide/login/`);
      await results(page, '发票');
      const box = async (sel) => page.locator(sel).first().boundingBox();
      const header = await box('.site-header');
      const inside = (a, b) => a.x < b.x + b.width && b.x < a.x + a.width &&
        a.y < b.y + b.height && b.y < a.y + a.height;
      for (const sel of ['form[role=search] [role=status]', '[role=listbox]']) {
        const b = await box(sel);
        assert.ok(b && b.height > 0, `${sel} shown`);
        assert.equal(inside(b, header), false,
          `${width} px: ${sel} ${JSON.stringify(b)} overlaps the header ${JSON.stringify(header)}`);
        assert.ok(b.x >= 0 && b.x + b.width <= width, `${width} px: ${sel} fits the screen`);
      }
    } finally {
      await context.close();
    }
  }
});
