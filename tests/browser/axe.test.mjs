// Accessibility of the whole built site, in a real browser: axe-core
// (WCAG 2.1 AA and best practice) on every page, on the search list and
// on the form's error state; and what axe does not measure: the contrast
// of focus outlines and of the search controls, the order of headings,
// the skip link, and files a page asks for that do not exist.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { contrast, over, parseColour, WHITE } from './contrast.mjs';
import { siteSuite } from './lib.mjs';

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];

const S = siteSuite();

// The address of every HTML page of the built site, 404.html included;
// hidden folders (the build cache) are not pages.
function sitePages() {
  const out = [];
  const walk = (d) => {
    for (const ent of readdirSync(d, { withFileTypes: true })) {
      if (ent.name.startsWith('.')) continue;
      const p = join(d, ent.name);
      if (ent.isDirectory()) walk(p);
      else if (ent.name.endsWith('.html')) {
        const rel = relative(S.dir, p).split('\\').join('/');
        out.push('/' + rel.replace(/(^|\/)index\.html$/, '$1'));
      }
    }
  };
  walk(S.dir);
  return out.sort();
}

async function axeViolations(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    await page.addScriptTag({ content: AXE });
  }
  return page.evaluate(async (tags) => {
    const r = await window.axe.run(document, {
      runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'],
    });
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.help}; at ` +
      v.nodes.slice(0, 5).map((n) => n.target.join(' ')).join(', '));
  }, TAGS);
}

test('the site has the pages these tests walk', () => {
  const pages = sitePages();
  for (const p of ['/', '/404.html', '/apply/', '/faq/', '/faq/pin/', '/guide/login/']) {
    assert.ok(pages.includes(p), `${p} missing from ${pages.join(' ')}`);
  }
});

test('axe-core finds no violation on any page', async () => {
  const page = await S.browser.newPage();
  const found = [];
  try {
    for (const path of sitePages()) {
      await page.goto(S.server.url + path);
      for (const v of await axeViolations(page)) found.push(`${path}: ${v}`);
    }
  } finally {
    await page.close();
  }
  assert.deepEqual(found, []);
});

test('axe-core finds no violation in the open search list, wide and narrow', async () => {
  for (const width of [1280, 390]) {
    const context = await S.browser.newContext({ viewport: { width, height: 800 } });
    const page = await context.newPage();
    try {
      await page.goto(`${S.server.url}/guide/`);
      await page.locator('#search-q').fill('发票');
      await page.locator('[role=option]').first().waitFor({ state: 'visible', timeout: 5000 });
      await page.keyboard.press('ArrowDown');
      assert.deepEqual(await axeViolations(page), [], `${width} px`);
    } finally {
      await context.close();
    }
  }
});

test('axe-core finds no violation in the form after an empty submit', async () => {
  const page = await S.browser.newPage();
  try {
    await page.goto(`${S.server.url}/apply/`);
    await page.waitForSelector('#ch-form[data-ready="true"]');
    await page.click('[data-action=download]');
    await page.waitForSelector('#ch-form [aria-invalid=true]');
    assert.deepEqual(await axeViolations(page), []);
  } finally {
    await page.close();
  }
});

test('no page asks for a file that is missing; each names its icon', async () => {
  const page = await S.browser.newPage();
  const bad = [];
  page.on('response', (r) => { if (r.status() >= 400) bad.push(`${r.status()} ${r.url()}`); });
  page.on('requestfailed', (r) => bad.push(`failed ${r.url()}`));
  try {
    for (const path of sitePages()) {
      await page.goto(S.server.url + path, { waitUntil: 'load' });
      const icon = await page.evaluate(() => {
        const l = document.querySelector('link[rel~=icon]');
        return l && l.href;
      });
      assert.ok(icon, `${path}: no <link rel=icon>`);
      assert.match(icon, /\/assets\/favicon\.[0-9a-f]{10}\.svg$/, path);
      const r = await page.request.get(icon);
      assert.equal(r.status(), 200, `${path}: ${icon}`);
      assert.match(r.headers()['content-type'], /^image\/svg\+xml/);
      // The 404 page is asked for by its own name, so it answers 200.
      if (bad.length) break;
    }
    // A missing page deep down gets the 404 page, whose own files load.
    const r = await page.goto(`${S.server.url}/no/such/page/`, { waitUntil: 'load' });
    assert.equal(r.status(), 404);
    assert.equal(bad.shift(), `404 ${S.server.url}/no/such/page/`);
    assert.ok(await page.evaluate(() => getComputedStyle(document.body).margin === '0px'),
      'the 404 page has its style sheet');
  } finally {
    await page.close();
  }
  assert.deepEqual(bad, []);
});

test('on every page the headings start at the <h1> and skip no level', async () => {
  const page = await S.browser.newPage();
  const found = [];
  try {
    for (const path of sitePages()) {
      await page.goto(S.server.url + path);
      const levels = await page.evaluate(() => Array.from(
        document.querySelectorAll('h1, h2, h3, h4, h5, h6, [role=heading]'))
        .filter((h) => h.getClientRects().length > 0)
        .map((h) => Number(h.getAttribute('aria-level') || h.tagName.slice(1)) +
          ' ' + h.textContent.trim().slice(0, 20)));
      const nums = levels.map((l) => parseInt(l, 10));
      if (nums[0] !== 1) found.push(`${path}: first heading is ${levels[0]}`);
      if (nums.filter((n) => n === 1).length !== 1) found.push(`${path}: not one <h1>`);
      for (let i = 1; i < nums.length; i++) {
        if (nums[i] > nums[i - 1] + 1) found.push(`${path}: ${levels[i - 1]} then ${levels[i]}`);
      }
    }
  } finally {
    await page.close();
  }
  assert.deepEqual(found, []);
});

// The element that has the focus, described for the checks below: its
// outline and the colours it is drawn on (innermost first, to the first
// opaque one; the outline sits outside the element, on its parent).
async function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const cs = getComputedStyle(el);
    const under = [];
    for (let p = el.parentElement; p; p = p.parentElement) {
      const bg = getComputedStyle(p).backgroundColor;
      if (!/^rgba\(.*,\s*0\)$/.test(bg) && bg !== 'transparent') under.push(bg);
      if (/^rgb\(/.test(bg)) break;
    }
    const r = el.getBoundingClientRect();
    return {
      what: el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
        (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ')[0] : '') +
        ' ' + (el.textContent || '').trim().slice(0, 16),
      inMain: !!el.closest('main'),
      style: cs.outlineStyle, width: parseFloat(cs.outlineWidth), colour: cs.outlineColor,
      under,
      visible: r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 &&
        r.top < innerHeight && r.left < innerWidth,
      href: el.getAttribute('href'),
    };
  });
}

const behind = (under) => under.reduceRight((acc, c) => over(c, acc), WHITE);

test('every tab stop on every page shows a focus outline of 3:1 or more', async () => {
  const page = await S.browser.newPage();
  const found = [];
  const kinds = new Set();
  try {
    for (const path of sitePages()) {
      await page.goto(S.server.url + path);
      let first = null;
      for (let i = 0; i < 400; i++) {
        await page.keyboard.press('Tab');
        const f = await focused(page);
        if (!f || f.what === first) break;
        first ??= f.what;
        kinds.add(f.what.split(' ')[0].replace(/#.*/, ''));
        const bg = behind(f.under);
        if (f.style === 'none' || f.width < 2) {
          found.push(`${path}: ${f.what}: no outline (${f.style} ${f.width}px)`);
          continue;
        }
        const c = parseColour(f.colour);
        for (const [name, against] of [['white', WHITE], ['its background', bg]]) {
          const ratio = contrast(c, against);
          if (ratio < 3) found.push(`${path}: ${f.what}: ${f.colour} on ${name} is ${ratio.toFixed(2)}:1`);
        }
      }
    }
  } finally {
    await page.close();
  }
  // The walk reached links, the search box and button, and the form's fields.
  for (const k of ['a.skip-link', 'input', 'button', 'a']) assert.ok(kinds.has(k), [...kinds].join(' '));
  assert.deepEqual(found, []);
});

test('the skip link is the first tab stop on every page and leads past the navigation', async () => {
  const page = await S.browser.newPage();
  try {
    for (const path of sitePages()) {
      await page.goto(S.server.url + path);
      await page.keyboard.press('Tab');
      const f = await focused(page);
      assert.ok(f && f.what.startsWith('a.skip-link'), `${path}: first tab stop is ${f?.what}`);
      assert.ok(f.visible, `${path}: the skip link is not shown when focused`);
      assert.equal(f.href, '#main', path);
      await page.keyboard.press('Enter');
      assert.equal(await page.evaluate(() => document.activeElement.id), 'main', path);
      await page.keyboard.press('Tab');
      const next = await focused(page);
      assert.ok(next && next.inMain, `${path}: after the skip link Tab goes to ${next?.what}`);
    }
    // On the form, the first field is a few Tabs away, not 39: past the
    // skip link, and even without it (the navigation follows the page).
    const tabsToForm = async (skip) => {
      await page.goto(`${S.server.url}/apply/`);
      if (skip) {
        await page.keyboard.press('Tab');
        await page.keyboard.press('Enter');
      }
      for (let n = 1; n <= 60; n++) {
        await page.keyboard.press('Tab');
        if (await page.evaluate(() => !!document.activeElement.closest('#ch-form'))) return n;
      }
      return Infinity;
    };
    const skipped = await tabsToForm(true);
    assert.ok(skipped <= 10, `${skipped} Tabs from the skip link to the form's first field`);
    const plain = await tabsToForm(false);
    assert.ok(plain <= 14, `${plain} Tabs from the top to the form's first field`);
  } finally {
    await page.close();
  }
});

test('search: the box, and the option the arrow keys chose, stand out by 3:1', async () => {
  const page = await S.browser.newPage();
  try {
    await page.goto(`${S.server.url}/`);
    const box = await page.evaluate(() => {
      const i = document.querySelector('#search-q');
      const cs = getComputedStyle(i);
      return {
        sides: [cs.borderTopColor, cs.borderRightColor, cs.borderBottomColor, cs.borderLeftColor],
        width: parseFloat(cs.borderTopWidth), inside: cs.backgroundColor,
        outside: getComputedStyle(i.closest('.site-header')).backgroundColor,
      };
    });
    assert.ok(box.width >= 1, 'the search box has a border');
    for (const side of box.sides) {
      for (const against of [box.inside, box.outside]) {
        const ratio = contrast(parseColour(side), over(against, WHITE));
        assert.ok(ratio >= 3, `search box border ${side} on ${against}: ${ratio.toFixed(2)}:1`);
      }
    }

    await page.locator('#search-q').fill('证书');
    await page.locator('[role=option]').nth(1).waitFor({ state: 'visible', timeout: 5000 });
    await page.keyboard.press('ArrowDown');
    const look = (i) => page.locator('[role=option]').nth(i).evaluate((li) => {
      const cs = getComputedStyle(li);
      return { style: cs.outlineStyle, width: parseFloat(cs.outlineWidth), colour: cs.outlineColor,
        bg: cs.backgroundColor, list: getComputedStyle(li.parentElement).backgroundColor,
        selected: li.getAttribute('aria-selected') };
    });
    const chosen = await look(0);
    const other = await look(1);
    assert.equal(chosen.selected, 'true');
    assert.equal(other.selected, 'false');
    // An indicator the others lack, 3:1 against what it is drawn on.
    assert.notEqual(chosen.style, 'none', 'the chosen option has an outline');
    assert.ok(chosen.width >= 2, `outline ${chosen.width}px`);
    assert.equal(other.style, 'none', 'only the chosen option has one');
    const c = parseColour(chosen.colour);
    for (const against of [over(chosen.bg, over(chosen.list, WHITE)), over(other.bg, over(other.list, WHITE))]) {
      const ratio = contrast(c, against);
      assert.ok(ratio >= 3, `chosen option outline ${chosen.colour}: ${ratio.toFixed(2)}:1`);
    }
  } finally {
    await page.close();
  }
});

test('the contrast function agrees with WCAG', () => {
  assert.equal(contrast([0, 0, 0, 1], WHITE).toFixed(1), '21.0');
  assert.equal(contrast(WHITE, WHITE), 1);
  // The old focus colour (#f0a500) and search border (#d8dee4) on white.
  assert.equal(contrast(parseColour('rgb(240, 165, 0)'), WHITE).toFixed(2), '2.08');
  assert.equal(contrast(parseColour('rgb(216, 222, 228)'), WHITE).toFixed(2), '1.36');
  assert.deepEqual(over('rgba(0, 0, 0, 0.5)', WHITE), [127.5, 127.5, 127.5, 1]);
});

test('narrow screens: 目录 opens the navigation above the page, with the focus in it', async () => {
  const context = await S.browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  try {
    await page.goto(`${S.server.url}/guide/login/`);
    const nav = page.locator('#site-nav');
    const toggle = page.locator('.nav-toggle');
    assert.equal(await nav.isVisible(), false, 'folded at first');
    await toggle.focus();
    await page.keyboard.press('Enter');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    assert.ok(await nav.isVisible());
    const [n, m] = [await nav.boundingBox(), await page.locator('main').boundingBox()];
    assert.ok(n.y + n.height <= m.y + 1, `navigation ${JSON.stringify(n)} above the page ${JSON.stringify(m)}`);
    await page.keyboard.press('Tab');
    assert.ok(await page.evaluate(() => !!document.activeElement.closest('#site-nav a')),
      'the next Tab reaches the navigation');
    await toggle.click();
    assert.equal(await nav.isVisible(), false, 'folded again');
  } finally {
    await context.close();
  }
});
