// The done-when journey of a real account (#16): import an `aws iam get-account-authorization-
// details` file through the page's file input as a user would, search the workspace for a role,
// open the access matrix for a service, scroll it, and ask who can do one action over the whole
// account. A long-task observer (PerformanceObserver 'longtask') records every main-thread task
// over 50 ms; the journey PRINTS the longest task of each step and of the whole journey, the
// times the issue's benchmark table asks for and the tab's peak memory (the renderer process's
// peak resident size, its own pages apart from those mapped from Chromium's files, and the
// JavaScript heap). It asserts behaviour only (the file imports, the
// role is found, the matrix has the service's actions as columns and a row per principal,
// scrolling shows more rows, who-can answers), never time or memory.
//
// With E2E_BENCH=1 (scripts/bench-browser.sh) the file is the issue's L account: 1,000 users,
// 300 groups, 5,000 roles and 2,000 customer-managed policies of five versions each, as the AWS
// CLI writes it (38.6 MB). By default it is the same generator at the S shape's counts (50 users,
// 20 groups, 200 roles, 100 policies), so the test command stays quick.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, launchBrowser, openPage, showView, observeLongTasks, shootLaptopAndPhone, screenshotDir, pageNow, longestBetween, timedStep } from './lib/harness.mjs';
import { SHAPES, REAL_ACCOUNT, authorizationDetails } from './lib/accounts.mjs';
import { followMemory, describe as describeMemory, mib } from './lib/memory.mjs';

const BENCH = Boolean(process.env.E2E_BENCH);
const shape = BENCH ? SHAPES.L : SHAPES.S;

const now = pageNow;
const thousands = (n) => n.toLocaleString('en-US');

test('a real account: import the file, find a role, the access matrix for a service, scroll it, who-can; every long task and the peak memory printed', { timeout: 900000 }, async () => {
  const server = await startServer();
  // A browser of its own, so the renderer's peak memory is this journey's.
  const browser = await launchBrowser();
  const cleanups = [];
  try {
    let memory;
    const { page, problems } = await openPage(browser.context, server.url, {
      beforeLoad: async (blank) => { memory = await followMemory(browser.context, blank); },
    });
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.locator('footer .data-status[data-state="ready"]').waitFor({ timeout: 30000 });
    await observeLongTasks(page);
    const journeyStart = await now(page);
    const rows = [];
    /** Runs one step, waits `settle` ms for its tasks to end, and prints its longest task. */
    const step = async (name, fn, settle = 500) => {
      const { result, wall, longest } = await timedStep(page, fn, settle);
      const breakdown = await memory.sample();
      rows.push({ name, longest, wall });
      console.log(`journey: ${name}: longest main-thread task ${longest.toFixed(0)} ms; ${wall} ms`);
      console.log(`journey: ${name}: memory: ${describeMemory(breakdown)}`);
      return result;
    };

    const text = authorizationDetails(shape.users, shape.roles, 16, { ...REAL_ACCOUNT, policies: shape.policies, groups: shape.groups });
    const folder = mkdtempSync(path.join(tmpdir(), 'iam-playground-account-'));
    cleanups.push(() => rmSync(folder, { recursive: true, force: true }));
    const file = path.join(folder, 'authorization-details.json');
    writeFileSync(file, text);
    console.log(`journey: account ${thousands(shape.users)} users, ${thousands(shape.groups)} groups, ${thousands(shape.roles)} roles, ${thousands(shape.policies)} policies; ${(text.length / 1e6).toFixed(1)} MB pretty-printed`);

    // 1. The import, through the Export view's file input, to the import's report.
    await showView(page, 'export');
    const importMs = await step('import the file', async () => {
      const started = await now(page);
      // A file on disk, as a user picks one: the browser reads it itself (a buffer would be
      // copied into the page's JavaScript heap first, and counted in its peak).
      await page.locator('.export-file-input').setInputFiles(file);
      // "Importing … (39 MB)…" while it reads, then the report.
      await page.locator('[data-notice]', { hasText: /^Imported / }).waitFor({ state: 'visible', timeout: 300000 });
      return (await now(page)) - started;
    });
    await page.locator('[data-notice] button[aria-label="Dismiss message"]').first().click();

    // 2. The first paint of the imported account: the workspace with its first role cards.
    const firstPaintMs = await step('export → workspace (first paint)', async () => {
      const started = await now(page);
      await showView(page, 'workspace');
      await page.locator('.lane-roles [data-card^="role:"]').first().waitFor({ state: 'visible', timeout: 30000 });
      return (await now(page)) - started;
    });
    assert.match(await page.locator('.lane-roles .lane-count').innerText(), new RegExp(thousands(shape.roles)));
    // The viewport only: the whole page is the height of 5,000 role cards.
    const shots = screenshotDir();
    if (shots) {
      await page.screenshot({ path: `${shots}/real-account-workspace-laptop.png` });
      await page.setViewportSize({ width: 390, height: 844 });
      await page.locator('.lane-roles [data-card^="role:"]').first().waitFor({ state: 'visible', timeout: 30000 });
      await page.screenshot({ path: `${shots}/real-account-workspace-phone.png` });
      await page.setViewportSize({ width: 1366, height: 768 });
    }

    // 3. Search the workspace for a role from the middle of the list (no other role's name
    // contains its name).
    const wanted = `role-${Math.floor(shape.roles / 2) + 3}`;
    await step(`search the workspace for "${wanted}"`, async () => {
      await page.locator('.canvas-search').fill(wanted);
      await page.locator(`[data-card="role:${wanted}"]`).waitFor({ state: 'visible', timeout: 15000 });
    });
    assert.equal(await page.locator('.lane-roles .lane-count').textContent(), ` 1 of ${thousands(shape.roles)}`);
    await page.locator('.canvas-search').fill('');

    // 4. The Simulator and its access matrix for one service.
    await step('workspace → simulator', () => showView(page, 'simulate'));
    // IAM's own actions: 190 of them, the issue's matrix of every principal × about 200 actions.
    const service = 'iam';
    const matrixStatus = await step(`access matrix for ${service}`, async () => {
      await page.locator('.sim-matrix .matrix-progress').waitFor({ timeout: 60000 });
      await page.locator('select[name="matrix-source"]').selectOption(service);
      // The columns follow at once; the rows come from the worker, a band at a time.
      await page.waitForFunction((prefix) => {
        const heads = [...document.querySelectorAll('.sim-matrix thead th.col-action:not(.col-task)')];
        return heads.length > 0 && heads.every((th) => th.textContent.startsWith(prefix));
      }, `${service}:`, { timeout: 30000 });
      const done = page.locator('.sim-matrix .matrix-progress[data-state="done"]');
      await done.waitFor({ timeout: 600000 });
      return done.innerText();
    });
    // The legend counts the columns (only those near the view are rendered).
    const columns = Number((await page.locator('.sim-matrix .matrix-legend').innerText()).match(/(\d+) actions\./)?.[1] ?? 0);
    assert.ok(columns > 100, `the matrix has ${service}'s actions as columns: ${columns}`);
    const firstColumn = () => page.locator('.sim-matrix thead th.col-action').first().innerText();
    // A row per principal: the users, the roles and the root user.
    assert.match(matrixStatus, new RegExp(`^${thousands(shape.users + shape.roles + 1)} principals, computed in \\d+ ms`));
    const principals = shape.users + shape.roles + 1;
    const matrixMs = Number(matrixStatus.match(/computed in (\d+) ms/)[1]);
    // The rows enter the table a few per frame: the first page of them is there a moment later.
    await page.waitForFunction(() => document.querySelectorAll('.sim-matrix tbody tr').length >= 25, null, { timeout: 10000 });
    const firstRows = await page.locator('.sim-matrix tbody tr').count();
    assert.ok(firstRows > 0, 'the matrix has rows');
    // The Simulator at a real account's size: the principal picker and the windowed matrix.
    await shootLaptopAndPhone(page, 'real-account-simulator');

    // The keyboard walks a row past the columns rendered at first: each cell it reaches is
    // scrolled into view, and the columns follow.
    const rendered = await page.locator('.sim-matrix tbody tr[data-principal="root"] td button').evaluateAll((buttons) => buttons.map((b) => b.getAttribute('aria-label')));
    await step('Tab along a row of the matrix', async () => {
      await page.locator('.sim-matrix tbody tr[data-principal="root"] td button').first().focus();
      for (let i = 0; i < 80; i++) await page.keyboard.press('Tab');
    });
    const focused = await page.evaluate(() => {
      const el = document.activeElement;
      return { row: el?.closest('tr')?.dataset.principal, label: el?.getAttribute('aria-label') ?? '' };
    });
    assert.equal(focused.row, 'root', 'Tab stays in the row');
    assert.match(focused.label, new RegExp(`^Root user, ${service}:`), 'on an action column');
    assert.ok(!rendered.includes(focused.label), `on a column that was not rendered at first: ${focused.label}`);
    // Leaving the matrix, and scrolling it, brings back the window of columns near the view.
    await page.evaluate(() => document.activeElement.blur());
    await page.locator('.sim-matrix .matrix-scroll').evaluate((el) => { el.scrollLeft = 0; });
    await page.waitForFunction((n) => document.querySelectorAll('.sim-matrix thead th.col-action').length < n, columns, { timeout: 10000 });

    // 5. Scroll: the matrix sideways, the page down, and more principals' rows.
    const leftmost = await firstColumn();
    await step('scroll the matrix and show more rows', async () => {
      const region = page.locator('.sim-matrix .matrix-scroll');
      await region.scrollIntoViewIfNeeded();
      const box = await region.boundingBox();
      await page.mouse.move(box.x + box.width / 2, box.y + Math.min(box.height / 2, 200));
      for (let i = 0; i < 10; i++) {
        await page.mouse.wheel(300, 0);
        await page.waitForTimeout(50);
      }
      for (let i = 0; i < 10; i++) {
        await page.mouse.wheel(0, 400);
        await page.waitForTimeout(50);
      }
      await page.locator('.matrix-show-more').click();
      await page.waitForFunction((n) => document.querySelectorAll('.sim-matrix tbody tr').length > n, firstRows, { timeout: 15000 });
    });
    assert.ok(await page.locator('.sim-matrix .matrix-scroll').evaluate((el) => el.scrollLeft) > 0, 'the matrix scrolled sideways');
    assert.notEqual(await firstColumn(), leftmost, 'scrolling sideways renders the columns scrolled to');
    assert.ok(await page.locator('.sim-matrix tbody tr').count() > firstRows, 'more rows are shown');

    // 6. Who can do one action, over the whole account.
    await step('simulator → analysis', () => showView(page, 'analysis'));
    const whoCan = await step('who can s3:GetObject', async () => {
      await page.locator('input[name="who-can-actions"]').fill('s3:GetObject');
      await page.locator('input[name="who-can-resource"]').fill('*');
      await page.locator('[data-action="who-can"]').click();
      const done = page.locator('.who-can-results .analysis-status[data-state="done"]');
      await done.waitFor({ timeout: 600000 });
      return done.innerText();
    });
    assert.match(whoCan, /answered in \d+ ms/);
    assert.ok(await page.locator('.who-can-entry').count() > 0, 'who-can lists principals');
    const whoCanMs = Number(whoCan.match(/answered in (\d+) ms/)[1]);

    // 7. The paths to admin, which the analysis view searches for in the worker from every
    // principal (in steps, saying how far it got), while the page stays responsive.
    const escalation = await step('paths to admin from every principal', async () => {
      const done = page.locator('.analysis-escalation .analysis-status[data-state="done"]');
      await done.waitFor({ timeout: 600000 });
      return done.innerText();
    });
    assert.match(escalation, /(No path to admin|paths? to admin[^:]*): found in \d+ ms in the background/);
    assert.doesNotMatch(escalation, /stopped at its budget/, 'the search covers every principal');

    const overall = await longestBetween(page, journeyStart, await now(page));
    const { renderer, heapUsed, heapTotal, pageWasm, workers, fullest } = await memory.report();
    console.log(`journey: import of the file: ${importMs.toFixed(0)} ms`);
    console.log(`journey: first paint after import: ${firstPaintMs.toFixed(0)} ms`);
    console.log(`journey: matrix, ${thousands(principals)} principals × ${columns} ${service} actions: ${matrixMs} ms in the worker`);
    console.log(`journey: who-can, one action over the whole account: ${whoCanMs} ms in the worker ("${whoCan.trim()}")`);
    console.log(`journey: paths to admin, searched from every principal in the worker: "${escalation.trim()}"`);
    console.log(`journey: longest main-thread task of the journey: ${overall.toFixed(0)} ms`);
    console.log(`journey: peak memory: renderer ${renderer ? `${mib(renderer.peak)} (resident now ${mib(renderer.now)})` : 'not measured (no /proc)'}; JavaScript heap ${mib(heapUsed)} used of ${mib(heapTotal)}`);
    // What Chrome's task manager counts as a tab's memory leaves out the pages mapped from
    // Chromium's own files, which every process shares.
    if (renderer) console.log(`journey: peak memory of the tab's own pages: ${mib(renderer.highestOwn)} (the largest sample; the renderer's peak less its ${mib(renderer.file)} of pages mapped from Chromium's files: ${mib(renderer.peak - renderer.file)})`);
    const sizes = (list) => (list.length ? list.map(mib).join(' + ') : 'not seen');
    if (fullest) console.log(`journey: largest resident sample: ${mib(fullest.resident)} at ${fullest.at.toFixed(1)} s, with ${fullest.live}`);
    console.log(`journey: peak memory by part: page wasm ${sizes(pageWasm)}; ${workers.map((w) => `${w.name} wasm ${sizes(w.wasm)}, JS heap ${mib(w.heap)}${w.alive ? '' : ' (ended)'}`).join('; ') || 'no worker'}`);
    console.log('journey: summary (longest task ms): ' + rows.map((r) => `${r.name} ${r.longest.toFixed(0)}`).join('; '));
    assert.deepEqual(problems.filter((p) => !/autosave|quota/i.test(p)), []);
  } finally {
    for (const cleanup of cleanups) cleanup();
    await browser.close();
    await server.close();
  }
});
