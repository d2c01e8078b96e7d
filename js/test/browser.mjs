// The static site in a real browser (docs/SITE.md): Debian's chromium driven by playwright-core
// over the demo site, served on 127.0.0.1 by a tiny static server and opened from file://.
//
//   node js/test/browser.mjs SITE_DIR OUT_DIR
//
// Navigates the index to a testimony, switches language, drops the right file (published,
// unchanged), a modified file (not found), the file on a page whose data or whose statement was
// tampered with (refused), pastes an untrusted and then the right allowed_signers; filters a
// release; runs axe-core on every kind of page (no serious or critical violation); writes
// screenshots of the index, a document and each verdict to OUT_DIR.
import { createServer } from 'node:http';
import { readFileSync, mkdirSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { join, extname, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import assert from 'node:assert/strict';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const site = resolve(process.argv[2]);
const out = resolve(process.argv[3]);
mkdirSync(out, { recursive: true });
const scratch = mkdtempSync(join(tmpdir(), 'intact-site-browser-'));

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css', '.json': 'application/json', '.png': 'image/png', '.pdf': 'application/pdf', '.txt': 'text/plain; charset=utf-8' };
const server = createServer((req, res) => {
  const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  const file = resolve(join(site, path));
  if (!file.startsWith(site) || !existsSync(file) || !statSync(file).isFile()) { res.writeHead(404); res.end(); return; }
  res.writeHead(200, { 'content-type': TYPES[extname(file)] || 'application/octet-stream' });
  res.end(readFileSync(file));
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const http = `http://127.0.0.1:${server.address().port}/`;

// a fresh profile (playwright passes it as --user-data-dir)
const browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'intact-chromium-')), {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
let checks = 0;
const ok = (cond, msg) => { assert.ok(cond, msg); checks++; };

async function axe(page, what) {
  await page.addScriptTag({ content: axeSource });
  const r = await page.evaluate(async () => await globalThis.axe.run(document, { resultTypes: ['violations'] }));
  const bad = r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  ok(bad.length === 0, `${what}: axe-core: ${bad.map((v) => v.id + ' ' + v.nodes.map((n) => n.target).join(' ')).join('; ')}`);
}

async function verdict(page) {
  await page.waitForFunction(() => {
    const v = document.getElementById('verdict').getAttribute('data-verdict');
    return v && v !== 'working';
  }, null, { timeout: 60000 });
  return page.evaluate(() => ({ kind: document.getElementById('verdict').getAttribute('data-verdict'), text: document.getElementById('verdict').innerText }));
}

async function drop(page, bytes, name) {
  await page.evaluate(() => { const v = document.getElementById('verdict'); v.removeAttribute('data-verdict'); v.textContent = ''; });
  const dt = await page.evaluateHandle(([b64, n]) => {
    const dt = new DataTransfer();
    dt.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], n));
    return dt;
  }, [Buffer.from(bytes).toString('base64'), name]);
  await page.dispatchEvent('#drop', 'drop', { dataTransfer: dt });
  return verdict(page);
}

async function choose(page, path) {
  await page.evaluate(() => { const v = document.getElementById('verdict'); v.removeAttribute('data-verdict'); v.textContent = ''; });
  await page.setInputFiles('#verify-file', path);
  return verdict(page);
}

/** An allowed_signers line of a fresh Ed25519 key: not the office's. */
function strangerLine() {
  const { publicKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const str = (b) => { const l = Buffer.alloc(4); l.writeUInt32BE(b.length); return Buffer.concat([l, b]); };
  const blob = Buffer.concat([str(Buffer.from('ssh-ed25519')), str(raw)]);
  return `stranger namespaces="intact-release" ssh-ed25519 ${blob.toString('base64')}`;
}

async function journey(base, label, shots) {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(base + 'index.html');
  await page.click('a[hreflang="en"]');
  ok(/\/en\/index\.html$/.test(page.url()), `${label}: English index`);
  ok((await page.locator('table.releases tbody tr').count()) >= 2, `${label}: the release chain`);
  if (shots) await page.screenshot({ path: join(out, 'index.png'), fullPage: true });
  if (shots) await axe(page, 'index');
  await page.click('table.releases a[href$="release-1.html"]');
  ok(/release\/release-1\.html$/.test(page.url()), `${label}: release page`);
  if (shots) await axe(page, 'release page');
  // filter by redaction status: only partly redacted items remain, loaded from the chunks
  await page.selectOption('#f-status', 'partial');
  await page.waitForFunction(() => !document.getElementById('f-count').textContent.includes('…'));
  const statuses = await page.locator('#f-rows tr td:last-child').allInnerTexts();
  ok(statuses.length > 0 && statuses.every((s) => s === 'partly redacted'), `${label}: filter by status: ${statuses}`);
  await page.selectOption('#f-type', 'testimony');
  await page.fill('#f-text', 'W-008');
  await page.waitForFunction(() => document.getElementById('f-rows').children.length === 1);
  await page.click('#f-rows a');
  ok(/doc\/release-1\/\d+\.html$/.test(page.url()), `${label}: document page`);
  ok((await page.locator('h1').innerText()).includes('W-008'), `${label}: the testimony`);
  ok((await page.locator('.status-partial').count()) === 1, `${label}: its redaction record`);
  const docUrl = page.url();
  // switch language and back
  await page.click('a[hreflang="hy"]');
  ok(page.url().includes('/hy/doc/release-1/') && (await page.getAttribute('html', 'lang')) === 'hy', `${label}: Armenian page`);
  if (shots) await axe(page, 'Armenian document page');
  await page.click('a[hreflang="ru"]');
  ok(page.url().includes('/ru/doc/release-1/') && (await page.getAttribute('html', 'lang')) === 'ru', `${label}: Russian page`);
  await page.click('a[hreflang="en"]');
  ok(page.url() === docUrl, `${label}: back to English`);
  if (shots) await page.screenshot({ path: join(out, 'document.png'), fullPage: true });
  if (shots) await axe(page, 'document page');
  // the file as the site offers it, and its proof
  const fileHref = await page.getAttribute('a[download]:not([download$=".json"])', 'href');
  const proofHref = await page.getAttribute('a[download$=".intact-proof.json"]', 'href');
  const filePath = decodeURIComponent(new URL(fileHref, page.url()).pathname);
  const bytes = readFileSync(label === 'http' ? join(site, filePath) : filePath);
  const proof = JSON.parse(readFileSync(label === 'http' ? join(site, decodeURIComponent(new URL(proofHref, page.url()).pathname)) : decodeURIComponent(new URL(proofHref, page.url()).pathname), 'utf8'));
  ok(proof.proof === 'intact-proof/1' && proof.item.id === 'T-008' || proof.item.id.length > 0, `${label}: the proof downloads`);
  let v = await drop(page, bytes, 'testimony.txt');
  ok(v.kind === 'published' && v.text.includes('release-1') && v.text.includes('unchanged'), `${label}: right file: ${v.text}`);
  if (shots) { await page.locator('#verify').screenshot({ path: join(out, 'verdict-published.png') }); await axe(page, 'verdict'); }
  const changed = Buffer.from(bytes); changed[changed.length >> 1] ^= 1;
  const changedPath = join(scratch, 'changed.txt'); writeFileSync(changedPath, changed);
  v = await choose(page, changedPath);
  ok(v.kind === 'not-found', `${label}: modified file: ${v.text}`);
  if (shots) await page.locator('#verify').screenshot({ path: join(out, 'verdict-not-found.png') });
  // another item's file: named, not claimed for this page
  if (label === 'http') {
    const other = (await import('node:fs')).readdirSync(join(site, 'files/release-1/data/photographs'))[0];
    v = await choose(page, join(site, 'files/release-1/data/photographs', other));
    ok(v.kind === 'other-item' && v.text.includes('release-1'), `${label}: another item's file: ${v.text}`);
  }
  // an allowed_signers that is not the office's
  await page.fill('#allowed-signers', strangerLine() + '\n');
  v = await drop(page, bytes, 'testimony.txt');
  ok(v.kind === 'untrusted' && v.text.includes('Not signed by the keys you gave'), `${label}: untrusted allowed_signers: ${v.text}`);
  if (shots) await page.locator('#verify').screenshot({ path: join(out, 'verdict-untrusted.png') });
  // the office's key, given by the reader: both agree
  const officeLine = await page.evaluate(() => window.IntactRelease.keys[0].line);
  await page.fill('#allowed-signers', officeLine + '\n');
  v = await drop(page, bytes, 'testimony.txt');
  ok(v.kind === 'published' && v.text.includes('demo-office'), `${label}: the office's allowed_signers: ${v.text}`);
  ok(errors.length === 0, `${label}: page errors: ${errors}`);
  await page.close();
  return { docUrl, bytes };
}

/** A page whose embedded data, or whose release statement, was altered on the way. */
async function tampered(docUrl, bytes) {
  const page = await browser.newPage();
  const changed = Buffer.from(bytes); changed[0] ^= 1;
  const { createHash } = await import('node:crypto');
  const sha = createHash('sha256').update(changed).digest('hex');
  // page data: the item's digest replaced by the modified file's, so the file "matches" it
  await page.route(docUrl, async (route) => {
    const r = await route.fetch();
    const body = (await r.text()).replace(/("sha256":")[0-9a-f]{64}(","size":\d+\},"leaf_index")/, `$1${sha}$2`);
    assert.ok(body.includes(sha), 'the page data was tampered with');
    await route.fulfill({ response: r, body });
  });
  await page.goto(docUrl);
  let v = await drop(page, changed, 'testimony.txt');
  ok(v.kind === 'bad-proof', `tampered page data: ${v.text}`);
  await page.locator('#verify').screenshot({ path: join(out, 'verdict-bad-proof.png') });
  await page.unroute(docUrl);
  // the statement: its date moved by a day, so its signature no longer holds
  await page.route('**/data/release/release-1.js', async (route) => {
    const r = await route.fetch();
    const body = (await r.text()).replaceAll('2026-01-15T09:00:00Z', '2026-01-14T09:00:00Z');
    await route.fulfill({ response: r, body });
  });
  await page.goto(docUrl);
  v = await drop(page, bytes, 'testimony.txt');
  ok(v.kind === 'bad-signature', `tampered statement: ${v.text}`);
  await page.locator('#verify').screenshot({ path: join(out, 'verdict-bad-signature.png') });
  await page.close();
}

try {
  const { docUrl, bytes } = await journey(http, 'http', true);
  await tampered(docUrl, bytes);
  await journey('file://' + site + '/', 'file', false);
} finally {
  await browser.close();
  server.close();
}
console.log(`browser.mjs: ${checks} checks passed (served on 127.0.0.1 and from file://); screenshots in ${out}`);
