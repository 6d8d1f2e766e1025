// Shared harness of the end-to-end suite: a static server for the release build in dist/, served
// under a sub-path the way a static host (GitHub Pages) would, and Debian's Chromium driven by
// playwright-core. Nothing here downloads a browser or reaches beyond 127.0.0.1.
import { before, after } from 'node:test';
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { PROFILE_DIR, TRACE_DIR, startProfile, startTrace } from './profile.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The build to serve: dist/, or the directory E2E_DIST names (a debug build while developing). */
export const DIST = process.env.E2E_DIST ? path.resolve(process.env.E2E_DIST) : path.join(root, 'dist');
/** The sub-path the app is served under, to prove it works away from the site root. */
export const BASE_PATH = '/playground/';
/** A documentation-like host page embedding playgrounds (e2e/embed.html), served beside the app. */
export const EMBED_HOST_PATH = '/docs/embed.html';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.png': 'image/png',
  '.webmanifest': 'application/manifest+json',
  '.gz': 'application/gzip',
};

/**
 * Cache headers as a well-configured static host sends them: a file whose name carries a
 * content hash (Trunk's and scripts/post_build.py's) never changes, so it may be kept for a
 * year; the page, the service worker and the files at fixed names are checked with the server
 * on every use, so a new build is seen at once.
 */
function cacheHeaders(rel) {
  const hashed = rel.split('/').some((part) => /-[0-9a-f]{12,16}(?:_bg|_loader)?(?:\.[A-Za-z0-9.]+)?$/.test(part));
  return { 'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache' };
}

/** Host pages a test registers with `hostPage`, served under HOST_PAGES_PATH. */
const hostPages = new Map();
/** Where `hostPage` pages are served. */
export const HOST_PAGES_PATH = '/docs/pages/';

/**
 * Registers a documentation page a test built (embed code pasted into HTML), served at
 * HOST_PAGES_PATH + `name` + '.html' with `csp` as its Content-Security-Policy header when
 * given. Open it through `localhost` to put it on another origin than the playground, which
 * is served on 127.0.0.1.
 */
export function hostPage(name, html, csp) {
  hostPages.set(`${HOST_PAGES_PATH}${name}.html`, { html, csp });
}

/**
 * Serves dist/ (or `dist`, another build folder) under BASE_PATH on 127.0.0.1. The port comes
 * from E2E_PORT when set (and a busy port is a clear error), otherwise the operating system
 * picks a free one. The returned `requests` lists the path of every request it answered, in
 * order, so a test can see what reached the network.
 */
export async function startServer({ dist = DIST } = {}) {
  const folder = path.resolve(dist);
  const requests = [];
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    requests.push(url.pathname);
    if (url.pathname === EMBED_HOST_PATH) {
      const body = await readFile(path.join(root, 'e2e', 'embed.html'));
      res.writeHead(200, { 'content-type': TYPES['.html'] });
      res.end(body);
      return;
    }
    const hosted = hostPages.get(url.pathname);
    if (hosted) {
      const headers = { 'content-type': TYPES['.html'] };
      if (hosted.csp) headers['content-security-policy'] = hosted.csp;
      res.writeHead(200, headers);
      res.end(hosted.html);
      return;
    }
    if (!url.pathname.startsWith(BASE_PATH)) {
      res.writeHead(404).end('not found');
      return;
    }
    let rel = decodeURIComponent(url.pathname.slice(BASE_PATH.length)) || 'index.html';
    const file = path.resolve(folder, rel);
    if (!file.startsWith(folder)) {
      res.writeHead(403).end('forbidden');
      return;
    }
    try {
      const info = await stat(file);
      const target = info.isDirectory() ? path.join(file, 'index.html') : file;
      const body = await readFile(target);
      res.writeHead(200, {
        'content-type': TYPES[path.extname(target)] ?? 'application/octet-stream',
        ...cacheHeaders(path.relative(folder, target).split(path.sep).join('/')),
      });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  const wanted = process.env.E2E_PORT ? Number(process.env.E2E_PORT) : 0;
  await new Promise((resolve, reject) => {
    server.once('error', (err) => {
      if (err.code === 'EADDRINUSE') {
        reject(new Error(`E2E_PORT ${wanted} on 127.0.0.1 is already in use; set E2E_PORT to a free port or unset it`));
      } else {
        reject(err);
      }
    });
    server.listen(wanted, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}${BASE_PATH}`,
    embedHostUrl: `http://127.0.0.1:${port}${EMBED_HOST_PATH}`,
    requests,
    close: () => new Promise((r) => server.close(r)),
  };
}

/**
 * Launches Debian's Chromium headless with a fresh profile; returns { browser, close }. `options`
 * are added to Playwright's (e.g. `{ serviceWorkers: 'block' }`).
 */
export async function launchBrowser(options = {}) {
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'iam-playground-e2e-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1366, height: 768 },
    ...options,
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Records the console errors and warnings of `page` into `problems`: a warning is a problem too
 * (a preload the browser ignores, a deprecated API), and none is filtered out.
 */
export function watchConsole(page, problems) {
  page.on('console', (msg) => {
    const type = msg.type();
    if (type === 'error' || type === 'warning') problems.push(`console ${type}: ${msg.text()}`);
  });
}

/**
 * What Chromium reports as a page error when a worker's `importScripts(url)` did not load.
 */
const IMPORT_FAILED = /^Failed to execute 'importScripts' on 'WorkerGlobalScope': The script at '([^']+)' failed to load\.$/;

/**
 * Records the page errors and failed requests of `page` into `problems`. A navigation of the
 * page (a reload, a new address) makes the browser cancel the requests the old document still
 * had in flight, such as the lazily loaded data assets; those cancellations (`net::ERR_ABORTED`
 * of a request that started before the latest navigation) are the browser's doing, not a failure
 * of the page, and are not recorded. The browser may report such a cancellation just before the
 * navigation's own request, so an `ERR_ABORTED` recorded for a request that started before a
 * navigation seen afterwards is taken back then; and the events of a worker's request can come
 * after the navigation's, so a cancellation of a URL the document loads after all (before or
 * after the cancellation is reported) is taken back too. A worker of the old document whose
 * `importScripts` was cancelled so reports a page error, which is taken back with its request,
 * in whichever order the two arrive. Every other error and failure is recorded.
 */
export function watchErrors(page, problems) {
  let navigations = 0;
  const startedAfter = new WeakMap();
  // Recorded cancellations, with the navigation count when their request started.
  const aborted = [];
  // The URLs loaded since the latest navigation.
  let loaded = new Set();
  // The URLs whose cancellation was the browser's, and the page errors waiting for theirs.
  const cancelled = new Set();
  const importErrors = [];
  const takeBack = (text) => {
    const at = problems.indexOf(text);
    if (at >= 0) problems.splice(at, 1);
  };
  const dismiss = (url) => {
    cancelled.add(url);
    for (const entry of importErrors.filter((e) => e.url === url)) {
      importErrors.splice(importErrors.indexOf(entry), 1);
      takeBack(entry.text);
    }
  };
  page.on('pageerror', (err) => {
    const text = `page error: ${err.message}`;
    const url = IMPORT_FAILED.exec(err.message)?.[1];
    if (url && cancelled.has(url)) return;
    problems.push(text);
    if (url) importErrors.push({ text, url });
  });
  page.on('request', (req) => {
    if (req.isNavigationRequest() && req.frame() === page.mainFrame()) {
      navigations += 1;
      loaded = new Set();
      for (const entry of aborted.splice(0)) {
        if (entry.started < navigations) {
          takeBack(entry.text);
          dismiss(entry.url);
        }
      }
    }
    startedAfter.set(req, navigations);
  });
  page.on('requestfinished', (req) => {
    loaded.add(req.url());
    // A cancellation reported for a resource the document then loaded after all (a worker's
    // request of the old document, whose events can come after the navigation's).
    for (const entry of aborted.filter((e) => e.url === req.url())) {
      aborted.splice(aborted.indexOf(entry), 1);
      takeBack(entry.text);
      dismiss(entry.url);
    }
  });
  page.on('requestfailed', (req) => {
    const error = req.failure()?.errorText ?? '';
    const started = startedAfter.get(req) ?? navigations;
    if (error === 'net::ERR_ABORTED' && (started < navigations || loaded.has(req.url()))) {
      dismiss(req.url());
      return;
    }
    const text = `request failed: ${req.url()} ${error}`;
    problems.push(text);
    if (error === 'net::ERR_ABORTED') aborted.push({ text, started, url: req.url() });
  });
}

/**
 * Opens a page that records console errors and warnings, page errors and failed or off-origin
 * requests, so a test can assert the page loaded cleanly and sent nothing anywhere else.
 * `beforeLoad(page)`, when given, runs on the blank page before it loads `url` (to follow what
 * the page starts as it loads, such as its workers).
 */
export async function openPage(context, url, { beforeLoad } = {}) {
  const page = await context.newPage();
  if (beforeLoad) await beforeLoad(page);
  const problems = [];
  const origin = new URL(url).origin;
  watchConsole(page, problems);
  watchErrors(page, problems);
  page.on('request', (req) => {
    const u = req.url();
    if (!u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:')) {
      problems.push(`off-origin request: ${u}`);
    }
  });
  await page.goto(url, { waitUntil: 'load' });
  return { page, problems };
}

/** Opens one of the app's views by its tab (`workspace`, `simulate`, `findings`, `export`, `share`, `examples`). */
export async function showView(page, id) {
  const tab = page.locator(`.tabs [data-view="${id}"]`);
  await tab.waitFor({ state: 'visible', timeout: 15000 });
  await tab.click();
  await page.locator(`main[data-view="${id}"]`).waitFor({ state: 'visible', timeout: 15000 });
}

/**
 * Registers the hooks a test file shares: the static server before its tests (and, unless
 * `browser` is false, one Chromium profile for all of them), closed after them. Returns getters,
 * since both exist only once the `before` hook has run: `app.server.url`, `app.browser.context`.
 */
export function useApp({ browser = true } = {}) {
  let server;
  let shared;
  before(async () => {
    server = await startServer();
    if (browser) shared = await launchBrowser();
  });
  after(async () => {
    await shared?.close();
    await server?.close();
  });
  return {
    get server() {
      return server;
    },
    get browser() {
      return shared;
    },
  };
}

/**
 * Runs `fn` with a browser of its own (a fresh profile: empty storage, no permissions granted),
 * and closes that browser afterwards even when `fn` fails.
 */
export async function withFreshBrowser(fn, options = {}) {
  const browser = await launchBrowser(options);
  try {
    return await fn(browser);
  } finally {
    await browser.close();
  }
}

/** The directory E2E_SCREENSHOTS names, created; undefined when screenshots are not wanted. */
export function screenshotDir() {
  const dir = process.env.E2E_SCREENSHOTS;
  if (dir) mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * Saves full-page screenshots `<name>-laptop.png` (1366x768) and `<name>-phone.png` (390x844)
 * when E2E_SCREENSHOTS is set, and leaves the page at the laptop size.
 */
export async function shootLaptopAndPhone(page, name) {
  const dir = screenshotDir();
  if (!dir) return;
  await page.screenshot({ path: `${dir}/${name}-laptop.png`, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: `${dir}/${name}-phone.png`, fullPage: true });
  await page.setViewportSize({ width: 1366, height: 768 });
}

/** Opens the gallery example `id` as the current scenario, from the Examples tab. */
export async function openExample(page, id) {
  await showView(page, 'examples');
  await page.locator(`.example-link[data-example="${id}"]`).click();
  await page.locator(`article[data-example="${id}"] [data-action="open-example"]`).click();
}

/**
 * Waits (up to `timeout` ms) until the focused element matches `selector` and says whether it did.
 * The app moves focus in an effect after the next render, so a check made at once can run a
 * frame too early on a busy machine.
 */
export async function focusIsOn(page, selector, timeout = 5000) {
  try {
    await page.waitForFunction((s) => document.activeElement?.matches(s) ?? false, selector, { timeout });
    return true;
  } catch {
    return false;
  }
}

/** Records every main-thread task over 50 ms (the long-task observer) from now on. */
export async function observeLongTasks(page) {
  await page.evaluate(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask' });
    // The long animation frames, with the scripts each ran (printed with E2E_LOAF set).
    window.__loafs = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        window.__loafs.push({
          start: e.startTime,
          duration: e.duration,
          // From the start of the frame's rendering (its animation-frame callbacks, style,
          // layout, paint) to its end.
          render: e.renderStart ? e.startTime + e.duration - e.renderStart : 0,
          scripts: e.scripts.map((x) => ({ invoker: x.invoker, duration: x.duration, forcedLayout: x.forcedStyleAndLayoutDuration })),
        });
      }
    }).observe({ type: 'long-animation-frame' });
  });
}

/** The page's clock (`performance.now()`, ms), the time base of the observed long tasks. */
export async function pageNow(page) {
  return page.evaluate(() => performance.now());
}

/** The longest main-thread task that started in [since, until) (page time, ms), 0 if none. */
export async function longestBetween(page, since, until) {
  return page.evaluate(([a, b]) => Math.max(0, ...window.__longTasks.filter((e) => e.start >= a && e.start < b).map((e) => e.duration)), [since, until]);
}

/**
 * Prints the long animation frames (over 50 ms) that started in [since, until): their length,
 * their rendering's, and each script they ran with what invoked it (a timer, a worker's
 * message, an animation-frame callback) and the layout it forced. The browser's own account of
 * a long task, at no cost to the run (unlike a trace or a profile).
 */
async function printLongFrames(page, since, until) {
  const frames = await page.evaluate(([a, b]) => window.__loafs.filter((e) => e.start >= a && e.start < b), [since, until]);
  for (const f of frames) {
    const scripts = f.scripts.map((x) => `${x.invoker} ${x.duration.toFixed(0)} ms (forced layout ${x.forcedLayout.toFixed(0)})`).join(' · ');
    console.log(`long frame at ${f.start.toFixed(0)} ms: ${f.duration.toFixed(0)} ms, rendering ${f.render.toFixed(0)} ms; ${scripts || 'no script'}`);
  }
}

/**
 * Runs one step of a timed journey (after observeLongTasks): `fn`, then `settle` ms for its
 * tasks to end. Returns what `fn` returned, its wall time and the longest main-thread task
 * that started meanwhile. With E2E_PROFILE set, the step's main thread is profiled too
 * (profile.mjs); with E2E_LOAF set, its long animation frames are printed.
 */
export async function timedStep(page, fn, settle) {
  const stopProfile = PROFILE_DIR ? await startProfile(page) : null;
  const stopTrace = TRACE_DIR ? await startTrace(page) : null;
  const since = await pageNow(page);
  const started = Date.now();
  const result = await fn();
  const wall = Date.now() - started;
  await page.waitForTimeout(settle);
  const until = await pageNow(page);
  const longest = await longestBetween(page, since, until);
  if (process.env.E2E_LOAF) await printLongFrames(page, since, until);
  if (stopProfile) await stopProfile();
  if (stopTrace) await stopTrace();
  return { result, wall, longest };
}

/** The longest main-thread task that started after `since` (page time, ms), 0 when none was long. */
export async function longestTaskSince(page, since) {
  return page.evaluate((t) => Math.max(0, ...window.__longTasks.filter((e) => e.start >= t).map((e) => e.duration)), since);
}
