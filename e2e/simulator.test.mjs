// The simulator as a new user meets it: open an example, ask who can close the account, put a
// Deny into a group and watch the decision flip, and fix an implicit deny by following the
// nearest-miss hint. Every answer updates as the user types, without a button.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, openPage, showView, shootLaptopAndPhone, openExample } from './lib/harness.mjs';

const app = useApp();

/** Opens a gallery example in the workspace, then the simulator view. */
async function openExampleInSimulator(page, id) {
  await openExample(page, id);
  await showView(page, 'simulate');
  await page.locator('.sim-request select[name="principal"]').waitFor({ state: 'visible', timeout: 15000 });
}

/** Waits until the simulator's answer shows `decision` (AWS spelling). */
async function waitForDecision(page, decision) {
  await page.waitForFunction(
    (d) => document.querySelector('.sim-result .explanation')?.dataset.decision === d,
    decision,
    { timeout: 15000 },
  );
}

test('the admin IAM user cannot close the account; the root user can', async () => {
  const { page, problems } = await openPage(app.browser.context, app.server.url);
  await openExampleInSimulator(page, 'seed-admin-template');

  await page.selectOption('.sim-request select[name="principal"]', 'user/admin');
  await page.selectOption('.sim-request select[name="root-task"]', 'close-account');
  await waitForDecision(page, 'implicitDeny');
  const answer = page.locator('.sim-result .explanation');
  assert.equal(await answer.getAttribute('data-root-task'), 'close-account');
  assert.match(await answer.locator('[data-testid="decision"]').innerText(), /^Implicit deny$/);
  assert.match(await answer.innerText(), /requires root user credentials/);
  assert.match(await answer.innerText(), /not even AdministratorAccess/);

  await page.selectOption('.sim-request select[name="principal"]', 'root');
  await waitForDecision(page, 'allowed');
  assert.match(await answer.locator('[data-testid="decision"]').innerText(), /^Allowed$/);
  assert.match(await answer.innerText(), /the caller is the root user of account 111122223333/);

  // The matrix's root row shows the root-only tasks; the admin's row is refused them.
  const closeHeader = page.locator('.sim-matrix thead th', { hasText: 'Close your AWS account' });
  await closeHeader.waitFor({ state: 'visible', timeout: 15000 });
  const rootCell = page.locator('.sim-matrix tr[data-principal="root"] button[aria-label*="Close your AWS account"]');
  const adminCell = page.locator('.sim-matrix tr[data-principal="user/admin"] button[aria-label*="Close your AWS account"]');
  assert.equal(await rootCell.getAttribute('data-decision'), 'allowed');
  assert.equal(await adminCell.getAttribute('data-decision'), 'implicitDeny');
  // A cell explains itself: clicking the admin's loads that question into the panel.
  await adminCell.click();
  await waitForDecision(page, 'implicitDeny');
  assert.equal(await page.locator('.sim-request select[name="principal"]').inputValue(), 'user/admin');
  await shootLaptopAndPhone(page, 'simulator-root-task');
  assert.deepEqual(problems, []);
  await page.close();
});

test('a Deny put into a group flips the decision to an explicit deny, highlighted', async () => {
  const { page, problems } = await openPage(app.browser.context, app.server.url);
  await openExampleInSimulator(page, 'seed-admin-template');

  await page.selectOption('.sim-request select[name="principal"]', 'user/admin');
  await page.fill('.sim-request input[name="action"]', 'iam:CreateUser');
  await page.fill('.sim-request input[name="resource"]', 'arn:aws:iam::111122223333:user/developer');
  await waitForDecision(page, 'allowed');

  // The saved tests pass before the change.
  const summary = page.locator('.sim-tests .tests-summary');
  await page.waitForFunction(() => /^4 of 4 pass$/.test(document.querySelector('.sim-tests .tests-summary')?.textContent ?? ''), null, { timeout: 15000 });

  await page.locator('[data-action="add-inline-policy"][data-owner="group administrators"]').click();
  const editor = page.locator('textarea[aria-label="Inline policy Simulator of group administrators"]');
  await editor.waitFor({ state: 'visible', timeout: 15000 });
  await editor.fill(JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Sid: 'NoNewUsers', Effect: 'Deny', Action: 'iam:CreateUser', Resource: '*' }],
  }, null, 2));
  await waitForDecision(page, 'explicitDeny');
  const answer = page.locator('.sim-result .explanation');
  assert.match(await answer.locator('[data-testid="decision"]').innerText(), /^Explicit deny$/);
  assert.match(await answer.locator('.matched').innerText(), /NoNewUsers.*group administrators/);
  assert.match(
    await answer.locator('.denied-message').innerText(),
    /User: arn:aws:iam::111122223333:user\/admin is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::111122223333:user\/developer with an explicit deny in an identity-based policy/,
  );
  // The chain names the deny check as the deciding step.
  assert.match(await answer.locator('.eval-chain [data-step="denycheck"]').innerText(), /denies/);
  // The statement is highlighted in the group's policy editor, with words.
  const policy = page.locator('.played-policy', { has: editor });
  await policy.locator('.hl-deny').first().waitFor({ state: 'visible', timeout: 5000 });
  assert.match(await policy.innerText(), /NoNewUsers decides this request/);
  // The saved test "admin may create other users" now fails, live.
  await page.waitForFunction(() => /^3 of 4 pass$/.test(document.querySelector('.sim-tests .tests-summary')?.textContent ?? ''), null, { timeout: 15000 });
  assert.equal(await page.locator('.sim-tests .test-case[data-passed="false"]').count(), 1);
  assert.match(await summary.innerText(), /3 of 4 pass/);
  // The whole chain stays visible: the steps after the deny check were not reached.
  assert.match(await answer.locator('.eval-chain [data-step="identity"]').innerText(), /not reached/);
  // The matrix follows too: the group's Deny mentions iam:CreateUser, and the admin's cell
  // for it turns into an explicit deny once typing pauses.
  await page.waitForFunction(
    () => document.querySelector('.sim-matrix tr[data-principal="user/admin"] button[aria-label*="iam:CreateUser:"]')
      ?.dataset.decision === 'explicitDeny',
    null,
    { timeout: 5000 },
  );
  await shootLaptopAndPhone(page, 'simulator-explicit-deny');
  assert.deepEqual(problems, []);
  await page.close();
});

test('an implicit deny is fixed by following the nearest-miss hint', async () => {
  const { page, problems } = await openPage(app.browser.context, app.server.url);
  await openExampleInSimulator(page, 'least-privilege-groups');

  await page.selectOption('.sim-request select[name="principal"]', 'user/dev-dana');
  await page.fill('.sim-request input[name="action"]', 'rds:DeleteDBInstance');
  await page.fill('.sim-request input[name="resource"]', 'arn:aws:rds:us-east-1:111122223333:db:orders');
  await waitForDecision(page, 'implicitDeny');
  const answer = page.locator('.sim-result .explanation');
  assert.match(
    await answer.locator('.denied-message').innerText(),
    /User: arn:aws:iam::111122223333:user\/dev-dana is not authorized to perform: rds:DeleteDBInstance on resource: arn:aws:rds:us-east-1:111122223333:db:orders because no identity-based policy allows the rds:DeleteDBInstance action/,
  );
  const hint = answer.locator('.candidates li[data-statement="LookAtDatabases"]');
  assert.match(await hint.innerText(), /would allow this, but its Action does not match/);
  assert.match(await hint.innerText(), /customer-managed policy DeveloperAccess/);

  // The hint's statement is marked in the policy's editor; add the action it lacks.
  const editor = page.locator('textarea[aria-label="Customer-managed policy DeveloperAccess"]');
  const played = page.locator('.played-policy', { has: editor });
  await played.locator('.hl-miss').first().waitFor({ state: 'visible', timeout: 5000 });
  const text = await editor.inputValue();
  assert.ok(text.includes('"rds:List*"'));
  await editor.fill(text.replace('"rds:List*"', '"rds:List*",\n        "rds:DeleteDBInstance"'));
  await waitForDecision(page, 'allowed');
  assert.match(await answer.locator('.matched').innerText(), /LookAtDatabases/);
  assert.equal(await answer.locator('.denied-message').count(), 0);
  await shootLaptopAndPhone(page, 'simulator-fixed');
  assert.deepEqual(problems, []);
  await page.close();
});

test('saved tests are added from the request, edited, loaded and deleted', async () => {
  const { page, problems } = await openPage(app.browser.context, app.server.url);
  await openExampleInSimulator(page, 'seed-admin-template');
  await page.selectOption('.sim-request select[name="principal"]', 'user/admin');
  await page.fill('.sim-request input[name="action"]', 's3:Get*');
  await page.fill('.sim-request input[name="resource"]', '*');
  // A wildcard expands into one row per action.
  await page.locator('.sim-result .action-rows li').nth(5).waitFor({ state: 'visible', timeout: 15000 });
  await page.fill('.sim-request input[name="action"]', 's3:ListAllMyBuckets');
  await waitForDecision(page, 'allowed');
  await page.fill('.add-test input[name="test-label"]', 'admin lists buckets');
  await page.click('[data-action="add-test"]');
  const added = page.locator('.sim-tests .test-case').nth(4);
  await added.waitFor({ state: 'visible', timeout: 5000 });
  assert.equal(await added.locator('.test-label').inputValue(), 'admin lists buckets');
  assert.equal(await added.getAttribute('data-passed'), 'true');
  // Expecting a deny makes it fail, live.
  await added.locator('select').selectOption('implicitDeny');
  await page.waitForFunction(() => document.querySelectorAll('.sim-tests .test-case')[4]?.dataset.passed === 'false');
  // Loading another test puts it into the request panel.
  await page.locator('.sim-tests .test-case').nth(3).locator('[data-action="load-test"]').click();
  assert.equal(await page.locator('.sim-request select[name="principal"]').inputValue(), 'root');
  await added.locator('[data-action="delete-test"]').click();
  await page.waitForFunction(() => document.querySelectorAll('.sim-tests .test-case').length === 4);
  assert.deepEqual(problems, []);
  await page.close();
});

/** The text the highlight bands of an editor cover, in order (badges and gutter left out). */
async function highlightedText(editor) {
  return editor.evaluate((root) => Array.from(root.querySelectorAll('span.hl-allow, span.hl-deny, span.hl-miss'))
    .filter((el) => !el.classList.contains('hl-badge'))
    .map((el) => el.textContent)
    .join(''));
}

test('a request decided by an SCP lists that SCP under "Policies in play", highlighted', async () => {
  const { page, problems } = await openPage(app.browser.context, app.server.url);
  await openExampleInSimulator(page, 'scp-guardrail');

  await page.selectOption('.sim-request select[name="principal"]', 'user/ops');
  await page.fill('.sim-request input[name="action"]', 'organizations:LeaveOrganization');
  await page.fill('.sim-request input[name="resource"]', '*');
  await waitForDecision(page, 'explicitDeny');
  // The organization's SCP is among the policies in play, in its own editor, with the
  // deciding statement drawn as a deny and explained in words.
  const inPlay = page.locator('.policies-in-play');
  const scp = inPlay.locator('.played-policy', {
    has: page.locator('textarea[aria-label="SCP Guardrails at Workloads (level 2)"]'),
  });
  await scp.waitFor({ state: 'visible', timeout: 15000 });
  await scp.locator('span.hl-deny').first().waitFor({ state: 'visible', timeout: 5000 });
  assert.match(await scp.innerText(), /decides this request/);
  const statement = await highlightedText(scp);
  assert.match(statement, /"Effect": "Deny"/);
  assert.match(statement, /organizations:LeaveOrganization/);
  // The user's own identity policy is listed too: of more than four policies in play, those
  // that do not decide the request are folded, named by their summary.
  const folded = inPlay.locator('details.played-managed:not([open]) > summary');
  assert.ok(await folded.count() >= 1, 'the policies that do not decide are folded');
  assert.ok((await inPlay.locator('.played-policy').count()) + (await folded.count()) >= 2);
  // Unfolding one shows its editor.
  await folded.first().click();
  await inPlay.locator('details.played-managed[open] .played-policy textarea').first().waitFor({ state: 'visible', timeout: 5000 });
  await shootLaptopAndPhone(page, 'simulator-policies-folded');
  assert.deepEqual(problems, []);
  await page.close();
});

test('editing the deciding policy in the workspace never leaves a highlight at a stale place', async () => {
  const { page, problems } = await openPage(app.browser.context, app.server.url);
  await openExampleInSimulator(page, 'least-privilege-groups');
  await page.selectOption('.sim-request select[name="principal"]', 'user/dev-dana');
  await page.fill('.sim-request input[name="action"]', 'rds:DeleteDBInstance');
  await page.fill('.sim-request input[name="resource"]', 'arn:aws:rds:us-east-1:111122223333:db:orders');
  await waitForDecision(page, 'implicitDeny');

  // The nearest miss is drawn in the policy's document editor in the workspace, too.
  await showView(page, 'workspace');
  await page.locator('[data-card="policy:DeveloperAccess"]').click();
  const doc = page.locator('.inspector .doc-editor');
  await doc.locator('span.hl-miss').first().waitFor({ state: 'visible', timeout: 15000 });
  const before = await highlightedText(doc);
  assert.match(before, /rds:List\*/);

  // Lines inserted above the statement move it; the band moves with it instead of staying at
  // the old byte offsets.
  const area = doc.locator('textarea');
  const text = await area.inputValue();
  await area.fill(`\n\n\n${text}`);
  await page.waitForFunction(
    (expected) => {
      const root = document.querySelector('.inspector .doc-editor');
      const area = root?.querySelector('textarea');
      if (!area || !area.value.startsWith('\n\n\n')) return false;
      const drawn = Array.from(root.querySelectorAll('span.hl-allow, span.hl-deny, span.hl-miss'))
        .filter((el) => !el.classList.contains('hl-badge'))
        .map((el) => el.textContent)
        .join('');
      return drawn === expected;
    },
    before,
    { timeout: 10000 },
  );
  assert.equal(await highlightedText(doc), before);
  assert.deepEqual(problems, []);
  await page.close();
});
