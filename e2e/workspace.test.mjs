// The workspace canvas as a new user meets it: from the empty scenario a fresh profile starts
// with, build the seed guide's admin setup (an `administrators` group with AdministratorAccess,
// an `admin` user in it with a console password to reset at first sign-in and
// IAMUserChangePassword attached) once with the mouse only and once with the keyboard only;
// undo and redo it; rename, duplicate and delete cards; and look at the result on a laptop and
// on a phone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, launchBrowser, openPage, showView, openExample, screenshotDir, withFreshBrowser, focusIsOn } from './lib/harness.mjs';

const ADMIN_ARN = 'arn:aws:iam::aws:policy/AdministratorAccess';
const CHANGE_PASSWORD_ARN = 'arn:aws:iam::aws:policy/IAMUserChangePassword';

const app = useApp({ browser: false });

/** A fresh browser profile (so the app starts with a new empty scenario) and its page. */
async function freshWorkspace(viewport = { width: 1366, height: 768 }) {
  const browser = await launchBrowser();
  const { page, problems } = await openPage(browser.context, app.server.url);
  await page.setViewportSize(viewport);
  await showView(page, 'workspace');
  await page.locator('.canvas-empty').waitFor({ state: 'visible', timeout: 15000 });
  return { browser, page, problems };
}

const card = (page, key) => page.locator(`[data-card="${key}"]`);

/** Presses Tab until the focused element matches `selector` (the keyboard user's way there). */
async function tabTo(page, selector, max = 400) {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${selector}`);
}

const focusedMatches = focusIsOn;

async function chipTexts(page, key) {
  return card(page, key).locator('.chip-text').allInnerTexts();
}

/** The seed guide's admin setup, read back from the cards, their chips and the drawn links. */
async function assertAdminSetup(page) {
  await card(page, 'group:administrators').waitFor({ state: 'visible', timeout: 5000 });
  assert.deepEqual((await chipTexts(page, 'group:administrators')).sort(), ['AdministratorAccess', 'member admin']);
  assert.deepEqual((await chipTexts(page, 'user:admin')).sort(), ['IAMUserChangePassword', 'in administrators']);
  assert.deepEqual(await chipTexts(page, `aws:${ADMIN_ARN}`), ['on group administrators']);
  assert.deepEqual(await chipTexts(page, `aws:${CHANGE_PASSWORD_ARN}`), ['on user admin']);
  const badges = await card(page, 'user:admin').locator('.state-badge').allInnerTexts();
  assert.ok(badges.includes('Console password, reset at first sign-in'), `user badges: ${badges}`);
  // The picture: one line per link, between the right cards.
  const line = (kind, from, to) => page.locator(`.links-layer path[data-link="${kind}"][data-from="${from}"][data-to="${to}"]`);
  await line('member', 'user:admin', 'group:administrators').waitFor({ state: 'attached', timeout: 5000 });
  assert.equal(await line('attached', `aws:${ADMIN_ARN}`, 'group:administrators').count(), 1);
  assert.equal(await line('attached', `aws:${CHANGE_PASSWORD_ARN}`, 'user:admin').count(), 1);
  assert.equal(await page.locator('.links-layer path').count(), 3);
  const d = await line('member', 'user:admin', 'group:administrators').getAttribute('d');
  assert.match(d, /^M[\d.]+ [\d.]+ C/, 'the line has measured geometry');
}

/** Adds users one by one with the users lane's add button, typing each name and pressing Enter. */
async function addUsersWithEnter(page, names) {
  for (const name of names) {
    await page.locator('[data-action="add-user"]').click();
    await page.locator('[data-lane="users"] .add-input').fill(name);
    await page.keyboard.press('Enter');
    await card(page, `user:${name}`).waitFor({ state: 'visible', timeout: 5000 });
  }
}

/**
 * Types `text` into the picker a card just opened, once the picker's field has the focus (the
 * app focuses it after the next render, as a person sees it), and waits until the field holds
 * the text. Typed earlier, the keys would reach the button that opened the picker, and Enter
 * would close it again.
 */
async function typeIntoPicker(page, cardId, text) {
  const field = `[data-card="${cardId}"] .picker-input`;
  assert.ok(await focusedMatches(page, field), 'the picker field takes the focus');
  await page.keyboard.type(text);
  await page.waitForFunction(
    ([sel, want]) => document.querySelector(sel)?.value === want,
    [field, text],
    { timeout: 5000 },
  );
}

/**
 * Attaches the AWS-managed policy `arn` to a card from the keyboard: Tab to its "Attach policy…"
 * button, Enter, type `name`, wait for the option, Enter.
 */
async function attachWithKeyboard(page, cardId, name, arn) {
  await tabTo(page, `[data-card="${cardId}"] [data-action="attach-policy"]`);
  await page.keyboard.press('Enter');
  await typeIntoPicker(page, cardId, name);
  await page.locator(`[data-card="${cardId}"] .picker-option[data-value="${arn}"]`).waitFor({ timeout: 5000 });
  await page.keyboard.press('Enter');
  await card(page, cardId).locator('.chip-attached').waitFor({ state: 'visible', timeout: 5000 });
  assert.ok(await focusedMatches(page, `[data-card="${cardId}"]`), 'the focus returns to the card after the pick');
}

test('mouse only: the admin setup from an empty scenario, by clicking and dragging', async () => {
  const { browser, page, problems } = await freshWorkspace();
  try {
    // Add the group and the user with the lanes' add buttons.
    await page.locator('[data-action="add-group"]').click();
    await page.locator('[data-lane="groups"] .add-input').fill('administrators');
    await page.locator('[data-lane="groups"] [data-action="add-confirm"]').click();
    await card(page, 'group:administrators').waitFor({ state: 'visible', timeout: 5000 });
    assert.equal(await page.locator('.canvas-empty').count(), 0, 'the empty state goes once there is an entity');
    await page.locator('[data-action="add-user"]').click();
    await page.locator('[data-lane="users"] .add-input').fill('admin');
    await page.locator('[data-lane="users"] [data-action="add-confirm"]').click();
    await card(page, 'user:admin').waitFor({ state: 'visible', timeout: 5000 });

    // Drag the user onto the group: membership.
    await card(page, 'user:admin').dragTo(card(page, 'group:administrators'));
    await card(page, 'user:admin').locator('.chip-member').waitFor({ state: 'visible', timeout: 5000 });

    // Find AdministratorAccess by name, put it on the canvas, then drag its card onto the group.
    await page.locator('[data-action="find-aws-policy"]').click();
    await page.locator('[data-lane="aws"] .picker-input').fill('AdministratorAccess');
    await page.locator(`[data-lane="aws"] .picker-option[data-value="${ADMIN_ARN}"]`).click();
    await card(page, `aws:${ADMIN_ARN}`).waitFor({ state: 'visible', timeout: 5000 });
    await card(page, `aws:${ADMIN_ARN}`).dragTo(card(page, 'group:administrators'));
    await card(page, 'group:administrators').locator('.chip-text', { hasText: 'AdministratorAccess' }).waitFor({ state: 'visible', timeout: 5000 });

    // Find IAMUserChangePassword and drag the search result itself onto the user.
    await page.locator('[data-action="find-aws-policy"]').click();
    await page.locator('[data-lane="aws"] .picker-input').fill('IAMUserChange');
    const result = page.locator(`[data-lane="aws"] .picker-option[data-value="${CHANGE_PASSWORD_ARN}"]`);
    await result.waitFor({ state: 'visible', timeout: 5000 });
    await result.dragTo(card(page, 'user:admin'));
    await card(page, 'user:admin').locator('.chip-text', { hasText: 'IAMUserChangePassword' }).waitFor({ state: 'visible', timeout: 5000 });
    await page.locator('[data-lane="aws"] .picker-close').click();

    // The console password belongs to the inspector: select the user, tick the boxes.
    await card(page, 'user:admin').locator('.card-name').click();
    const password = page.locator('.inspector [data-field="password"] input[type="checkbox"]');
    await password.waitFor({ state: 'visible', timeout: 5000 });
    await password.click();
    const reset = page.locator('.inspector [data-field="password-reset"] input[type="checkbox"]');
    if (!(await reset.isChecked())) await reset.click();
    assert.ok(await reset.isChecked());

    await assertAdminSetup(page);

    // An AWS-managed card opens AWS's document (read-only) and where it is used; a copy of it
    // becomes a customer-managed policy to edit.
    await card(page, `aws:${ADMIN_ARN}`).locator('.card-name').click();
    const panel = page.locator('.inspector [data-panel="aws-policy"]');
    await panel.waitFor({ state: 'visible', timeout: 5000 });
    const doc = panel.locator('textarea');
    await doc.waitFor({ state: 'visible', timeout: 5000 });
    assert.match(await doc.inputValue(), /"Action": "\*"/);
    assert.ok(await doc.evaluate((el) => el.readOnly), 'AWS\'s document is read-only');
    assert.match(await panel.locator('[data-section="attached"]').innerText(), /group administrators/);
    await panel.locator('[data-action="copy-aws-policy"]').click();
    await card(page, 'policy:AdministratorAccess-copy').waitFor({ state: 'visible', timeout: 5000 });
    await page.locator('.inspector [data-panel="policy"]').waitFor({ state: 'visible', timeout: 5000 });
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
  }
});

test('keyboard only: the admin setup from an empty scenario, with Tab, Enter and the pickers', async () => {
  const { browser, page, problems } = await freshWorkspace();
  try {
    const kb = page.keyboard;
    await tabTo(page, '[data-action="add-group"]');
    await kb.press('Enter');
    await page.locator('[data-lane="groups"] .add-input').waitFor({ state: 'visible', timeout: 5000 });
    assert.ok(await focusedMatches(page, '[data-lane="groups"] .add-input'), 'the name field takes the focus');
    await kb.type('administrators');
    await kb.press('Enter');
    await card(page, 'group:administrators').waitFor({ state: 'visible', timeout: 5000 });
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-card') === 'group:administrators');

    await tabTo(page, '[data-action="add-user"]');
    await kb.press('Enter');
    await page.locator('[data-lane="users"] .add-input').waitFor({ state: 'visible', timeout: 5000 });
    assert.ok(await focusedMatches(page, '[data-lane="users"] .add-input'), 'the name field takes the focus');
    await kb.type('admin');
    await kb.press('Enter');
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-card') === 'user:admin');

    // Membership with the user's picker: type to filter, Enter picks.
    await tabTo(page, '[data-card="user:admin"] [data-action="add-to-group"]');
    await kb.press('Enter');
    await typeIntoPicker(page, 'user:admin', 'admin');
    await kb.press('Enter');
    await card(page, 'user:admin').locator('.chip-member').waitFor({ state: 'visible', timeout: 5000 });
    assert.ok(await focusedMatches(page, '[data-card="user:admin"]'), 'the focus returns to the card after the pick');

    // Attachments with the Attach policy… pickers, by name.
    await attachWithKeyboard(page, 'user:admin', 'IAMUserChangePassword', CHANGE_PASSWORD_ARN);

    await attachWithKeyboard(page, 'group:administrators', 'AdministratorAccess', ADMIN_ARN);

    // Select the user with Enter on its card; the inspector shows it; Space ticks the box.
    await tabTo(page, '[data-card="user:admin"]');
    await kb.press('Enter');
    const password = '.inspector [data-field="password"] input[type="checkbox"]';
    await page.locator(password).waitFor({ state: 'visible', timeout: 5000 });
    await tabTo(page, password);
    await kb.press('Space');
    const reset = page.locator('.inspector [data-field="password-reset"] input[type="checkbox"]');
    await page.waitForFunction((s) => document.querySelector(s)?.checked === true, password);
    if (!(await reset.isChecked())) {
      await tabTo(page, '.inspector [data-field="password-reset"] input[type="checkbox"]');
      await kb.press('Space');
    }
    assert.ok(await reset.isChecked());

    await assertAdminSetup(page);
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
  }
});

test('undo and redo with the buttons and with Ctrl+Z / Ctrl+Shift+Z', async () => {
  const { browser, page, problems } = await freshWorkspace();
  try {
    await addUsersWithEnter(page, ['alice', 'bob']);
    const undo = page.locator('[data-action="undo"]');
    const redo = page.locator('[data-action="redo"]');
    assert.match(await undo.getAttribute('title'), /Add user bob/);
    await undo.click();
    await card(page, 'user:bob').waitFor({ state: 'detached', timeout: 5000 });
    assert.equal(await card(page, 'user:alice').count(), 1);
    await redo.click();
    await card(page, 'user:bob').waitFor({ state: 'visible', timeout: 5000 });

    await page.locator('.lane-title').first().click();
    await page.keyboard.press('Control+z');
    await card(page, 'user:bob').waitFor({ state: 'detached', timeout: 5000 });
    await page.keyboard.press('Control+z');
    await card(page, 'user:alice').waitFor({ state: 'detached', timeout: 5000 });
    await page.locator('.canvas-empty').waitFor({ state: 'visible', timeout: 5000 });
    assert.ok(await undo.isDisabled(), 'nothing left to undo');
    await page.keyboard.press('Control+Shift+z');
    await page.keyboard.press('Control+Shift+z');
    await card(page, 'user:bob').waitFor({ state: 'visible', timeout: 5000 });
    assert.ok(await redo.isDisabled(), 'nothing left to redo');
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
  }
});

test('rename refuses bad and duplicate names with the engine message; duplicate and delete work from the keyboard', async () => {
  const { browser, page, problems } = await freshWorkspace();
  try {
    await addUsersWithEnter(page, ['alice', 'bob']);
    // An invalid name in the add field: the engine's message, the text kept.
    await page.locator('[data-action="add-user"]').click();
    const add = page.locator('[data-lane="users"] .add-input');
    await add.fill('no spaces');
    await page.keyboard.press('Enter');
    const addError = page.locator('[data-lane="users"] .add-form [role="alert"]');
    await addError.waitFor({ state: 'visible', timeout: 5000 });
    assert.match(await addError.innerText(), /may contain only letters, digits/);
    assert.equal(await add.inputValue(), 'no spaces');
    assert.equal(await add.getAttribute('aria-invalid'), 'true');
    await page.keyboard.press('Escape');

    // F2 renames; a clash (names compare without case) and a too-long name are refused.
    await card(page, 'user:alice').focus();
    await page.keyboard.press('F2');
    const rename = card(page, 'user:alice').locator('.rename-input');
    await rename.waitFor({ state: 'visible', timeout: 5000 });
    assert.ok(await focusedMatches(page, '.rename-input'));
    await rename.fill('BOB');
    await page.keyboard.press('Enter');
    const alert = card(page, 'user:alice').locator('[role="alert"]');
    await alert.waitFor({ state: 'visible', timeout: 5000 });
    assert.match(await alert.innerText(), /already exists/);
    assert.equal(await rename.inputValue(), 'BOB');
    await rename.fill('a'.repeat(65));
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => /at most 64/.test(document.querySelector('[data-card="user:alice"] [role="alert"]')?.textContent ?? ''));
    await rename.fill('carol');
    await page.keyboard.press('Enter');
    await card(page, 'user:carol').waitFor({ state: 'visible', timeout: 5000 });
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-card') === 'user:carol');

    // Arrow keys move between cards of a lane.
    await page.keyboard.press('ArrowDown');
    assert.ok(await focusedMatches(page, '[data-card="user:bob"]'));
    await page.keyboard.press('ArrowUp');
    assert.ok(await focusedMatches(page, '[data-card="user:carol"]'));
    // Left and right move between lanes, skipping empty ones: the root user is left of users.
    await page.keyboard.press('ArrowLeft');
    assert.ok(await focusedMatches(page, '[data-card="root"]'));
    await page.keyboard.press('ArrowRight');
    assert.ok(await focusedMatches(page, '[data-card="user:carol"]'));

    // Duplicate from the card's menu.
    await tabTo(page, '[data-card="user:carol"] [data-action="card-menu"]');
    await page.keyboard.press('Enter');
    await tabTo(page, '[data-card="user:carol"] [data-action="duplicate"]');
    await page.keyboard.press('Enter');
    await card(page, 'user:carol-copy').waitFor({ state: 'visible', timeout: 5000 });

    // Delete asks first; Enter on the focused Delete button confirms.
    await card(page, 'user:carol-copy').focus();
    await page.keyboard.press('Delete');
    const confirm = card(page, 'user:carol-copy').locator('[data-action="confirm-delete"]');
    await confirm.waitFor({ state: 'visible', timeout: 5000 });
    assert.ok(await focusedMatches(page, '[data-action="confirm-delete"]'), 'the confirmation takes the focus');
    await page.keyboard.press('Enter');
    await card(page, 'user:carol-copy').waitFor({ state: 'detached', timeout: 5000 });
    assert.equal(await page.locator('.lane-users [data-card]').count(), 2);
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
  }
});

test('screenshots of the workspace on a laptop and on a phone', { skip: !process.env.E2E_SCREENSHOTS }, async () => {
  const dir = screenshotDir();
  for (const [label, viewport] of [
    ['laptop', { width: 1366, height: 768 }],
    ['phone', { width: 390, height: 844 }],
  ]) {
    const { browser, page, problems } = await freshWorkspace(viewport);
    try {
      await page.screenshot({ path: `${dir}/workspace-empty-${label}.png`, fullPage: true });
      for (const [lane, name] of [['groups', 'administrators'], ['users', 'admin'], ['users', 'alice'], ['roles', 'deploy'], ['policies', 'ReadLogs']]) {
        await page.locator(`[data-lane="${lane}"] .lane-add`).click();
        await page.locator(`[data-lane="${lane}"] .add-input`).fill(name);
        await page.keyboard.press('Enter');
        await page.locator(`[data-card$=":${name}"]`).waitFor({ state: 'visible', timeout: 5000 });
      }
      for (const [user, action, text] of [
        ['user:admin', 'add-to-group', 'administrators'],
        ['user:admin', 'attach-policy', 'IAMUserChangePassword'],
        ['group:administrators', 'attach-policy', 'AdministratorAccess'],
        ['role:deploy', 'attach-policy', 'ReadLogs'],
        ['user:alice', 'attach-policy', 'ReadLogs'],
      ]) {
        await card(page, user).locator(`[data-action="${action}"]`).click();
        await page.keyboard.type(text);
        await page.keyboard.press('Enter');
        await card(page, user).locator('.chip-text', { hasText: text }).waitFor({ state: 'visible', timeout: 5000 });
      }
      await card(page, 'user:admin').locator('.card-name').click();
      await page.locator('.inspector').waitFor({ state: 'visible', timeout: 5000 });
      await card(page, 'group:administrators').hover();
      await page.screenshot({ path: `${dir}/workspace-${label}.png`, fullPage: false });
      await page.screenshot({ path: `${dir}/workspace-${label}-full.png`, fullPage: true });
      await card(page, 'user:alice').locator('[data-action="attach-policy"]').click();
      await page.screenshot({ path: `${dir}/workspace-picker-${label}.png`, fullPage: false });
      await page.keyboard.press('Escape');
      // The same view in the dark theme, as a system set to dark shows it.
      await page.emulateMedia({ colorScheme: 'dark' });
      await card(page, 'group:administrators').hover();
      await page.screenshot({ path: `${dir}/workspace-dark-${label}.png`, fullPage: false });
      await page.emulateMedia({ colorScheme: 'light' });
      // Examples with an organization, a permissions boundary and resources.
      for (const id of ['scp-guardrail', 'permissions-boundary', 'cross-account-role']) {
        await openExample(page, id);
        await page.locator('main[data-view="workspace"] .canvas').waitFor({ state: 'visible', timeout: 5000 });
        await page.waitForTimeout(100);
        await page.screenshot({ path: `${dir}/workspace-${id}-${label}.png`, fullPage: true });
      }
      assert.deepEqual(problems, []);
    } finally {
      await browser.close();
    }
  }
});

test('the workspace view is the one a fresh profile opens', async () => {
  await withFreshBrowser(async (browser) => {
    const { page } = await openPage(browser.context, app.server.url);
    await page.locator('main[data-view="workspace"] .canvas').waitFor({ state: 'visible', timeout: 15000 });
    assert.match(await page.locator('.canvas-empty').innerText(), /Start by adding a user or a group, or open an example/);
    await page.locator('[data-action="open-examples"]').click();
    await page.locator('main[data-view="examples"]').waitFor({ state: 'visible', timeout: 5000 });
    await showView(page, 'workspace');
  });
});

test('a standalone account joins an organization: the folded section loads its editor when opened, and the organization appears on the canvas; the folded quotas load their meters', async () => {
  await withFreshBrowser(async (browser) => {
    const { page, problems } = await openPage(browser.context, app.server.url);
    const panel = page.locator('main[data-view="workspace"] .inspector');
    const section = panel.locator('[data-section="organization"]');
    await section.waitFor({ state: 'visible', timeout: 15000 });
    assert.equal(await section.evaluate((d) => d.open), false, 'a standalone account shows the section folded');
    await section.locator('summary').focus();
    await page.keyboard.press('Enter');
    const join = section.locator('[data-action="join-org"]');
    await join.waitFor({ state: 'visible', timeout: 15000 });
    await join.click();
    await page.locator('[data-card="organization"]').waitFor({ state: 'visible', timeout: 5000 });
    await section.locator('[data-action="leave-org"]').waitFor({ state: 'visible', timeout: 5000 });
    assert.equal(await section.locator('.lazy-status').count(), 0);
    // The folded Quotas section fetches its meters the same way, and counts what is there.
    const quotas = panel.locator('[data-section="quotas"]');
    assert.equal(await quotas.evaluate((d) => d.open), false);
    await quotas.locator('summary').click();
    const users = quotas.locator('[data-quota="Users in the account"]');
    await users.waitFor({ state: 'visible', timeout: 15000 });
    assert.match(await users.innerText(), /\b0 of [\d,]+/);
    assert.deepEqual(problems, []);
  });
});

test('an SCP opens for editing in the account panel, with its truth tables, and closes again', async () => {
  await withFreshBrowser(async (browser) => {
    const { page, problems } = await openPage(browser.context, app.server.url);
    await openExample(page, 'scp-guardrail');
    await showView(page, 'workspace');
    const panel = page.locator('main[data-view="workspace"] .inspector');
    await panel.locator('[data-section="organization"]').waitFor({ state: 'visible', timeout: 15000 });
    // The editor and its tables are the inspector's chunk in the release build: fetched now.
    await panel.getByRole('button', { name: 'Edit SCP Guardrails at level 2' }).click();
    const editor = panel.locator('.inline-policy.open textarea.policy-text');
    await editor.waitFor({ state: 'visible', timeout: 15000 });
    assert.match(await editor.inputValue(), /DenyLeavingTheOrganization/);
    const tables = panel.locator('[data-testid="guardrail-tables"]');
    await tables.waitFor({ state: 'visible', timeout: 15000 });
    assert.ok(await tables.locator('table.guardrail-table').count() > 0);
    assert.equal(await panel.locator('.lazy-failed').count(), 0);
    const dir = screenshotDir();
    if (dir) await page.screenshot({ path: `${dir}/workspace-scp-editor-laptop.png`, fullPage: false });
    await panel.getByRole('button', { name: 'Close SCP Guardrails at level 2' }).click();
    await editor.waitFor({ state: 'detached', timeout: 5000 });
    assert.deepEqual(problems, []);
  });
});
