// The workspace inspector as a user meets it: add a user, open an inline policy, type invalid
// JSON and see the problem listed at the right line and column with an underline at that place;
// a name with markup or a duplicate name is refused beside the field and the typed text stays;
// quota meters show their numbers in words; a megabyte paste is refused without freezing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, openPage, showView, screenshotDir } from './lib/harness.mjs';

const app = useApp();

const inspector = '.inspector';

/** Adds an entity through the account panel's add form and waits for its panel. */
async function addThroughPanel(page, kind, name) {
  // With something selected, the "← Account" button leads back to the account panel.
  const back = page.locator(`${inspector} .inspector-back`);
  if (await back.count()) await back.click();
  await page.locator(`${inspector} [data-panel="account"]`).waitFor({ state: 'visible', timeout: 15000 });
  await page.locator(`${inspector} [data-field="add-kind"]`).selectOption(kind);
  await page.locator(`${inspector} [data-field="add-name"]`).fill(name);
  await page.locator(`${inspector} [data-action="add-entity"]`).click();
}

async function shoot(page, name) {
  const dir = screenshotDir();
  if (!dir) return;
  await page.screenshot({ path: `${dir}/${name}.png`, fullPage: true });
}

test('type an invalid policy and see the underline at the right place', async (t) => {
  const { page, problems } = await openPage(app.browser.context, app.server.url);
  await showView(page, 'workspace');
  const user = `alice${Date.now() % 100000}`;
  await addThroughPanel(page, 'user', user);
  const panel = page.locator(`${inspector} [data-panel="user"]`);
  await panel.waitFor({ state: 'visible', timeout: 15000 });
  assert.match(await panel.locator('h2').innerText(), new RegExp(user));

  await panel.locator('[data-action="add-inline"]').click();
  const area = page.locator(`textarea[aria-label="Inline policy Policy1 of user ${user}"]`);
  await area.waitFor({ state: 'visible', timeout: 15000 });

  // A missing comma on line 4, before "Action".
  const lines = [
    '{',
    '  "Version": "2012-10-17",',
    '  "Statement": [',
    '    { "Effect": "Allow" "Action": "s3:GetObject", "Resource": "*" }',
    '  ]',
    '}',
  ];
  const text = lines.join('\n');
  await area.fill(text);
  const column = lines[3].indexOf('"Action"') + 1;
  const editor = panel.locator('.doc-editor');
  const position = editor.locator('.diag-list .diag-pos', { hasText: `Line 4, column ${column}` });
  await position.first().waitFor({ state: 'visible', timeout: 10000 });
  const underline = editor.locator('.pe-layer .diag').first();
  await underline.waitFor({ state: 'attached', timeout: 10000 });
  // The underline marks the first character of the unexpected "Action": count the layer's text
  // before it to get its line and column as drawn.
  const drawn = await editor.locator('.pe-layer').evaluate((pre) => {
    const mark = pre.querySelector('.diag');
    const range = document.createRange();
    range.setStart(pre, 0);
    range.setEndBefore(mark);
    const before = range.toString().split('\n');
    return { line: before.length, column: before[before.length - 1].length + 1, text: mark.textContent };
  });
  assert.deepEqual(drawn, { line: 4, column, text: '"' });
  // The underline sits on the fourth line: its top is three line heights below the first line's.
  const areaBox = await area.boundingBox();
  const lineBox = await underline.boundingBox();
  const lineHeight = 20;
  const row = Math.round((lineBox.y - areaBox.y - 8) / lineHeight);
  assert.equal(row, 3, `underline on row ${row} (0-based)`);
  // The user's text stays exactly as typed, and the scenario stored it (it is within quota).
  assert.equal(await area.inputValue(), text);
  await shoot(page, 'inspector-invalid-policy-1366');

  // The findings list leads back to the same place: the policy opens with the span selected.
  await showView(page, 'findings');
  const finding = page.locator('.finding.sev-error', { hasText: `inline policy Policy1` }).first();
  await finding.waitFor({ state: 'visible', timeout: 10000 });
  assert.match(await finding.innerText(), /line 4, column 25/);
  await finding.locator('.finding-go').click();
  await page.locator('main[data-view="workspace"]').waitFor({ state: 'visible', timeout: 10000 });
  await area.waitFor({ state: 'visible', timeout: 10000 });
  // The caret lands on the finding's span (where the comma is missing).
  const caret = await area.evaluate((el) => el.selectionStart);
  assert.equal(caret, text.indexOf('"Action"'));

  // Quota meters show their numbers in words.
  const meter = panel.locator('[data-quota="Inline policy characters (no whitespace)"]');
  assert.match(await meter.innerText(), /\d[\d,]* of 2,048/);

  // A megabyte paste is refused by the size quota, quickly, and the text stays.
  const huge = `{"Sid":"${'x'.repeat(1024 * 1024)}"}`;
  const started = Date.now();
  await area.fill(huge);
  const refusal = editor.locator('.field-error[role="alert"]');
  await refusal.waitFor({ state: 'visible', timeout: 10000 });
  assert.match(await refusal.innerText(), /AWS allows at most 2048/);
  const elapsed = Date.now() - started;
  t.diagnostic(`1 MB paste refused in ${elapsed} ms`);
  // About a second on an idle machine (Playwright's fill included); the bound catches a frozen page.
  assert.ok(elapsed < 10000, `a 1 MB paste took ${elapsed} ms`);
  assert.equal((await area.inputValue()).length, huge.length);
  // The page still answers.
  assert.equal(await page.evaluate(() => 1 + 1), 2);
  // Putting back a short text is accepted again.
  await area.fill('{}');
  await refusal.waitFor({ state: 'detached', timeout: 10000 });

  assert.deepEqual(problems, []);
  await page.close();
});

test('a name with markup and a duplicate name are refused beside the field, keeping the text', async () => {
  const { page, problems } = await openPage(app.browser.context, app.server.url);
  await showView(page, 'workspace');
  await addThroughPanel(page, 'user', 'carol');
  await page.locator(`${inspector} [data-panel="user"]`).waitFor({ state: 'visible', timeout: 15000 });
  await addThroughPanel(page, 'user', 'dave');
  const panel = page.locator(`${inspector} [data-panel="user"]`);
  await panel.waitFor({ state: 'visible', timeout: 15000 });
  assert.match(await panel.locator('h2').innerText(), /dave/);

  const name = panel.locator('[data-field="name"] input');
  const markup = '<script>window.pwned=1</script>';
  await name.fill(markup);
  const error = panel.locator('[data-field="name"] .field-error');
  await error.waitFor({ state: 'visible', timeout: 10000 });
  assert.match(await error.innerText(), /may contain only letters/);
  await name.press('Enter');
  assert.equal(await name.inputValue(), markup);
  assert.equal(await page.evaluate(() => window.pwned), undefined);
  assert.equal(await page.locator(`${inspector} script`).count(), 0);
  assert.match(await panel.locator('h2').innerText(), /dave/);

  // A duplicate (IAM compares names without regard to case).
  await name.fill('CAROL');
  await name.press('Enter');
  await error.waitFor({ state: 'visible', timeout: 10000 });
  assert.match(await error.innerText(), /already exists/);
  assert.equal(await name.inputValue(), 'CAROL');
  // Escape puts the stored name back.
  await name.press('Escape');
  assert.equal(await name.inputValue(), 'dave');
  await error.waitFor({ state: 'detached', timeout: 10000 });

  // The add form says the same about a duplicate before anything is added.
  await page.locator(`${inspector} .inspector-back`).click();
  await page.locator(`${inspector} [data-field="add-name"]`).fill('Dave');
  const addError = page.locator(`${inspector} .add-entity .field-error`);
  await addError.waitFor({ state: 'visible', timeout: 10000 });
  assert.match(await addError.innerText(), /already exists/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('the inspector at 390 px: compact sections, quota meters, simulate as this principal', async () => {
  const { page, problems } = await openPage(app.browser.context, app.server.url);
  await page.setViewportSize({ width: 390, height: 844 });
  await showView(page, 'workspace');
  await addThroughPanel(page, 'role', 'Deployer');
  const panel = page.locator(`${inspector} [data-panel="role"]`);
  await panel.waitFor({ state: 'visible', timeout: 15000 });
  const trust = page.locator('textarea[aria-label="Trust policy of role Deployer"]');
  await trust.waitFor({ state: 'visible', timeout: 15000 });
  // Nothing in the inspector is wider than the screen.
  const overflow = await page.evaluate(() => {
    const el = document.querySelector('.inspector');
    return el.scrollWidth - el.clientWidth;
  });
  assert.ok(overflow <= 1, `the inspector overflows by ${overflow} px`);
  const hours = panel.locator('[data-field="session"] input');
  await hours.fill('13');
  const error = panel.locator('[data-field="session"] .field-error');
  await error.waitFor({ state: 'visible', timeout: 10000 });
  assert.match(await error.innerText(), /12 hours/);
  await hours.press('Escape');
  const meter = panel.locator('[data-quota="Trust policy characters (no whitespace)"]');
  assert.match(await meter.innerText(), /\d[\d,]* of 2,048/);
  await shoot(page, 'inspector-role-390');
  await panel.locator('[data-action="simulate-as"]').click();
  await page.locator('main[data-view="simulate"]').waitFor({ state: 'visible', timeout: 15000 });
  assert.deepEqual(problems, []);
  await page.close();
});
