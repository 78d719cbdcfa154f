// Shared pieces of the browser tests: build the site once, serve it on
// 127.0.0.1 with a small static server, and start Debian's chromium
// through playwright-core. Every *.test.mjs file imports these.
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';

export const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
export const BIN = process.env.CERTHALL_BIN || join(ROOT, 'build', 'bin');

// Builds the repository's own content (work tree, so uncommitted edits
// are tested too) into a fresh folder and returns its path.
export function buildSite() {
  const out = mkdtempSync(join(tmpdir(), 'certhall-site-'));
  const r = spawnSync(join(BIN, 'certhall-site'),
    ['build', '--worktree', '-o', join(out, 'public')],
    { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`certhall-site build failed: ${r.stderr}`);
  return join(out, 'public');
}

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript',
  '.json': 'application/json', '.xml': 'application/xml', '.txt': 'text/plain',
  '.svg': 'image/svg+xml', '.png': 'image/png',
};

// Serves dir on an ephemeral port of 127.0.0.1; resolves to {url, close}.
export function serve(dir) {
  const server = createServer((req, res) => {
    let path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    path = normalize(path).replace(/^(\.\.[/\\])+/, '');
    let file = join(dir, path);
    try {
      if (statSync(file).isDirectory()) file = join(file, 'index.html');
      const body = readFileSync(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] || 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' });
      try { res.end(readFileSync(join(dir, '404.html'))); } catch { res.end('not found'); }
    }
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok({
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((done) => server.close(done)),
  })));
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
      '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--disable-quic'],
  });
}

// The usual set-up of a test file: the site built (dir) and served, and
// one browser, both closed at the end. The returned object's dir, server
// and browser are there once the file's tests run.
export function siteSuite() {
  const suite = { dir: null, server: null, browser: null };
  before(async () => {
    suite.dir = buildSite();
    suite.server = await serve(suite.dir);
    suite.browser = await launch();
  });
  after(async () => {
    await suite.browser?.close();
    await suite.server?.close();
  });
  return suite;
}
