// A real account's size, end to end: a generated 5,000-role, 1,000-user authorization-details
// file of about 40 MB, dropped onto the page, imports as a new scenario with the left-out items
// counted by kind and folded; the scenario is saved in IndexedDB (too large for localStorage),
// the page says how big it is and where it lives, and a reload finds it there. The Share view
// says it is too large for a link and offers it as a file. Prints the import's time, the
// longest main-thread task meanwhile and the sizes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, openPage, screenshotDir, showView, observeLongTasks, longestTaskSince } from './lib/harness.mjs';
import { authorizationDetails, REAL_ACCOUNT } from './lib/accounts.mjs';

const app = useApp();

/**
 * Screenshots of the viewport (not the full page: a 6,000-card workspace is too tall to shoot)
 * at 1366 and 390 px wide, when E2E_SCREENSHOTS is set.
 */
async function shootLaptopAndPhone(page, name) {
  const dir = screenshotDir();
  if (!dir) return;
  await page.screenshot({ path: `${dir}/${name}-laptop.png`, timeout: 120000 });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: `${dir}/${name}-phone.png`, timeout: 120000 });
  await page.setViewportSize({ width: 1366, height: 768 });
}

/** Drops a file of `bytes` fetched from `url` onto the page, as a user dragging it from their files would. */
async function dropFile(page, url, name) {
  await page.evaluate(async ({ url, name }) => {
    const blob = await (await fetch(url)).blob();
    const file = new File([blob], name, { type: 'application/json' });
    const transfer = new DataTransfer();
    transfer.items.add(file);
    const target = document.querySelector('main') ?? document.body;
    const fire = (type) => target.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: transfer }));
    fire('dragenter');
    fire('dragover');
    window.__overlaySeen = document.querySelector('.drop-overlay') !== null;
    await new Promise((r) => requestAnimationFrame(() => r()));
    window.__overlaySeen = window.__overlaySeen || document.querySelector('.drop-overlay') !== null;
    window.__dropAt = performance.now();
    fire('drop');
  }, { url, name });
}

test('a 40 MB account dropped onto the page imports, is summarized, and survives a reload from IndexedDB', async () => {
  const text = authorizationDetails(1000, 5000, 16, REAL_ACCOUNT);
  const { page, problems } = await openPage(app.browser.context, app.server.url);
  const fileUrl = `${app.server.url}generated/real-account.json`;
  await page.route(fileUrl, (route) => route.fulfill({ status: 200, contentType: 'application/json', body: text }));
  await page.locator('.scenario-name').first().waitFor({ state: 'visible', timeout: 15000 });
  await observeLongTasks(page);

  await dropFile(page, fileUrl, 'real-account.json');
  assert.ok(await page.evaluate(() => window.__overlaySeen), 'the drop overlay shows while a file is dragged over the page');
  const notice = page.locator('[data-notice="warning"]');
  await notice.waitFor({ state: 'visible', timeout: 120000 });
  const importMs = await page.evaluate(() => performance.now() - window.__dropAt);
  const dropAt = await page.evaluate(() => window.__dropAt);
  // The page is quiet again: what autosave and the first render cost is counted too.
  await page.locator('.save-state[data-place="indexeddb"]').waitFor({ state: 'attached', timeout: 120000 });
  const savedMs = await page.evaluate(() => performance.now() - window.__dropAt);
  const longest = await longestTaskSince(page, dropAt);
  const tasks = await page.evaluate((t) => window.__longTasks.filter((e) => e.start >= t).map((e) => `${Math.round(e.start - t)}+${Math.round(e.duration)}`), dropAt);
  console.log(`long tasks after the drop (start+duration, ms): ${tasks.join(' ')}`);
  const summary = await notice.innerText();
  assert.match(summary, /Imported the account authorization details/);
  assert.match(summary, /Left out [\d,]+ items: older policy versions \([\d,]+\)/);
  // Counts by kind, each kind folded: no left-out item is in the page until asked for.
  const toggles = page.locator('.notice-group-toggle');
  assert.ok((await toggles.count()) >= 1);
  assert.equal(await toggles.first().getAttribute('aria-expanded'), 'false');
  assert.equal(await page.locator('.notice-group-items li').count(), 0);
  const place = await page.locator('.save-state').first().innerText();
  assert.match(place, /^[\d.]+ MB · saved in this browser's IndexedDB$/);
  const local = await page.evaluate(() => {
    let chars = 0;
    for (let i = 0; i < localStorage.length; i += 1) {
      const k = localStorage.key(i);
      chars += k.length + localStorage.getItem(k).length;
    }
    return chars;
  });
  console.log(`import of the ${(text.length / 1e6).toFixed(1)} MB file (5,000 roles, 1,000 users, 2,000 policies × 5 versions): ` +
    `${Math.round(importMs)} ms to the report, ${Math.round(savedMs)} ms to saved in IndexedDB (${place}); ` +
    `longest main-thread task ${Math.round(longest)} ms; localStorage holds ${local} characters`);
  await shootLaptopAndPhone(page, 'import-summary');

  // Opening a kind renders its items; keyboard users reach it as a button.
  await toggles.first().focus();
  await page.keyboard.press('Enter');
  assert.equal(await toggles.first().getAttribute('aria-expanded'), 'true');
  assert.ok((await page.locator('.notice-group-items li').count()) > 100);
  await shootLaptopAndPhone(page, 'import-summary-open');

  // Too large for a link: the Share view says so and offers the file.
  await showView(page, 'share');
  const tooLarge = page.locator('.share-too-large');
  await tooLarge.waitFor({ state: 'visible', timeout: 60000 });
  assert.match(await tooLarge.innerText(), /too large to share as a link/);
  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: 60000 }),
    page.locator('.share-download').click(),
  ]);
  assert.match(download.suggestedFilename(), /\.json$/);
  await shootLaptopAndPhone(page, 'share-too-large');

  // A reload finds the scenario in IndexedDB.
  const reloadAt = Date.now();
  await page.reload({ waitUntil: 'load' });
  await page.locator('.save-state[data-place="indexeddb"]').waitFor({ state: 'attached', timeout: 120000 });
  console.log(`reload to the restored scenario: ${Date.now() - reloadAt} ms`);
  assert.match(await page.locator('.scenario-name').first().innerText(), /Imported Account authorization details/);
  assert.equal(await page.locator('[data-notice="error"]').count(), 0);
  assert.deepEqual(problems, []);
  await page.close();
});
