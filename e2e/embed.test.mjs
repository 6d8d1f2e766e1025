// Embed mode as a documentation page meets it: e2e/embed.html embeds two playgrounds; both render
// without the app's chrome in their own theme and view, size their iframes to their content
// through postMessage (again when the page's width changes), and "Open in the playground" opens
// the same scenario in the full app, unsaved. Nothing is sent anywhere.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, openPage, showView, screenshotDir, openExample, watchConsole, watchErrors, hostPage, HOST_PAGES_PATH } from './lib/harness.mjs';

const app = useApp();

const shots = screenshotDir();

/** Waits until the iframe's height equals the height its embed reports, and returns it. */
async function sizedToContent(page, id, previous = null) {
  await page.waitForFunction(
    ([frameId, prev]) => {
      const frame = document.getElementById(frameId);
      const reported = Number(frame?.dataset.reportedHeight);
      return reported > 0 && reported !== prev && Math.abs(frame.getBoundingClientRect().height - reported) <= 1;
    },
    [id, previous],
    { timeout: 15000 },
  );
  return page.evaluate((frameId) => Number(document.getElementById(frameId).dataset.reportedHeight), id);
}

test('a documentation page embeds two playgrounds that render, size themselves and link back', async () => {
  const { page, problems } = await openPage(app.browser.context, app.server.embedHostUrl);

  const first = page.frameLocator('#embed-root-vs-admin');
  const second = page.frameLocator('#embed-mfa');
  const firstView = first.locator('.embed-view');
  const secondView = second.locator('.embed-view');
  await firstView.waitFor({ state: 'visible', timeout: 15000 });
  await secondView.waitFor({ state: 'visible', timeout: 15000 });

  // No chrome: no app header, tabs, toolbar or footer inside the frames.
  for (const frame of [first, second]) {
    assert.equal(await frame.locator('.app-header, .tabs, .toolbar, .app-footer, .scenario-switcher').count(), 0);
  }
  // The first shows the policies and the simulation, read-only, light.
  assert.equal(await firstView.getAttribute('data-view'), 'policy-simulate');
  assert.equal(await firstView.getAttribute('data-readonly'), 'true');
  assert.equal(await first.locator('html').getAttribute('data-theme'), 'light');
  // Read-only means the scenario: the workspace is inert, the simulator's request is not.
  assert.equal(await first.locator('fieldset.embed-frozen[disabled]').count(), 1);
  await first.locator('.card-name', { hasText: 'alice' }).first().waitFor({ state: 'visible', timeout: 15000 });
  await first.locator('.sim-result .explanation').first().waitFor({ state: 'visible', timeout: 15000 });
  assert.equal(await first.locator('[data-lane="users"] .lane-add').isVisible(), false, 'read-only: no adding');
  assert.equal(await first.locator('.sim-form input[name="action"]').isEditable(), true, 'read-only: the request still changes');
  for (const editor of await first.locator('.policies-in-play textarea').all()) {
    assert.equal(await editor.isEditable(), false, 'read-only: no policy editing');
  }
  // The second shows only the simulator, editable, dark.
  assert.equal(await secondView.getAttribute('data-view'), 'simulate');
  assert.equal(await secondView.getAttribute('data-readonly'), 'false');
  assert.equal(await second.locator('html').getAttribute('data-theme'), 'dark');
  await second.locator('.sim-form input[name="action"]').waitFor({ state: 'visible', timeout: 15000 });
  assert.equal(await second.locator('.card-name').count(), 0, 'no workspace in a simulate-only embed');
  const background = await second.locator('body').evaluate((b) => getComputedStyle(b).backgroundColor);
  assert.equal(background, 'rgb(17, 20, 24)', 'the dark palette applies');

  // A host with its own light/dark switch can change the theme later.
  await page.evaluate(() => document.getElementById('embed-mfa').contentWindow.postMessage({ type: 'iam-playground:theme', theme: 'light' }, '*'));
  await second.locator('html[data-theme="light"]').waitFor({ state: 'attached', timeout: 5000 });
  await page.evaluate(() => document.getElementById('embed-mfa').contentWindow.postMessage({ type: 'iam-playground:theme', theme: 'dark' }, '*'));
  await second.locator('html[data-theme="dark"]').waitFor({ state: 'attached', timeout: 5000 });

  // Both frames are sized to what they show (the snippets start at 480 px).
  const firstHeight = await sizedToContent(page, 'embed-root-vs-admin');
  const secondHeight = await sizedToContent(page, 'embed-mfa');
  for (const [id, height] of [['embed-root-vs-admin', firstHeight], ['embed-mfa', secondHeight]]) {
    const frame = id === 'embed-root-vs-admin' ? first : second;
    const content = await frame.locator('.embed-view').evaluate((el) => Math.ceil(el.getBoundingClientRect().height));
    assert.ok(Math.abs(content - height) <= 1, `${id}: frame ${height} px, content ${content} px`);
    assert.notEqual(height, 480, `${id} reported its own height`);
  }
  if (shots) await page.screenshot({ path: `${shots}/embed-host-laptop.png`, fullPage: true });

  // A narrower page reflows the embeds, which post their new heights.
  await page.setViewportSize({ width: 390, height: 844 });
  const narrower = await sizedToContent(page, 'embed-mfa', secondHeight);
  assert.ok(narrower > secondHeight, `taller when narrow: ${secondHeight} -> ${narrower}`);
  if (shots) await page.screenshot({ path: `${shots}/embed-host-phone.png`, fullPage: false });
  await page.setViewportSize({ width: 1366, height: 768 });

  // "Open in the playground" opens the full app on the same scenario, as an unsaved copy.
  const link = first.locator('a.open-in-playground');
  assert.equal(await link.getAttribute('target'), '_blank');
  const href = await link.getAttribute('href');
  assert.match(href, /\/playground\/#s=/);
  assert.doesNotMatch(href, /embed/);
  const [opened] = await Promise.all([app.browser.context.waitForEvent('page'), link.click()]);
  await opened.waitForLoadState('load');
  const name = opened.locator('.scenario-switcher .scenario-name');
  await name.waitFor({ state: 'visible', timeout: 15000 });
  assert.equal(await name.innerText(), 'Root user versus an administrator');
  await opened.locator('.keep-scenario').waitFor({ state: 'visible', timeout: 5000 });
  await opened.locator('.tabs').waitFor({ state: 'visible', timeout: 5000 });
  await opened.close();

  // The embeds never touched the reader's saved scenarios.
  const keys = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('iam-playground:')));
  assert.deepEqual(keys, []);
  assert.deepEqual(problems, []);
  await page.close();
});

test('the share view makes embed code whose live preview reports its height', async () => {
  const { page, problems } = await openPage(app.browser.context, app.server.url);
  await openExample(page, 'mfa-required');
  await showView(page, 'share');
  const code = page.locator('textarea.embed-code');
  await code.waitFor({ state: 'visible', timeout: 15000 });
  await page.selectOption('select.embed-view-option', 'simulate');
  await page.selectOption('select.embed-theme-option', 'dark');
  const snippet = await code.inputValue();
  assert.match(snippet, /^<iframe src="http:\/\/127\.0\.0\.1:\d+\/playground\/\?embed&amp;view=simulate&amp;readonly=1&amp;theme=dark#s=[A-Za-z0-9_-]+" title="[^"]+" width="100%" height="480" loading="lazy" style="border: 0;"><\/iframe>\n<script src="http:\/\/127\.0\.0\.1:\d+\/playground\/embed\.js" async><\/script>$/);
  const preview = page.locator('iframe.embed-preview');
  await page.waitForFunction(() => Number(document.querySelector('iframe.embed-preview')?.dataset.reportedHeight) > 0, null, { timeout: 15000 });
  const src = await preview.getAttribute('src');
  assert.equal(snippet.includes(src.replaceAll('&', '&amp;')), true, 'the preview shows what the code embeds');
  await page.frameLocator('iframe.embed-preview').locator('.embed-view[data-view="simulate"]').waitFor({ state: 'visible', timeout: 15000 });
  // The embed is named the same in its title bar and in the iframe's title.
  const framed = await page.frameLocator('iframe.embed-preview').locator('.embed-title').innerText();
  assert.equal(snippet.match(/ title="([^"]+)"/)[1], framed);
  if (shots) {
    await page.locator('.share-view').screenshot({ path: `${shots}/share-embed-options.png` });
  }
  // Each option change reloads the preview, which aborts the previous frame's loads: expected.
  assert.deepEqual(problems.filter((p) => !p.endsWith('net::ERR_ABORTED')), []);
  await page.close();
});

test('a read-only simulate embed changes its request and decision, never its scenario', async () => {
  const { page: share } = await openPage(app.browser.context, app.server.url);
  await openExample(share, 'mfa-required');
  await showView(share, 'share');
  await share.locator('textarea.embed-code').waitFor({ state: 'visible', timeout: 15000 });
  await share.selectOption('select.embed-view-option', 'simulate');
  await share.waitForFunction(() => document.querySelector('textarea.embed-code')?.value.includes('view=simulate'), null, { timeout: 15000 });
  const snippet = await share.locator('textarea.embed-code').inputValue();
  await share.close();
  const src = snippet.match(/src="([^"]+)"/)[1].replaceAll('&amp;', '&');
  assert.match(src, /readonly=1/);

  const { page, problems } = await openPage(app.browser.context, src);
  await page.setViewportSize({ width: 800, height: 900 });
  const view = page.locator('.embed-view[data-view="simulate"][data-readonly="true"]');
  await view.waitFor({ state: 'visible', timeout: 15000 });
  await page.locator('.policies-in-play textarea').first().waitFor({ state: 'attached', timeout: 15000 });

  // The request is live: another action and resource, another decision.
  const form = page.locator('.sim-form');
  await form.locator('select[name="principal"]').selectOption('user/oscar');
  await form.locator('input[name="action"]').fill('s3:ListAllMyBuckets');
  await form.locator('input[name="resource"]').fill('*');
  await page.locator('.sim-result .explanation:not([data-decision="allowed"])').first().waitFor({ state: 'visible', timeout: 15000 });
  await form.locator('input[name="action"]').fill('iam:ChangePassword');
  await form.locator('input[name="resource"]').fill('arn:aws:iam::111122223333:user/oscar');
  await page.locator('.sim-result .explanation[data-decision="allowed"]').first().waitFor({ state: 'visible', timeout: 15000 });
  assert.match(await page.locator('.sim-result').innerText(), /ManageOwnCredentials/);

  // The scenario is not: its policy texts are read-only, typing into one changes nothing, and
  // the edit affordances are hidden, not greyed.
  const editor = page.locator('.policies-in-play textarea').first();
  const before = await editor.inputValue();
  assert.equal(await editor.isEditable(), false);
  await editor.focus();
  await page.keyboard.type('x');
  await page.keyboard.press('Control+z');
  assert.equal(await editor.inputValue(), before);
  assert.equal(await page.locator('[data-action^="add"], [data-action="delete-test"], .add-test, input.test-label, .test-expected select, button:disabled').count(), 0);
  assert.equal(await page.locator('fieldset[disabled]').count(), 0, 'nothing around the request is disabled');
  // Loading a saved test is a request change, so it works.
  await page.locator('[data-action="load-test"]').first().click();
  await page.waitForFunction(() => document.querySelector('.sim-form input[name="action"]')?.value === 'ec2:StopInstances', null, { timeout: 5000 });
  if (shots) {
    await page.screenshot({ path: `${shots}/embed-readonly-simulate-800.png`, fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: `${shots}/embed-readonly-simulate-390.png`, fullPage: true });
  }
  assert.deepEqual(problems, []);
  await page.close();
});

/**
 * Serves `body` as a page of another origin (localhost, while the playground is on 127.0.0.1),
 * with `csp` as its Content-Security-Policy header when given, and opens it in a page that
 * records console errors and warnings, page errors and failed requests.
 */
async function openHostPage(context, port, name, body, csp) {
  hostPage(name, body, csp);
  const page = await context.newPage();
  const problems = [];
  watchConsole(page, problems);
  watchErrors(page, problems);
  await page.goto(`http://localhost:${port}${HOST_PAGES_PATH}${name}.html`, { waitUntil: 'load' });
  return { page, problems };
}

/** A plain documentation page around pasted embed code. */
const docPage = (code) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Docs</title><link rel="icon" href="data:,"></head>
<body style="max-width: 800px; margin: 1rem auto; font: 16px/1.5 system-ui, sans-serif">
<h1>Who may do what</h1><p>The example below is live.</p>
${code}
<p id="after">After the embed.</p>
</body></html>`;

test('the embed code pasted alone into a page on another origin sizes its frame', async () => {
  const { page: share } = await openPage(app.browser.context, app.server.url);
  await openExample(share, 'mfa-required');
  await showView(share, 'share');
  const code = share.locator('textarea.embed-code');
  await code.waitFor({ state: 'visible', timeout: 15000 });
  const snippet = await code.inputValue();
  await share.locator('details.embed-fixed summary').click();
  const fixedCode = await share.locator('textarea.embed-code-fixed').inputValue();
  await share.close();
  const port = new URL(app.server.url).port;

  // With the script: the frame takes the height its embed reports, which is not the 480 px the
  // code starts it at.
  const { page, problems } = await openHostPage(app.browser.context, port, 'pasted', docPage(snippet));
  const frame = page.locator('iframe');
  const content = page.frameLocator('iframe').locator('html');
  // The embed grows while its data arrives; wait until the frame holds all of it.
  let sized = 0;
  let inner = 0;
  for (let i = 0; i < 100; i++) {
    sized = Number(await frame.getAttribute('data-iam-playground-height'));
    const shown = await frame.evaluate((f) => f.getBoundingClientRect().height);
    inner = sized > 0 ? await content.evaluate((e) => e.scrollHeight) : 0;
    if (sized > 0 && Math.abs(shown - sized) <= 1 && inner <= sized + 1) break;
    await page.waitForTimeout(200);
  }
  assert.ok(sized > 0, 'the script sized the frame');
  assert.notEqual(sized, 480, 'the frame was sized to its content');
  // The whole embed fits: nothing scrolls inside the frame.
  assert.ok(inner <= sized + 1, `frame ${sized} px, content ${inner} px`);
  // A message from this page itself (not one of its frames) resizes nothing.
  await page.evaluate(() => window.postMessage({ type: 'iam-playground:height', height: 5 }, '*'));
  await page.waitForTimeout(200);
  assert.ok((await frame.evaluate((f) => f.getBoundingClientRect().height)) > 100, 'the page itself cannot resize the frame');
  assert.deepEqual(problems, []);
  await page.close();

  // Without the script, on a page whose policy forbids scripts: the frame keeps its height and
  // the embed still works.
  const strict = await openHostPage(app.browser.context, port, 'strict', docPage(fixedCode), "default-src 'none'; frame-src http://127.0.0.1:*; img-src data:; style-src 'unsafe-inline'");
  await strict.page.frameLocator('iframe').locator('.embed-view').waitFor({ state: 'visible', timeout: 20000 });
  assert.equal(await strict.page.locator('iframe').getAttribute('height'), '480');
  assert.equal(Math.round(await strict.page.locator('iframe').evaluate((f) => f.getBoundingClientRect().height)), 480);
  assert.deepEqual(strict.problems, []);
  await strict.page.close();
});
