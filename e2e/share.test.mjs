// Local saving and share links as a user meets them: work survives a reload, several named
// scenarios are kept, a shared link opens the same scenario and decision in a fresh browser
// profile without touching anything saved there, and a damaged link says why and changes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, launchBrowser, openPage, showView, screenshotDir, openExample, withFreshBrowser } from './lib/harness.mjs';

const app = useApp({ browser: false });

const shots = screenshotDir();

/** The open scenario's name, as the toolbar's switcher shows it. */
async function scenarioName(page) {
  const name = page.locator('.scenario-switcher .scenario-name');
  await name.waitFor({ state: 'visible', timeout: 15000 });
  return name.innerText();
}

/** Adds a user through the workspace (the empty scenario's "Add a user", or the users lane). */
async function addUser(page, name) {
  const empty = page.locator('[data-action="empty-add-user"]');
  await empty.first().waitFor({ state: 'visible', timeout: 15000 });
  await empty.first().click();
  await page.locator('.add-form .add-input').fill(name);
  await page.locator('.add-form [data-action="add-confirm"]').click();
  await page.locator('.card-name', { hasText: name }).first().waitFor({ state: 'visible', timeout: 5000 });
}

/** Opens the switcher's menu. */
async function openMenu(page) {
  const menu = page.locator('.scenario-menu');
  if (!(await menu.evaluate((el) => el.open))) await page.locator('.scenario-summary').click();
  await page.locator('.scenario-panel').waitFor({ state: 'visible', timeout: 5000 });
}

/** The scenario names saved in this browser's localStorage. */
async function savedSlots(page) {
  return page.evaluate(() =>
    Object.keys(localStorage)
      .filter((k) => k.startsWith('iam-playground:v1:slot:'))
      .map((k) => k.slice('iam-playground:v1:slot:'.length))
      .sort(),
  );
}

test('work survives a reload, and a second named scenario is kept beside the first', async () => {
  await withFreshBrowser(async (browser) => {
    const { page, problems } = await openPage(browser.context, app.server.url);
    assert.equal(await scenarioName(page), 'My scenario');
    await addUser(page, 'alice');

    await page.reload({ waitUntil: 'load' });
    assert.equal(await scenarioName(page), 'My scenario');
    await page.locator('.card-name', { hasText: 'alice' }).first().waitFor({ state: 'visible', timeout: 15000 });

    // A second scenario, renamed, with its own user.
    await openMenu(page);
    await page.locator('.scenario-new').click();
    assert.equal(await scenarioName(page), 'My scenario (2)');
    await addUser(page, 'bob');
    await openMenu(page);
    await page.locator('#scenario-name-input').fill('Second try');
    await page.locator('.rename-form button[type="submit"]').click();
    // The switcher shows the new name once the rename has gone through the store (a read
    // straight after the click raced it on a loaded machine).
    await page.locator('.scenario-switcher .scenario-name', { hasText: 'Second try' }).waitFor({ timeout: 10000 });
    assert.equal(await scenarioName(page), 'Second try');

    await page.reload({ waitUntil: 'load' });
    assert.equal(await scenarioName(page), 'Second try', 'the last open scenario opens again');
    await page.locator('.card-name', { hasText: 'bob' }).first().waitFor({ state: 'visible', timeout: 15000 });
    assert.deepEqual(await savedSlots(page), ['My scenario', 'Second try']);

    // The first one is still there, unchanged.
    await openMenu(page);
    const first = page.locator('.slot[data-slot="My scenario"]');
    assert.match(await first.innerText(), /saved/);
    if (shots) {
      await page.screenshot({ path: `${shots}/switcher-laptop.png` });
      await page.setViewportSize({ width: 390, height: 844 });
      await page.screenshot({ path: `${shots}/switcher-phone.png` });
      await page.setViewportSize({ width: 1366, height: 768 });
    }
    await first.locator('.slot-open').click();
    assert.equal(await scenarioName(page), 'My scenario');
    await page.locator('.card-name', { hasText: 'alice' }).first().waitFor({ state: 'visible', timeout: 5000 });
    assert.equal(await page.locator('.card-name', { hasText: 'bob' }).count(), 0);

    // Deleting asks first.
    await openMenu(page);
    await page.locator('.slot[data-slot="Second try"] .slot-delete').click();
    assert.deepEqual(await savedSlots(page), ['My scenario', 'Second try'], 'nothing deleted before confirming');
    await page.waitForFunction(() => document.activeElement?.classList.contains('slot-delete-confirm'), null, { timeout: 5000 });
    await page.locator('.slot[data-slot="Second try"] .slot-delete-confirm').click();
    assert.deepEqual(await savedSlots(page), ['My scenario']);
    assert.deepEqual(problems, []);
    await page.close();
  });
});

test('two tabs with the same scenario stay in step, and Undo brings back the other version', async () => {
  await withFreshBrowser(async (browser) => {
    const first = await openPage(browser.context, app.server.url);
    await addUser(first.page, 'alice');
    // A second tab of the same browser opens the same (last) scenario.
    const second = await openPage(browser.context, app.server.url);
    assert.equal(await scenarioName(second.page), 'My scenario');
    await second.page.locator('.card-name', { hasText: 'alice' }).first().waitFor({ state: 'visible', timeout: 15000 });

    // An edit in the second tab shows in the first, with a notice, as an undoable step.
    await second.page.locator('[data-action="add-user"]').click();
    await second.page.locator('[data-lane="users"] .add-input').fill('bob');
    await second.page.keyboard.press('Enter');
    await second.page.locator('.card-name', { hasText: 'bob' }).first().waitFor({ state: 'visible', timeout: 5000 });
    await first.page.locator('.card-name', { hasText: 'bob' }).first().waitFor({ state: 'visible', timeout: 5000 });
    assert.match(await first.page.locator('[data-notice="info"]').innerText(), /changed in another tab/);

    // Undo in the first tab brings its version back, and the second tab follows that in turn.
    await first.page.locator('[data-action="undo"]').click();
    await first.page.locator('.card-name', { hasText: 'bob' }).waitFor({ state: 'detached', timeout: 5000 });
    await second.page.locator('.card-name', { hasText: 'bob' }).waitFor({ state: 'detached', timeout: 5000 });
    assert.match(await second.page.locator('[data-notice="info"]').innerText(), /changed in another tab/);

    // Both reload to the same saved scenario.
    await second.page.reload({ waitUntil: 'load' });
    await second.page.locator('.card-name', { hasText: 'alice' }).first().waitFor({ state: 'visible', timeout: 15000 });
    assert.equal(await second.page.locator('.card-name', { hasText: 'bob' }).count(), 0);
    assert.deepEqual(first.problems, []);
    assert.deepEqual(second.problems, []);
  });
});

test('a shared link opens the same scenario and decision in a fresh profile, without touching local work', async () => {
  const sender = await launchBrowser();
  const receiver = await launchBrowser();
  try {
    // The sender opens an example, asks a question and copies the link.
    const { page, problems } = await openPage(sender.context, app.server.url);
    await openExample(page, 'root-vs-admin');
    const title = await scenarioName(page);
    await showView(page, 'simulate');
    await page.selectOption('.sim-form select[name="principal"]', 'user/alice');
    await page.fill('.sim-form input[name="action"]', 's3:DeleteBucket');
    await page.fill('.sim-form input[name="resource"]', 'arn:aws:s3:::example-corp-audit-logs');
    await page.waitForFunction(() => document.querySelector('.sim-result .explanation')?.dataset.decision === 'explicitDeny', null, { timeout: 15000 });
    await showView(page, 'share');
    const linkField = page.locator('textarea.share-link');
    await linkField.waitFor({ state: 'visible', timeout: 15000 });
    const link = await linkField.inputValue();
    assert.match(link, /\/playground\/#s=[A-Za-z0-9_-]+$/);
    const chars = Number(await page.locator('.share-length').getAttribute('data-chars'));
    assert.equal(chars, link.length);
    // Copy link puts exactly the link on the clipboard.
    await sender.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(app.server.url).origin });
    await page.locator('.copy-link').click();
    await page.locator('.share-status', { hasText: 'Copied' }).first().waitFor({ timeout: 5000 });
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), link);
    if (shots) {
      await page.screenshot({ path: `${shots}/share-laptop.png`, fullPage: true });
      await page.setViewportSize({ width: 390, height: 844 });
      await page.screenshot({ path: `${shots}/share-phone.png`, fullPage: true });
    }
    assert.deepEqual(problems, []);

    // The receiver has local work of their own.
    const { page: other, problems: otherProblems } = await openPage(receiver.context, app.server.url);
    await addUser(other, 'carol');
    const before = await savedSlots(other);
    await other.close();

    const { page: opened, problems: openedProblems } = await openPage(receiver.context, link);
    assert.equal(await scenarioName(opened), title);
    await opened.locator('.save-state.unsaved').waitFor({ state: 'visible', timeout: 5000 });
    await opened.locator('main[data-view="simulate"]').waitFor({ state: 'visible', timeout: 15000 });
    assert.equal(await opened.inputValue('.sim-form input[name="action"]'), 's3:DeleteBucket');
    await opened.waitForFunction(() => document.querySelector('.sim-result .explanation')?.dataset.decision === 'explicitDeny', null, { timeout: 15000 });
    assert.match(await opened.locator('.notice').innerText(), /not saved in this browser/);
    // The fragment is gone from the address bar, and nothing was saved for the link yet.
    assert.equal(new URL(opened.url()).hash, '');
    assert.deepEqual(await savedSlots(opened), before);
    if (shots) await opened.screenshot({ path: `${shots}/opened-link.png` });

    // Keeping it saves it beside the receiver's own scenario.
    await opened.locator('.keep-scenario').click();
    await opened.locator('.save-state:not(.unsaved)').waitFor({ state: 'visible', timeout: 5000 });
    assert.deepEqual(await savedSlots(opened), [...before, title].sort());
    // The lazily loaded data assets finish first, so the reload cancels nothing in flight.
    await opened.waitForLoadState('networkidle');
    await opened.reload({ waitUntil: 'load' });
    assert.equal(await scenarioName(opened), title, 'a reload does not import the link again');
    assert.deepEqual(await savedSlots(opened), [...before, title].sort());
    assert.deepEqual(otherProblems, []);
    assert.deepEqual(openedProblems, []);
  } finally {
    await sender.close();
    await receiver.close();
  }
});

test('a corrupt, truncated or tampered link shows why and keeps local work', async () => {
  await withFreshBrowser(async (browser) => {
    const { page, problems } = await openPage(browser.context, app.server.url);
    await addUser(page, 'dana');
    const slots = await savedSlots(page);
    const stored = await page.evaluate(() => localStorage.getItem('iam-playground:v1:slot:My scenario'));

    // A good link to damage: the share view of this very scenario.
    await showView(page, 'share');
    await page.locator('textarea.share-link').waitFor({ state: 'visible', timeout: 15000 });
    const good = await page.locator('textarea.share-link').inputValue();
    const data = good.split('#s=')[1];
    const flipped = data[40] === 'A' ? 'B' : 'A';
    const cases = [
      [`${app.server.url}#s=${data.slice(0, data.length - 8)}`, /incomplete/],
      [`${app.server.url}#s=${data.slice(0, 40)}${flipped}${data.slice(41)}`, /damaged/],
      [`${app.server.url}#s=this-is-not*a-link`, /damaged/],
    ];
    for (const [url, message] of cases) {
      const { page: opened, problems: openedProblems } = await openPage(browser.context, url);
      const notice = opened.locator('.notice-error[role="alert"]');
      await notice.waitFor({ state: 'visible', timeout: 15000 });
      assert.match(await notice.innerText(), message);
      assert.match(await notice.innerText(), /unchanged/);
      assert.equal(await scenarioName(opened), 'My scenario');
      await opened.locator('.card-name', { hasText: 'dana' }).first().waitFor({ state: 'visible', timeout: 15000 });
      assert.deepEqual(await savedSlots(opened), slots);
      assert.equal(await opened.evaluate(() => localStorage.getItem('iam-playground:v1:slot:My scenario')), stored);
      assert.deepEqual(openedProblems, []);
      if (shots && message.source === 'incomplete') await opened.screenshot({ path: `${shots}/corrupt-link.png` });
      await opened.close();
    }

    // A damaged link pasted into the open page (a hashchange) is refused the same way.
    await page.evaluate((d) => { location.hash = `s=${d.slice(0, 30)}`; }, data);
    await page.locator('.notice-error[role="alert"]').waitFor({ state: 'visible', timeout: 5000 });
    assert.equal(await scenarioName(page), 'My scenario');
    // And a good one opens as an unsaved copy, the local scenario staying saved.
    await page.evaluate((d) => { location.hash = `s=${d}`; }, data);
    await page.locator('.save-state.unsaved').waitFor({ state: 'visible', timeout: 5000 });
    assert.equal(await scenarioName(page), 'Shared scenario');
    assert.deepEqual(await savedSlots(page), slots);
    assert.deepEqual(problems, []);
  });
});

test('without storage (private browsing) the page works in memory and says so', async () => {
  await withFreshBrowser(async (browser) => {
    // Some private modes and sandboxes throw on any use of localStorage.
    await browser.context.addInitScript(() => {
      Object.defineProperty(window, 'localStorage', {
        configurable: true,
        get() {
          throw new DOMException('The operation is insecure.', 'SecurityError');
        },
      });
    });
    const { page, problems } = await openPage(browser.context, app.server.url);
    const notice = page.locator('.notice-warning');
    await notice.waitFor({ state: 'visible', timeout: 15000 });
    assert.match(await notice.innerText(), /does not let the playground save anything/);
    await addUser(page, 'erin');
    await openMenu(page);
    await page.locator('.scenario-new').click();
    assert.equal(await scenarioName(page), 'My scenario (2)', 'names stay unique in memory too');
    await openMenu(page);
    await page.locator('.slot[data-slot="My scenario"] .slot-open').click();
    await page.locator('.card-name', { hasText: 'erin' }).first().waitFor({ state: 'visible', timeout: 5000 });
    assert.deepEqual(problems, []);
  });
});

test('a full storage quota is a notice, and the work stays on the page', async () => {
  await withFreshBrowser(async (browser) => {
    const { page, problems } = await openPage(browser.context, app.server.url);
    await addUser(page, 'frank');
    const stored = await page.evaluate(() => localStorage.getItem('iam-playground:v1:slot:My scenario'));
    // From now on every write fails the way a full quota does.
    await page.evaluate(() => {
      Storage.prototype.setItem = function () {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      };
    });
    await addUserInLane(page, 'grace');
    const notice = page.locator('.notice-error[role="alert"]');
    await notice.waitFor({ state: 'visible', timeout: 5000 });
    assert.match(await notice.innerText(), /Could not save “My scenario”: this browser's storage for the playground is full/);
    await page.locator('.card-name', { hasText: 'grace' }).first().waitFor({ state: 'visible', timeout: 5000 });
    // The last good save is intact.
    assert.equal(await page.evaluate(() => localStorage.getItem('iam-playground:v1:slot:My scenario')), stored);
    assert.deepEqual(problems, []);
  });
});

/** Adds a user through the users lane's "+ Add user" (when the scenario already has users). */
async function addUserInLane(page, name) {
  await page.locator('[data-lane="users"] .lane-add').click();
  await page.locator('.add-form .add-input').fill(name);
  await page.locator('.add-form [data-action="add-confirm"]').click();
  await page.locator('.card-name', { hasText: name }).first().waitFor({ state: 'visible', timeout: 5000 });
}

test('without a clipboard, Copy link selects the link and says how to copy it', async () => {
  await withFreshBrowser(async (browser) => {
    // Pages served over plain HTTP from another host have no navigator.clipboard.
    await browser.context.addInitScript(() => {
      Object.defineProperty(Navigator.prototype, 'clipboard', { configurable: true, get: () => undefined });
    });
    const { page, problems } = await openPage(browser.context, app.server.url);
    await showView(page, 'share');
    const field = page.locator('textarea.share-link');
    await field.waitFor({ state: 'visible', timeout: 15000 });
    await page.locator('.copy-link').click();
    await page.locator('.share-status', { hasText: 'press Ctrl+C' }).first().waitFor({ timeout: 5000 });
    const selected = await page.evaluate(() => {
      const area = document.querySelector('textarea.share-link');
      return document.activeElement === area && area.selectionStart === 0 && area.selectionEnd === area.value.length;
    });
    assert.equal(selected, true, 'the whole link is selected and focused');
    assert.deepEqual(problems, []);
  });
});
