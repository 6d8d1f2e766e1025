// "Why was I denied?": a new user pastes the AccessDenied error they got into the playground,
// sees the request rebuilt, the reason in words and a verified fix, applies it and sees the
// decision become allowed; undo brings the denial back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, openPage, showView, launchBrowser, shootLaptopAndPhone } from './lib/harness.mjs';

const app = useApp({ browser: false });

const MESSAGE = 'User: arn:aws:iam::123456789012:user/dev is not authorized to perform: s3:DeleteBucket on resource: arn:aws:s3:::prod-logs because no identity-based policy allows the s3:DeleteBucket action';

/** Waits until the simulator's answer shows `decision` (AWS spelling). */
async function waitForDecision(page, decision) {
  await page.waitForFunction(
    (d) => document.querySelector('.sim-result .explanation')?.dataset.decision === d,
    decision,
    { timeout: 15000 },
  );
}

test('a pasted AccessDenied message is explained, fixed with one undoable edit, and undone', async () => {
  // A fresh profile: a new user's empty scenario (account 123456789012).
  const browser = await launchBrowser();
  try {
    const { page, problems } = await openPage(browser.context, app.server.url);
    await page.setViewportSize({ width: 1366, height: 900 });
    await showView(page, 'simulate');
    const panel = page.locator('.sim-denied');
    const input = panel.locator('textarea[aria-label="AccessDenied error to explain"]');
    await input.waitFor({ state: 'visible', timeout: 15000 });

    // Something that is no AccessDenied error is refused in place, with a line and column.
    await input.fill('{"eventName": ');
    await panel.locator('[data-action="explain-denied"]').click();
    await panel.locator('.denied-error').waitFor({ state: 'visible', timeout: 5000 });
    assert.match(await panel.locator('.denied-error').innerText(), /^Line 1, column \d+: /);

    // The message, explained from the keyboard (Ctrl+Enter in the text box).
    await input.fill(MESSAGE);
    await input.focus();
    await page.keyboard.press('Control+Enter');
    const result = panel.locator('.denied-result');
    await result.waitFor({ state: 'visible', timeout: 5000 });
    const request = await result.locator('.denied-request').innerText();
    assert.match(request, /arn:aws:iam::123456789012:user\/dev/);
    assert.match(request, /s3:DeleteBucket/);
    assert.match(request, /arn:aws:s3:::prod-logs/);
    assert.match(request, /AWS says no identity-based policy allows it/);
    // The request is loaded into the simulator's request panel.
    assert.equal(await page.locator('.sim-request input[name="action"]').inputValue(), 's3:DeleteBucket');
    assert.equal(await page.locator('.sim-request input[name="resource"]').inputValue(), 'arn:aws:s3:::prod-logs');

    // The empty scenario has no user dev: the panel says so and offers to add it.
    assert.match(await result.locator('.denied-principal').innerText(), /The scenario has no user dev/);
    await result.locator('[data-action="add-denied-principal"]').click();
    await page.waitForFunction(() => document.querySelector('.sim-denied .denied-principal') === null, null, { timeout: 5000 });
    await waitForDecision(page, 'implicitDeny');

    // The reason in words, the agreement with AWS's claim, and the fix, verified.
    assert.match(await result.locator('.denied-reason').innerText(), /No statement allows it: no identity-based policy allows s3:DeleteBucket/);
    assert.match(await result.locator('.denied-agreement').innerText(), /^Agrees with AWS\./);
    const fix = result.locator('.denied-fix');
    assert.match(await fix.innerText(), /Fix \(verified: the request is then allowed\)/);
    assert.match(await fix.innerText(), /Add the inline policy Allow-s3-DeleteBucket to user dev/);
    await shootLaptopAndPhone(page, 'denied-explained');

    // Apply it: one undo step, and the simulator's decision becomes allowed.
    await fix.locator('[data-action="apply-denied-fix"]').click();
    await waitForDecision(page, 'allowed');
    assert.match(await result.locator('[data-denied-decision]').innerText(), /^Allowed$/);
    assert.equal(await result.locator('.denied-fix').count(), 0);
    const undo = page.locator('[data-action="undo"]');
    assert.match(await undo.getAttribute('title'), /Allow s3:DeleteBucket for user dev/);

    // Undo brings the denial back (and the fix with it); user dev stays.
    await undo.click();
    await waitForDecision(page, 'implicitDeny');
    await result.locator('.denied-fix').waitFor({ state: 'visible', timeout: 5000 });
    assert.match(await undo.getAttribute('title'), /Add user dev/);
    assert.deepEqual(problems, []);
    await page.close();
  } finally {
    await browser.close();
  }
});
