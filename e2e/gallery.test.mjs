// The examples gallery as a reader meets it: every example's saved tests run in the browser and
// pass, and the root-only tasks say that the root user can close the account and an IAM user with
// AdministratorAccess cannot.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, openPage, showView, screenshotDir, focusIsOn } from './lib/harness.mjs';

const app = useApp();

test('every example runs its saved tests in the browser, and all pass', async () => {
  const { page, problems } = await openPage(app.browser.context, app.server.url);
  await showView(page, 'examples');
  const links = page.locator('.gallery-list .example-link');
  await links.first().waitFor({ state: 'visible', timeout: 15000 });
  const count = await links.count();
  assert.ok(count >= 8, `at least 8 examples, found ${count}`);
  for (let i = 0; i < count; i++) {
    const id = await links.nth(i).getAttribute('data-example');
    await links.nth(i).click();
    assert.equal(await links.nth(i).getAttribute('aria-current'), 'true');
    const summary = page.locator(`article[data-example="${id}"] .tests-summary`);
    // The first example waits for the AWS-managed policies to arrive.
    await summary.waitFor({ state: 'visible', timeout: 15000 });
    const passed = await summary.getAttribute('data-passed');
    const total = await summary.getAttribute('data-total');
    assert.ok(Number(total) > 0, `${id} has saved tests`);
    assert.equal(passed, total, `${id}: ${await summary.innerText()}`);
  }
  assert.deepEqual(problems, []);
  await page.close();
});

test('only the root user can close the account, even next to an administrator', async () => {
  const { page } = await openPage(app.browser.context, app.server.url);
  await showView(page, 'examples');
  await page.locator('.example-link[data-example="root-vs-admin"]').click();
  const task = page.locator('.root-task[data-task="close-account"]');
  await task.waitFor({ state: 'visible', timeout: 15000 });
  assert.match(await task.locator('li[data-caller="root user"] .decision').innerText(), /^Allowed$/);
  const users = task.locator('li[data-caller^="user "]');
  assert.ok((await users.count()) >= 1, 'the example has IAM users');
  for (let i = 0; i < (await users.count()); i++) {
    assert.match(await users.nth(i).locator('.decision').innerText(), /^Implicit deny$/);
    assert.match(await users.nth(i).locator('.why').innerText(), /not even AdministratorAccess/);
  }
  if (screenshotDir()) {
    await page.locator('.tests-summary').waitFor({ state: 'visible', timeout: 15000 });
    await page.screenshot({ path: `${process.env.E2E_SCREENSHOTS}/gallery-laptop.png`, fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: `${process.env.E2E_SCREENSHOTS}/gallery-phone.png`, fullPage: true });
  }
  await page.close();
});

test('the examples are reachable with the keyboard alone', async () => {
  const { page } = await openPage(app.browser.context, app.server.url);
  await page.locator('.tabs [role="tab"]').first().waitFor({ state: 'visible', timeout: 15000 });
  // Tab reaches the view tabs; End moves to the last tab (Examples) and opens it.
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(() => document.activeElement?.getAttribute('role') === 'tab')) break;
  }
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('role')), 'tab', 'Tab reaches the view tabs');
  await page.keyboard.press('End');
  await page.locator('main[data-view="examples"]').waitFor({ state: 'visible', timeout: 5000 });
  assert.ok(await focusIsOn(page, '[role="tab"][data-view="examples"]'), 'the Examples tab has the focus');
  // In a release build the view's code arrives on first use ("Loading the examples …"): the
  // list is there before the reader moves on, and the focus stays on the tab meanwhile.
  await page.locator('[data-example]').first().waitFor({ state: 'visible', timeout: 15000 });
  assert.ok(await focusIsOn(page, '[role="tab"][data-view="examples"]'), 'the Examples tab keeps the focus while the view loads');
  // Tab from the Examples tab reaches the first example, Tab again the second; Enter opens it.
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  assert.ok(await focusIsOn(page, '[data-example]'), 'focus is on an example link');
  const focused = await page.evaluate(() => document.activeElement?.getAttribute('data-example'));
  assert.ok(focused, 'focus is on an example link');
  await page.keyboard.press('Enter');
  await page.locator(`article[data-example="${focused}"]`).waitFor({ state: 'visible', timeout: 5000 });
  await page.close();
});

test('asking a question updates the decision live, with the deciding statement', async () => {
  const { page, problems } = await openPage(app.browser.context, app.server.url);
  await showView(page, 'examples');
  await page.locator('.example-link[data-example="root-vs-admin"]').click();
  const answer = page.locator('article[data-example="root-vs-admin"] .explanation');
  await answer.waitFor({ state: 'visible', timeout: 15000 });

  // alice has AdministratorAccess, but the bucket policy's explicit Deny wins.
  await page.selectOption('select[name="principal"]', 'user/alice');
  await page.fill('input[name="action"]', 's3:DeleteBucket');
  await page.fill('input[name="resource"]', 'arn:aws:s3:::example-corp-audit-logs');
  await page.waitForFunction(() => document.querySelector('.explanation')?.dataset.decision === 'explicitDeny');
  assert.match(await answer.locator('.matched').innerText(), /NobodyDeletesTheAuditLogs/);

  // bob has no policy: an implicit deny, and the chain says which step did not allow.
  await page.selectOption('select[name="principal"]', 'user/bob');
  await page.fill('input[name="action"]', 'iam:CreateUser');
  await page.fill('input[name="resource"]', '*');
  await page.waitForFunction(() => document.querySelector('.explanation')?.dataset.decision === 'implicitDeny');
  assert.match(await answer.locator('.steps').innerText(), /Identity-based policies\s+does not allow/);

  // A half-typed action gets a hint instead of an answer, and nothing breaks.
  await page.fill('input[name="action"]', 'iam');
  await page.locator('.answer .status').waitFor({ state: 'visible', timeout: 5000 });
  assert.match(await page.locator('.answer .status').innerText(), /service:Action/);
  assert.deepEqual(problems, []);
  if (process.env.E2E_SCREENSHOTS) {
    await page.fill('input[name="action"]', 'iam:CreateUser');
    await page.locator('.explanation').screenshot({ path: `${process.env.E2E_SCREENSHOTS}/ask-answer.png` });
  }
  await page.close();
});

test('Ask a question offers the principal it answers about, and names policies in plain words', async () => {
  const { page, problems } = await openPage(app.browser.context, app.server.url);
  await showView(page, 'examples');
  await page.locator('.example-link[data-example="cross-account-role"]').click();
  const article = page.locator('article[data-example="cross-account-role"]');
  await article.locator('.explanation').waitFor({ state: 'visible', timeout: 15000 });
  // The panel opens on the first saved test: the partner's auditor, with the external id.
  const who = article.locator('select[name="principal"]');
  const shown = await who.evaluate((s) => s.options[s.selectedIndex]?.value);
  assert.equal(shown, 'arn:aws:iam::444455556666:user/partner-auditor');
  assert.equal(await article.locator('.explanation').getAttribute('data-decision'), 'allowed');

  // The headline names the deciding policy as the list of deciding statements does.
  await page.locator('.example-link[data-example="root-vs-admin"]').click();
  const admin = page.locator('article[data-example="root-vs-admin"]');
  await admin.locator('.explanation').waitFor({ state: 'visible', timeout: 15000 });
  await admin.locator('select[name="principal"]').selectOption('user/alice');
  await admin.locator('input[name="action"]').fill('iam:CreateUser');
  await admin.locator('input[name="resource"]').fill('*');
  await page.waitForFunction(() => document.querySelector('.explanation')?.dataset.decision === 'allowed');
  const headline = await admin.locator('.verdict-line').innerText();
  assert.match(headline, /AWS-managed policy AdministratorAccess/);
  assert.doesNotMatch(headline, /aws-managed\/|:inline\/|scp\/\d/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('at 1366 px no example\'s saved-tests table scrolls sideways', async () => {
  const { page } = await openPage(app.browser.context, app.server.url);
  await page.setViewportSize({ width: 1366, height: 768 });
  await showView(page, 'examples');
  const links = page.locator('.gallery-list .example-link');
  await links.first().waitFor({ state: 'visible', timeout: 15000 });
  for (let i = 0; i < (await links.count()); i++) {
    const id = await links.nth(i).getAttribute('data-example');
    await links.nth(i).click();
    const scroller = page.locator(`article[data-example="${id}"] .table-scroll`);
    await scroller.waitFor({ state: 'visible', timeout: 15000 });
    const { scroll, client } = await scroller.evaluate((e) => ({ scroll: e.scrollWidth, client: e.clientWidth }));
    assert.ok(scroll <= client, `${id}: the table is ${scroll} px wide in ${client} px`);
  }
  await page.close();
});
