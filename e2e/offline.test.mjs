// Offline and installable: after one visit the playground works with the network off, and
// Chromium finds it installable. The service worker the build writes (static/sw.js, its
// precache list from scripts/post_build.py) is registered after the page has loaded, caches
// every file of the build, and serves the page for any address in its folder (share links,
// embeds). Offline, a reload still simulates, analyses in the worker, exports, and opens a share
// link, and an embed reloads in its frame, while the server sees no request at all. A new build
// is offered with a banner whose Reload button lets the new worker take over, and a development
// build served on the same address removes the worker.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DIST,
  useApp,
  startServer,
  openPage,
  showView,
  openExample,
  withFreshBrowser,
  focusIsOn,
  shootLaptopAndPhone,
} from './lib/harness.mjs';

const app = useApp({ browser: false });
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The precache list at the head of a build's sw.js. */
function precacheOf(dist) {
  const head = readFileSync(path.join(dist, 'sw.js'), 'utf8').split('\n', 1)[0];
  const match = /^const PRECACHE = (\{.*\});$/.exec(head);
  assert.ok(match, `sw.js starts with its precache list, not: ${head.slice(0, 80)}`);
  return JSON.parse(match[1]);
}

/** Every file of a build, relative to it, with `/` separators. */
function filesOf(dir, prefix = '') {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesOf(path.join(dir, entry.name), `${prefix}${entry.name}/`) : [`${prefix}${entry.name}`],
  );
}

/** Records when the page registers its service worker, before any of its scripts runs. */
async function recordRegistration(page) {
  await page.addInitScript(() => {
    const register = navigator.serviceWorker?.register?.bind(navigator.serviceWorker);
    if (!register) return;
    navigator.serviceWorker.register = (...args) => {
      window.__swRegisteredAt = performance.now();
      return register(...args);
    };
  });
}

/** Waits until a service worker controls `target` (a page or a frame) and its cache is full. */
async function waitForControl(target) {
  await target.waitForFunction(() => navigator.serviceWorker?.controller?.state === 'activated', null, { timeout: 60000 });
  return target.evaluate(async () => {
    const names = (await caches.keys()).filter((n) => n.startsWith('iam-playground-'));
    const cache = await caches.open(names[0]);
    return { names, entries: (await cache.keys()).length };
  });
}

/** Waits until the simulator's answer shows `decision` (AWS spelling). */
async function waitForDecision(page, decision) {
  await page.waitForFunction((d) => document.querySelector('.sim-result .explanation')?.dataset.decision === d, decision, {
    timeout: 15000,
  });
}

test('the build precaches every one of its files, and the page links its manifest', () => {
  const precache = precacheOf(DIST);
  const files = filesOf(DIST).filter((f) => f !== 'sw.js').sort();
  assert.deepEqual([...precache.assets].sort(), files);
  assert.match(precache.version, /^[0-9a-f]{16}$/);
  // Only the page and the files at fixed names are revalidated; every other name has a hash.
  for (const file of precache.revalidate) assert.match(file, /^(index\.html|embed\.js)$/);
  const html = readFileSync(path.join(DIST, 'index.html'), 'utf8');
  assert.match(html, /<meta name="iam-sw" content="sw\.js" \/>/);
  const manifestName = /<link rel="manifest" href="(manifest-[0-9a-f]{16}\.webmanifest)" \/>/.exec(html)?.[1];
  assert.ok(manifestName, 'index.html links the manifest');
  const manifest = JSON.parse(readFileSync(path.join(DIST, manifestName), 'utf8'));
  assert.equal(manifest.display, 'standalone');
  assert.equal(manifest.start_url, './');
  assert.equal(manifest.scope, './');
  for (const [size, purpose] of [['192x192', 'any'], ['512x512', 'any'], ['192x192', 'maskable'], ['512x512', 'maskable']]) {
    const icon = manifest.icons.find((i) => i.sizes === size && i.purpose === purpose);
    assert.ok(icon, `a ${purpose} icon of ${size}`);
    const png = readFileSync(path.join(DIST, icon.src));
    // The PNG header's width and height.
    assert.equal(`${png.readUInt32BE(16)}x${png.readUInt32BE(20)}`, size, icon.src);
  }
  const bytes = precache.assets.reduce((sum, f) => sum + statSync(path.join(DIST, f)).size, 0);
  console.log(`precache: ${precache.assets.length} files, ${bytes} bytes raw (version ${precache.version})`);
});

test('after one visit the playground works offline: simulate, analyse, export, open a share link', async () => {
  await withFreshBrowser(async ({ context }) => {
    const page = await context.newPage();
    await recordRegistration(page);
    const problems = [];
    page.on('console', (msg) => ['error', 'warning'].includes(msg.type()) && problems.push(`console ${msg.type()}: ${msg.text()}`));
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    await page.goto(app.server.url, { waitUntil: 'load' });
    await page.locator('footer .data-status[data-state="ready"]').waitFor({ state: 'visible', timeout: 15000 });

    // One visit: the worker takes the page over once it has cached the whole build.
    const cached = await waitForControl(page);
    const precache = precacheOf(DIST);
    assert.deepEqual(cached.names, [`iam-playground-${precache.version}`]);
    assert.equal(cached.entries, precache.assets.length);
    // It was registered after the page had loaded: the precache never competes with the first paint.
    const [registeredAt, loadEnd] = await page.evaluate(() => [
      window.__swRegisteredAt,
      performance.getEntriesByType('navigation')[0].loadEventEnd,
    ]);
    assert.ok(registeredAt >= loadEnd && loadEnd > 0, `registered at ${registeredAt} ms, after the load event at ${loadEnd} ms`);
    console.log(`service worker registered ${Math.round(registeredAt - loadEnd)} ms after the load event (${Math.round(loadEnd)} ms)`);
    // Installable: Chromium finds nothing missing (manifest, icons, a service worker).
    const cdp = await context.newCDPSession(page);
    assert.deepEqual(await cdp.send('Page.getInstallabilityErrors'), { installabilityErrors: [] });
    assert.deepEqual((await cdp.send('Page.getAppManifest')).errors, []);
    await cdp.detach();
    // The precache read what the page had loaded from the HTTP cache: no file came twice.
    const counts = new Map();
    for (const p of app.server.requests) counts.set(p, (counts.get(p) ?? 0) + 1);
    assert.deepEqual([...counts].filter(([, n]) => n > 1), [], 'no file was downloaded twice');

    // Network off. The worker's own fetches fail too, and the server hears nothing from now on.
    await context.setOffline(true);
    const heard = app.server.requests.length;
    const [worker] = context.serviceWorkers();
    assert.ok(worker, 'the context sees the service worker');
    assert.equal(await worker.evaluate(() => fetch(`./not-cached-${Date.now()}`).then(() => 'online', () => 'offline')), 'offline');

    await page.reload({ waitUntil: 'load' });
    await page.locator('header h1').waitFor({ state: 'visible', timeout: 15000 });
    // The catalog and the managed policies come from the cache.
    await page.locator('footer .data-status[data-state="ready"]').waitFor({ state: 'visible', timeout: 15000 });

    // Simulate: the admin user cannot close the account; the root user can.
    await openExample(page, 'seed-admin-template');
    await showView(page, 'simulate');
    await page.selectOption('.sim-request select[name="principal"]', 'user/admin');
    await page.selectOption('.sim-request select[name="root-task"]', 'close-account');
    await waitForDecision(page, 'implicitDeny');
    await page.selectOption('.sim-request select[name="principal"]', 'root');
    await waitForDecision(page, 'allowed');

    // Export: the CloudFormation template.
    await showView(page, 'export');
    const code = page.locator('.export-template pre.export-code');
    await code.waitFor({ state: 'visible', timeout: 15000 });
    assert.match(await code.innerText(), /Type: AWS::IAM::User/);

    // Analyse: the path to admin, found by the analysis worker, whose files were precached
    // although this visit never started it before going offline.
    await openExample(page, 'passrole-lambda-admin');
    await showView(page, 'analysis');
    await page.locator('.path-card[data-principal="user/dev-dana"]').waitFor({ state: 'visible', timeout: 30000 });
    await page.locator('.analysis-escalation .analysis-status[data-state="done"]').waitFor({ timeout: 30000 });
    assert.ok(page.workers().some((w) => /\/worker\/iam-playground-worker-[0-9a-f]+_loader\.js$/.test(w.url())));

    // A share link opens offline, in a new tab, as an unsaved copy.
    await showView(page, 'share');
    const link = await page.locator('textarea.share-link').inputValue();
    assert.match(link, /\/playground\/#s=[A-Za-z0-9_-]+$/);
    const { page: opened, problems: openedProblems } = await openPage(context, link);
    await opened.locator('.save-state.unsaved').waitFor({ state: 'visible', timeout: 15000 });
    assert.match(await opened.locator('.scenario-switcher .scenario-name').innerText(), /iam:PassRole and a Lambda function/);
    await opened.close();

    assert.deepEqual(app.server.requests.slice(heard), [], 'nothing reached the server while offline');
    assert.deepEqual(problems, []);
    assert.deepEqual(openedProblems, []);
    await context.setOffline(false);
  });
});

test('an embed visited once reloads offline in its frame', async () => {
  await withFreshBrowser(async ({ context }) => {
    // The first and only visit is the documentation page: the playground was never opened.
    const { page, problems } = await openPage(context, app.server.embedHostUrl);
    await page.frameLocator('#embed-root-vs-admin').locator('.embed-view').waitFor({ state: 'visible', timeout: 15000 });
    const frame = await (await page.$('#embed-root-vs-admin')).contentFrame();
    assert.ok(frame, 'the read-only embed frame');
    await waitForControl(frame);

    await context.setOffline(true);
    const heard = app.server.requests.length;
    await frame.evaluate(() => location.reload());
    const again = page.frameLocator('#embed-root-vs-admin');
    await again.locator('.embed-view').waitFor({ state: 'visible', timeout: 15000 });
    await again.locator('.sim-result .explanation').first().waitFor({ state: 'visible', timeout: 15000 });
    assert.deepEqual(app.server.requests.slice(heard), [], 'nothing reached the server while offline');
    // The frame reload's requests belong to the page; none failed.
    assert.deepEqual(problems, []);
    await context.setOffline(false);
  });
});

test('a new build is offered with a banner, and Reload brings it in', async () => {
  // A copy of the build, served on its own, whose worker the test then changes.
  const dist = mkdtempSync(path.join(tmpdir(), 'iam-playground-offline-'));
  cpSync(DIST, dist, { recursive: true });
  const server = await startServer({ dist });
  try {
    await withFreshBrowser(async ({ context }) => {
      const { page, problems } = await openPage(context, server.url);
      const { version } = precacheOf(dist);
      await waitForControl(page);
      const banner = page.locator('#update-banner');
      assert.equal(await banner.getAttribute('role'), 'status');
      assert.equal(await banner.isVisible(), false, 'no banner while the build is the same');

      // A new build: the worker's precache version changes, and the page looks for it.
      const sw = path.join(dist, 'sw.js');
      const next = `${version.slice(0, 12)}beef`;
      writeFileSync(sw, readFileSync(sw, 'utf8').replace(`"version": "${version}"`, `"version": "${next}"`));
      await page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).update());
      await banner.waitFor({ state: 'visible', timeout: 30000 });
      assert.match(await banner.innerText(), /A new version of the playground is available\./);
      await shootLaptopAndPhone(page, 'update-banner');

      // "Not now" hides it; the next load offers it again, since the new worker still waits.
      await banner.locator('[data-action="dismiss-update"]').click();
      assert.equal(await banner.isVisible(), false);
      await page.reload({ waitUntil: 'load' });
      await banner.waitFor({ state: 'visible', timeout: 30000 });
      // Reload is pressed once the page has loaded its data and started its workers, as a reader
      // of the banner would. Pressed while a worker of the page is still starting, Chromium holds
      // the new worker's activation until the page unloads: the button's fallback then reloads
      // after 4 s, and in about one run in eight Chromium never completes that navigation (it
      // is dispatched to the old worker as it becomes redundant). That race is the browser's.
      await page.locator('footer .data-status[data-state="ready"]').waitFor({ state: 'visible', timeout: 15000 });
      await page.waitForLoadState('networkidle');

      // Reload, from the keyboard: the banner is first in the tab order.
      await page.evaluate(() => document.activeElement?.blur());
      await page.keyboard.press('Tab');
      assert.ok(await focusIsOn(page, '#update-banner [data-action="reload-update"]'), 'Tab reaches Reload first');
      await Promise.all([page.waitForEvent('load', { timeout: 60000 }), page.keyboard.press('Enter')]);
      await page.locator('header h1').waitFor({ state: 'visible', timeout: 15000 });
      // The new worker takes over and removes the old cache (right away, or just after the
      // load when the button's fallback reloaded before the browser activated it).
      await waitForControl(page);
      await page.waitForFunction(
        async (name) => JSON.stringify((await caches.keys()).filter((n) => n.startsWith('iam-playground-'))) === JSON.stringify([name]),
        `iam-playground-${next}`,
        { timeout: 30000, polling: 250 },
      );
      assert.equal(await banner.isVisible(), false);
      assert.deepEqual(problems, []);
    });
  } finally {
    await server.close();
    rmSync(dist, { recursive: true, force: true });
  }
});

test('a development build on the same address removes the worker an earlier build left', async () => {
  const dist = mkdtempSync(path.join(tmpdir(), 'iam-playground-offline-'));
  cpSync(DIST, dist, { recursive: true });
  const server = await startServer({ dist });
  try {
    await withFreshBrowser(async ({ context }) => {
      const { page, problems } = await openPage(context, server.url);
      await waitForControl(page);
      // What `trunk serve` writes instead (scripts/post_build.py): the remover as sw.js, and a
      // page without the meta tag that names a worker.
      writeFileSync(path.join(dist, 'sw.js'), readFileSync(path.join(root, 'static', 'sw-remove.js')));
      const index = path.join(dist, 'index.html');
      writeFileSync(index, readFileSync(index, 'utf8').replace(/\s*<meta name="iam-sw"[^>]*>/, '<meta name="dev-build" />'));
      // The browser looks for a new worker on the next navigation; the remover takes over,
      // removes itself and the cache, and loads the page again, from the server.
      await page.reload({ waitUntil: 'load' });
      await page.waitForFunction(
        async () => !(await navigator.serviceWorker.getRegistration()) && (await caches.keys()).length === 0 && !navigator.serviceWorker.controller,
        null,
        { timeout: 30000, polling: 250 },
      );
      await page.locator('meta[name="dev-build"]').waitFor({ state: 'attached', timeout: 15000 });
      await page.locator('header h1').waitFor({ state: 'visible', timeout: 15000 });
      assert.deepEqual(problems, []);
    });
  } finally {
    await server.close();
    rmSync(dist, { recursive: true, force: true });
  }
});
