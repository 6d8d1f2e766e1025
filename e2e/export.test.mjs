// The export and import view as a reader meets it: an example exported as a CloudFormation
// template in YAML and JSON, downloaded as a file, and a pasted template imported as a new
// scenario with what was left out listed; bad text shows where it is wrong and changes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { useApp, openPage, showView, shootLaptopAndPhone, openExample } from './lib/harness.mjs';

const app = useApp();

const TEMPLATE = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Ops:
    Type: AWS::IAM::Group
    Properties:
      GroupName: ops
  Dana:
    Type: AWS::IAM::User
    Properties:
      UserName: dana
      Groups: [!Ref Ops]
      ManagedPolicyArns:
        - !Sub arn:\${AWS::Partition}:iam::aws:policy/ReadOnlyAccess
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: jobs
      VisibilityTimeout: 60
  Fn:
    Type: AWS::Lambda::Function
`;

/** The action of root-vs-admin's first saved test, the Simulator's opening request. */
const FIRST_TEST_ACTION = 'iam:CreateUser';

test('an example exports as YAML and JSON and downloads as a file', async () => {
  const { page, problems } = await openPage(app.browser.context, app.server.url);
  await openExample(page, 'root-vs-admin');
  await showView(page, 'export');
  const code = page.locator('pre.export-code[data-format]');
  await code.waitFor({ state: 'visible', timeout: 15000 });
  assert.equal(await code.getAttribute('data-format'), 'yaml');
  assert.match(await code.innerText(), /Type: AWS::IAM::User/);
  assert.ok((await code.locator('.tok-key').count()) > 0, 'keys are coloured');
  assert.match(await page.locator('.export-left-out').innerText(), /root user/);
  await shootLaptopAndPhone(page, 'export');

  // Copy puts the template on the clipboard (or, where the browser refuses, selects it and says so).
  await app.browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(app.server.url).origin });
  await page.locator('.export-copy').click();
  const status = page.locator('.export-status').first();
  await page.waitForFunction(() => document.querySelector('.export-status')?.textContent !== '', null, { timeout: 5000 });
  const said = await status.innerText();
  if (said === 'Copied.') {
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), await code.innerText());
  } else {
    assert.match(said, /text is selected/);
  }

  // Before the Simulator is visited, "Check the answer with AWS" already holds the input for
  // the request the Simulator opens with (the example's first saved test).
  const opening = page.locator('pre.export-cli');
  await opening.waitFor({ state: 'visible', timeout: 5000 });
  assert.deepEqual(JSON.parse(await opening.innerText()).ActionNames, [FIRST_TEST_ACTION]);
  assert.equal(await page.locator('.export-cli-empty').count(), 0);
  await showView(page, 'simulate');
  // A request made there appears here as AWS's simulate-custom-policy input.
  await page.locator('input[name="action"]').fill('iam:ListUsers');
  await page.locator('input[name="action"]').blur();
  await showView(page, 'export');
  const cli = page.locator('pre.export-cli');
  await cli.waitFor({ state: 'visible', timeout: 5000 });
  const input = JSON.parse(await cli.innerText());
  assert.deepEqual(input.ActionNames, ['iam:ListUsers']);
  assert.ok(Array.isArray(input.PolicyInputList));
  await page.locator('.export-cli').scrollIntoViewIfNeeded();
  await shootLaptopAndPhone(page, 'export-cli');

  await page.locator('button[data-format="json"]').click();
  await page.locator('pre.export-code[data-format="json"]').waitFor({ state: 'visible', timeout: 5000 });
  const json = JSON.parse(await page.locator('pre.export-code[data-format="json"]').innerText());
  assert.ok(Object.values(json.Resources).some((r) => r.Type === 'AWS::IAM::User'));

  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: 10000 }),
    page.locator('.export-download').click(),
  ]);
  assert.match(download.suggestedFilename(), /\.json$/);
  const saved = readFileSync(await download.path(), 'utf8');
  assert.deepEqual(JSON.parse(saved), json);
  assert.deepEqual(problems, []);
  await page.close();
});

test('an example exports as Terraform in either policy style and downloads as main.tf', async () => {
  const { page, problems } = await openPage(app.browser.context, app.server.url);
  await openExample(page, 'permissions-boundary');
  await showView(page, 'export');
  await page.locator('pre.export-code[data-format]').first().waitFor({ state: 'visible', timeout: 15000 });
  await page.locator('button[data-format="terraform"]').click();
  const code = page.locator('pre.export-code[data-format="hcl"]');
  await code.waitFor({ state: 'visible', timeout: 5000 });
  const hcl = await code.innerText();
  assert.match(hcl, /^# Terraform configuration exported by the IAM policy playground\./);
  assert.match(hcl, /resource "aws_iam_user" "maria" \{/);
  assert.match(hcl, /policy\s+= jsonencode\(\{/);
  assert.match(hcl, /arn:\$\{data\.aws_partition\.current\.partition\}:iam::aws:policy\//);
  assert.ok((await code.locator('.tok-fn').count()) > 0, 'block types are coloured');
  assert.match(await page.locator('.export-left-out').innerText(), /not managed by Terraform/);

  // The policy style is a keyboard choice like the format.
  await page.locator('button[data-policy-style="document"]').focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('pre.export-code')?.textContent.includes('data "aws_iam_policy_document"'), null, { timeout: 5000 });
  assert.equal(await page.locator('button[data-policy-style="document"]').getAttribute('aria-pressed'), 'true');
  const documentStyle = await code.innerText();
  assert.match(documentStyle, /statement \{\n\s+sid\s+= /);
  await shootLaptopAndPhone(page, 'export-terraform');

  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: 10000 }),
    page.locator('.export-download').click(),
  ]);
  assert.equal(download.suggestedFilename(), 'main.tf');
  assert.equal(readFileSync(await download.path(), 'utf8').trimEnd(), documentStyle.trimEnd());
  assert.deepEqual(problems, []);
  await page.close();
});

test('a pasted template opens as a new scenario and lists what was left out', async () => {
  const { page, problems } = await openPage(app.browser.context, app.server.url);
  await showView(page, 'export');
  const area = page.locator('textarea.export-import-text');
  await area.fill(TEMPLATE);
  await page.locator('.export-import-run').click();
  // Opening switches to the workspace; the notice counts the skipped items by kind, and each
  // kind, opened, names its items with their lines.
  const notice = page.locator('[data-notice="warning"]');
  await notice.waitFor({ state: 'visible', timeout: 5000 });
  const text = await notice.innerText();
  assert.match(text, /Left out 2 items: [a-z][a-z ]+ \(1\)/);
  assert.equal(await notice.locator('.notice-group-items li').count(), 0, 'folded until opened');
  for (const toggle of await notice.locator('.notice-group-toggle').all()) await toggle.click();
  const items = (await notice.locator('.notice-group-items').allInnerTexts()).join('\n');
  assert.match(items, /Queue property VisibilityTimeout \(line 18\)/);
  assert.match(items, /AWS::Lambda::Function/);
  await showView(page, 'export');
  await page.locator('button[data-format="json"]').click();
  const exported = JSON.parse(await page.locator('pre.export-code[data-format="json"]').innerText());
  const names = Object.values(exported.Resources).map((r) => r.Properties?.UserName).filter(Boolean);
  assert.deepEqual(names, ['dana']);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a file opened with the picker imports authorization details in the browser', async () => {
  const { page, problems } = await openPage(app.browser.context, app.server.url);
  await showView(page, 'export');
  const fixture = new URL('../crates/iam-engine/tests/import/authorization-details.json', import.meta.url);
  await page.locator('.export-file-input').setInputFiles({
    name: 'authorization-details.json',
    mimeType: 'application/json',
    buffer: readFileSync(fixture),
  });
  const notice = page.locator('[data-notice="warning"]');
  await notice.waitFor({ state: 'visible', timeout: 5000 });
  assert.match(await notice.innerText(), /Imported the account authorization details/);
  await notice.locator('.notice-group-toggle', { hasText: 'Instance profiles' }).click();
  assert.match(await notice.innerText(), /role web-server instance profiles/);
  assert.match(await page.locator('.scenario-name').first().innerText(), /Account authorization details/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('two .tf files opened together import as one configuration; a plan JSON imports too', async () => {
  const { page, problems } = await openPage(app.browser.context, app.server.url);
  await showView(page, 'export');
  const dir = new URL('../crates/iam-engine/tests/import/terraform/', import.meta.url);
  await page.locator('.export-file-input').setInputFiles(['main.tf', 'iam.tf'].map((name) => ({
    name,
    mimeType: 'text/plain',
    buffer: readFileSync(new URL(name, dir)),
  })));
  const notice = page.locator('[data-notice="warning"]');
  await notice.waitFor({ state: 'visible', timeout: 5000 });
  assert.match(await notice.innerText(), /Imported the Terraform configuration \(HCL\)/);
  // The report counts the left-out items by kind; opened, each item has its file, line and column.
  const toggles = notice.locator('.notice-group-toggle');
  for (let i = 0; i < await toggles.count(); i++) await toggles.nth(i).click();
  const text = await notice.innerText();
  assert.match(text, /resource aws_lambda_function\.notifier \(main\.tf:58:1\)/);
  assert.match(text, /aws_iam_user_policy\.maria_extra policy \(iam\.tf:106:12\)/);
  await showView(page, 'export');
  await page.locator('button[data-format="json"]').click();
  const exported = JSON.parse(await page.locator('pre.export-code[data-format="json"]').innerText());
  const roles = Object.values(exported.Resources).map((r) => r.Properties?.RoleName).filter(Boolean);
  assert.deepEqual(roles, ['deploy']);

  // The seed's plan (terraform show -json), opened alone.
  await page.locator('.export-file-input').setInputFiles({
    name: 'plan.json',
    mimeType: 'application/json',
    buffer: readFileSync(new URL('seed-admin-plan.json', dir)),
  });
  await page.waitForFunction(() => document.querySelector('[data-notice]')?.textContent.includes('Terraform plan'), null, { timeout: 5000 });
  assert.match(await page.locator('[data-notice]').first().innerText(), /Nothing was left out/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('bad import text shows its line and column and changes nothing', async () => {
  const { page, problems } = await openPage(app.browser.context, app.server.url);
  await showView(page, 'export');
  await page.locator('.export-template pre.export-code, .export-error').first().waitFor({ state: 'visible', timeout: 15000 });
  const before = await page.locator('.export-view').first().innerText();
  const area = page.locator('textarea.export-import-text');
  await area.fill('Resources:\n  A: [unclosed\n  B: 1\n');
  await page.locator('.export-import-run').click();
  const error = page.locator('.export-import-error[role="alert"]');
  await error.waitFor({ state: 'visible', timeout: 5000 });
  assert.match(await error.innerText(), /^Line \d+, column \d+: /);
  assert.equal(await area.inputValue(), 'Resources:\n  A: [unclosed\n  B: 1\n');
  assert.equal(await page.locator('main[data-view="export"]').count(), 1, 'still on the export view');
  await shootLaptopAndPhone(page, 'export-import-error');
  // Nothing changed: the template is the same as before the attempt.
  const after = await page.locator('.export-view').first().innerText();
  assert.equal(after.split('Import')[0], before.split('Import')[0]);
  assert.deepEqual(problems, []);
  await page.close();
});

test('an account over the stack quota exports as a parent template and nested stacks, each to download', async () => {
  const { page, problems } = await openPage(app.browser.context, app.server.url);
  // 600 roles: over CloudFormation's 500 resources per stack.
  const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
  const scenario = {
    formatVersion: 1,
    title: 'Six hundred roles',
    account: { id: '111122223333' },
    roles: Array.from({ length: 600 }, (_, i) => ({ name: `role-${i}`, trustPolicy: trust })),
  };
  await showView(page, 'export');
  await page.locator('textarea.export-import-text').fill(JSON.stringify(scenario));
  await page.locator('.export-import-run').click();
  await page.locator('[data-notice]').first().waitFor({ state: 'visible', timeout: 10000 });
  await showView(page, 'export');
  const note = page.locator('.export-split');
  await note.waitFor({ state: 'visible', timeout: 10000 });
  assert.match(await note.innerText(), /600 resources/);
  const files = await page.locator('.export-split-file').evaluateAll((rows) => rows.map((r) => r.dataset.file));
  assert.deepEqual(files, ['Six-hundred-roles.yaml', 'Six-hundred-roles-part-1.yaml', 'Six-hundred-roles-part-2.yaml']);
  await shootLaptopAndPhone(page, 'export-split');
  // Keyboard: the second part's Download button downloads that file.
  const downloading = page.waitForEvent('download');
  await page.locator('[data-file="Six-hundred-roles-part-2.yaml"] .export-split-download').focus();
  await page.keyboard.press('Enter');
  const download = await downloading;
  assert.equal(download.suggestedFilename(), 'Six-hundred-roles-part-2.yaml');
  const text = readFileSync(await download.path(), 'utf8');
  assert.match(text, /RoleName: role-599/);
  assert.equal((text.match(/Type: AWS::IAM::Role/g) ?? []).length, 100);
  assert.deepEqual(problems, []);
  await page.close();
});
