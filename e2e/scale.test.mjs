// A real account's size in the workspace (#16, #14): import a generated authorization-details
// file of the issue's shape, find a role by name, group the lanes, scroll the workspace, switch
// views, open the access matrix for a service and type in a policy. A long-task observer
// (PerformanceObserver 'longtask') records every main-thread task over 50 ms; the journey
// PRINTS the longest task of each step and the page's DOM node count. It asserts behaviour only
// (the search finds the role, the lanes mount a window of cards, the matrix shows), never time.
//
// By default the account is the issue's S shape (50 users, 20 groups, 200 roles, 100 policies).
// With E2E_BENCH=1 (scripts/bench-browser.sh) it is the L shape (1,000 users, 300 groups, 5,000
// roles, 2,000 policies) scaled down to the largest that fits the import's size cap
// (E2E_IMPORT_CAP bytes, the import limit of 64 MiB by default), minified.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, openPage, showView, observeLongTasks, screenshotDir, pageNow, timedStep } from './lib/harness.mjs';
import { SHAPES, realisticAuthorizationDetails, largestAccountThatFits } from './lib/accounts.mjs';

const app = useApp();
const BENCH = Boolean(process.env.E2E_BENCH);
const CAP = Number(process.env.E2E_IMPORT_CAP ?? 64 * 1024 * 1024);

/**
 * Saves what the viewport shows (the page itself is as tall as all the cards) at 1366 and at
 * 390 px wide when E2E_SCREENSHOTS is set, and leaves the page at the laptop size.
 */
async function shootViewport(page, name) {
  const dir = screenshotDir();
  if (!dir) return;
  await page.screenshot({ path: `${dir}/${name}-laptop.png` });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(300);
  await page.screenshot({ path: `${dir}/${name}-phone.png` });
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.waitForTimeout(300);
}

const now = pageNow;
const domNodes = (page) => page.evaluate(() => document.getElementsByTagName('*').length);

test('a large account: search, group, scroll, switch views, the matrix and typing, with every long task printed', { timeout: 600000 }, async () => {
  const { page, problems } = await openPage(app.browser.context, app.server.url);
  await page.setViewportSize({ width: 1366, height: 768 });
  await observeLongTasks(page);
  const rows = [];
  /** Runs one step, then waits `settle` ms for its tasks to end, and records its longest task. */
  const step = async (name, fn, settle = 400) => {
    const { result, wall, longest } = await timedStep(page, fn, settle);
    const nodes = await domNodes(page);
    rows.push({ name, longest, nodes, wall });
    console.log(`scale: ${name}: longest main-thread task ${longest.toFixed(0)} ms; ${nodes} DOM nodes; ${wall} ms`);
    return result;
  };

  const { text, counts } = BENCH
    ? largestAccountThatFits(SHAPES.L, CAP)
    : { text: realisticAuthorizationDetails(SHAPES.S), counts: SHAPES.S };
  console.log(`scale: account ${counts.users} users, ${counts.groups} groups, ${counts.roles} roles, ${counts.policies} policies; ${(text.length / 1048576).toFixed(2)} MiB`);

  await showView(page, 'export');
  // The file reaches the picker as a user's would: fetched into a File by the page, not injected
  // by Playwright's setInputFiles (whose decoding of a megabytes-long buffer is itself a long
  // task of the page, and would be counted as the import's).
  const fileUrl = `${app.server.url}generated/authorization-details.json`;
  await page.route(fileUrl, (route) => route.fulfill({ status: 200, contentType: 'application/json', body: text }));
  await page.evaluate(async (url) => {
    const blob = await (await fetch(url)).blob();
    window.__importFile = new File([blob], 'authorization-details.json', { type: 'application/json' });
  }, fileUrl);
  // The Export view's panels render as its code arrives: wait for the picker before using it.
  await page.locator('.export-file-input').waitFor({ state: 'attached', timeout: 15000 });
  const importAt = await now(page);
  await step('import', async () => {
    await page.evaluate(() => {
      const transfer = new DataTransfer();
      transfer.items.add(window.__importFile);
      const input = document.querySelector('.export-file-input');
      input.files = transfer.files;
      input.dispatchEvent(new Event('change', { bubbles: true }));
    });
    // The report, not the "Importing…" progress notice before it.
    await page.locator('[data-notice]', { hasText: 'Imported the' }).first().waitFor({ state: 'visible', timeout: 120000 });
  }, 1500);
  const importTasks = await page.evaluate((t) => window.__longTasks.filter((e) => e.start >= t).map((e) => `${Math.round(e.start - t)}+${Math.round(e.duration)}`), importAt);
  console.log(`scale: import: long tasks (start+duration ms after the file was picked): ${importTasks.join(' ') || 'none'}`);
  // The import's report (a long paragraph for a real account) is read, then dismissed.
  await page.locator('[data-notice] button[aria-label="Dismiss message"]').first().click();

  await step('export → workspace', async () => {
    await showView(page, 'workspace');
    await page.locator('.lane-roles [data-card^="role:"]').first().waitFor({ state: 'visible', timeout: 15000 });
  });
  const roleCount = counts.roles;
  const mounted = () => page.locator('.lane-roles [data-card^="role:"]').evaluateAll((cards) => cards.map((c) => c.dataset.card));
  const firstWindow = await mounted();
  assert.ok(firstWindow.length > 0 && firstWindow.length < Math.min(roleCount, 150), `a window of the ${roleCount} roles is mounted: ${firstWindow.length}`);
  assert.match(await page.locator('.lane-roles .lane-count').innerText(), new RegExp(roleCount.toLocaleString('en-US')));

  // A CI role from the middle of the list (its name is in no other role's).
  const ci = Math.floor(roleCount / 2) - (Math.floor(roleCount / 2) % 4) + 2;
  const wanted = `ci-repo-${ci}-deploy`;
  await step(`type "${wanted}" in the search`, async () => {
    await page.locator('.canvas-search').click();
    await page.locator('.canvas-search').pressSequentially(wanted, { delay: 40 });
    await page.locator(`[data-card="role:${wanted}"]`).waitFor({ state: 'visible', timeout: 10000 });
  });
  assert.equal(await page.locator('.lane-roles .lane-count').textContent(), ` 1 of ${roleCount.toLocaleString('en-US')}`);
  assert.match(await page.locator('.canvas-search-count').innerText(), /^1 of [\d,]+ cards match$/);
  await page.locator(`[data-card="role:${wanted}"]`).click({ position: { x: 8, y: 8 } });
  await page.waitForFunction((name) => document.querySelector('.inspector')?.innerText.includes(name), wanted, { timeout: 15000 });
  assert.equal(await page.locator(`[data-card="role:${wanted}"]`).getAttribute('aria-current'), 'true');
  await shootViewport(page, 'scale-search');

  await step('clear the search', async () => {
    await page.locator('.canvas-search').fill('');
    await page.waitForFunction(() => document.querySelectorAll('.lane-roles [data-card^="role:"]').length > 1);
  });

  await page.mouse.move(500, 500);
  const scrolled = await step('20 wheel steps down the workspace', async () => {
    for (let i = 0; i < 20; i++) {
      await page.mouse.wheel(0, 500);
      await page.waitForTimeout(60);
    }
    return page.evaluate(() => window.scrollY);
  });
  assert.ok(scrolled > 5000, `the page scrolled: ${scrolled}`);
  const laterWindow = await mounted();
  assert.ok(laterWindow.some((k) => !firstWindow.includes(k)), 'scrolling mounts other roles');
  assert.ok(laterWindow.length < 150, `still a window: ${laterWindow.length} role cards mounted`);
  // The selected role stays mounted far from the window.
  assert.equal(await page.locator(`[data-card="role:${wanted}"]`).count(), 1);
  await page.evaluate(() => window.scrollTo(0, 0));

  await step('group by path', async () => {
    await page.locator('.canvas-group').selectOption('path');
    await page.locator('.lane-roles .lane-group').first().waitFor({ state: 'attached', timeout: 10000 });
  });
  // The paths in order, each heading with its count: the SSO roles' path first.
  assert.match(await page.locator('.lane-roles .lane-group').first().textContent(), /^\/aws-reserved\/sso\.amazonaws\.com\/[\d,]+$/);
  await shootViewport(page, 'scale-grouped');
  await page.locator('.canvas-group').selectOption('none');

  const switches = [['workspace', 'findings'], ['findings', 'workspace'], ['workspace', 'analysis']];
  for (const [from, to] of switches) {
    await step(`${from} → ${to}`, async () => {
      await showView(page, to);
    }, 800);
  }
  // The Export view's template: CloudFormation YAML (split into nested stacks at this size),
  // then Terraform, each until its code shows.
  await step('analysis → export (CloudFormation YAML shown)', async () => {
    await showView(page, 'export');
    await page.locator('pre.export-code[data-format="yaml"]').waitFor({ state: 'visible', timeout: 120000 });
  }, 800);
  await step('export: Terraform shown', async () => {
    await page.locator('.export-targets [data-format="terraform"]').click();
    await page.locator('pre.export-code[data-format="hcl"]').waitFor({ state: 'visible', timeout: 120000 });
  }, 800);
  assert.match(await page.locator('pre.export-code[data-format="hcl"]').innerText(), /resource "aws_iam_role"/);
  await page.locator('.export-targets [data-format="yaml"]').click();
  await step('export → workspace', async () => {
    await showView(page, 'workspace');
  }, 800);

  await step('workspace → simulate', () => showView(page, 'simulate'));
  const matrix = await step('matrix for s3', async () => {
    const progress = page.locator('.sim-matrix .matrix-progress');
    await progress.waitFor({ timeout: 30000 });
    await page.locator('select[name="matrix-source"]').selectOption('s3');
    await page.locator('.sim-matrix .matrix-progress[data-state="done"]').waitFor({ timeout: 300000 });
    return progress.innerText();
  }, 400);
  console.log(`scale: matrix: "${matrix.trim()}"`);
  assert.match(matrix, /principals, computed in \d+ ms in the background/);
  assert.ok(await page.locator('.sim-matrix thead th.col-action').count() > 10, 'the matrix has the s3 actions as columns');
  assert.ok(await page.locator('.sim-matrix tbody tr').count() > 0, 'the matrix has rows');

  await step('simulate → workspace', () => showView(page, 'workspace'));
  const policy = 'app-40-access';
  await page.locator('.canvas-search').fill(`name:${policy}`);
  await page.locator(`[data-card="policy:${policy}"]`).click({ position: { x: 8, y: 8 } });
  const editor = page.locator(`textarea[aria-label="Policy document of ${policy}"]`);
  await editor.waitFor({ state: 'visible', timeout: 10000 });
  await step('type in a policy (10 keys)', async () => {
    await editor.focus();
    await page.keyboard.press('Control+End');
    await editor.pressSequentially('\n  \n  \n  \n  \n', { delay: 80 });
  }, 1000);
  assert.match(await editor.inputValue(), /\n {2}\n {2}\n/);

  const byName = (prefix) => rows.find((r) => r.name.startsWith(prefix));
  const imp = byName('import');
  const exportRows = rows.filter((r) => r.name.includes('export') && r.name !== 'export → workspace');
  console.log(`scale: import: report after ${imp.wall} ms; longest main-thread task ${imp.longest.toFixed(0)} ms`);
  console.log(`scale: export template: longest main-thread task ${Math.max(...exportRows.map((r) => r.longest)).toFixed(0)} ms (${exportRows.map((r) => `${r.name} ${r.wall} ms`).join('; ')})`);
  console.log('scale: summary (longest task ms / DOM nodes): ' + rows.map((r) => `${r.name} ${r.longest.toFixed(0)}/${r.nodes}`).join('; '));
  assert.deepEqual(problems.filter((p) => !/autosave|quota/i.test(p)), []);
  await page.close();
});
