// A documentation writer's journey: in the Share & embed view, pick three compact embeds of
// one scenario (a decision card, a policy with "try it", the saved tests), copy each snippet as
// the view gives it, and paste all three into a documentation page on another origin. Each
// frame sizes itself through embed.js and fits its budget at 800 px wide; the reader can change
// the try-it request and sees the decision change, never the scenario; nothing is saved into
// the reader's scenarios and nothing is logged. The plain frame, without the script, works on
// a page whose Content-Security-Policy forbids scripts, and the snippets pasted into a
// Markdown page rendered like mdBook's output size themselves in its content column.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, openPage, showView, openExample, watchConsole, watchErrors, hostPage, HOST_PAGES_PATH, screenshotDir } from './lib/harness.mjs';

const app = useApp();
const shots = screenshotDir();

/** The budgets of the issue, in CSS pixels, at 800 px wide. */
const BUDGET = { decision: 600, try: 1200, tests: 1200 };

/** Picks an embed view in the share view and returns the snippet as the text area shows it. */
async function snippetFor(page, view, pick = async () => {}) {
  await page.selectOption('select.embed-view-option', view);
  await pick();
  const code = page.locator('textarea.embed-code');
  await page.waitForFunction((v) => document.querySelector('textarea.embed-code')?.value.includes(`view=${v}`), view, { timeout: 15000 });
  return code.inputValue();
}

/** A documentation page, 800 px wide, around pasted snippets. */
const docPage = (parts) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Least privilege, explained</title><link rel="icon" href="data:,"></head>
<body style="width: 800px; margin: 1rem auto; font: 16px/1.5 system-ui, sans-serif">
<h1>Least privilege with groups</h1>
${parts.map(([title, code]) => `<h2>${title}</h2>\n<p>Some prose before the example.</p>\n${code}\n<p>Some prose after it.</p>`).join('\n')}
</body></html>`;

/**
 * A page as mdBook renders a chapter written in Markdown, made by hand after its output: the
 * sidebar, the menu bar, and the chapter in `<div id="content" class="content"><main>` with
 * mdBook's column width and type. Markdown renderers differ in what they do with pasted HTML:
 * CommonMark keeps an `<iframe>` line as a raw HTML block, older renderers wrap it in a
 * paragraph. The first snippet is pasted into a `<p>`, the second as a block.
 */
const mdBookPage = (wrapped, block) => `<!DOCTYPE HTML>
<html lang="en" class="light sidebar-visible" dir="ltr">
<head>
<meta charset="UTF-8"><title>Least privilege - IAM notes</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,">
<style>
:root { --sidebar-width: 300px; --page-padding: 15px; --content-max-width: 750px; --menu-bar-height: 50px; }
html { font-family: "Open Sans", sans-serif; color: #000; background: #fff; text-size-adjust: none; }
body { margin: 0; font-size: 1.6rem; overflow-x: hidden; }
html { font-size: 62.5%; }
.sidebar { position: fixed; left: 0; top: 0; bottom: 0; width: var(--sidebar-width); font-size: 0.875em; background: #fafafa; overflow-y: auto; }
.sidebar ol { list-style: none; padding-left: 20px; }
#page-wrapper { box-sizing: border-box; margin-left: var(--sidebar-width); }
.menu-bar { height: var(--menu-bar-height); display: flex; align-items: center; padding: 0 var(--page-padding); border-bottom: 1px solid #e5e5e5; }
.menu-title { flex: 1; text-align: center; font-size: 2.4rem; margin: 0; }
.content { overflow-y: auto; padding: 0 5px 50px 5px; }
.content main { margin-inline-start: auto; margin-inline-end: auto; max-width: var(--content-max-width); }
.content p { line-height: 1.45em; }
.content img, .content video { max-width: 100%; }
</style>
</head>
<body>
<nav id="sidebar" class="sidebar" aria-label="Table of contents"><div class="sidebar-scrollbox">
<ol class="chapter"><li class="chapter-item expanded"><a href="#">1. Introduction</a></li>
<li class="chapter-item expanded"><a href="#" class="active">2. Least privilege</a></li></ol>
</div></nav>
<div id="page-wrapper" class="page-wrapper"><div class="page">
<div id="menu-bar" class="menu-bar"><h1 class="menu-title">IAM notes</h1></div>
<div id="content" class="content"><main>
<h1 id="least-privilege"><a class="header" href="#least-privilege">Least privilege</a></h1>
<p>A developer launches instances through the group's policy:</p>
<p>${wrapped}</p>
<h2 id="try-it"><a class="header" href="#try-it">Try it</a></h2>
<p>Change the action below and watch the decision.</p>
${block}
<p>The next chapter covers permissions boundaries.</p>
</main></div>
</div></div>
</body></html>`;

/** Opens a host page of another origin (localhost) that records console problems. */
async function openHost(context, name, body, csp) {
  hostPage(name, body, csp);
  const port = new URL(app.server.url).port;
  const page = await context.newPage();
  const problems = [];
  watchConsole(page, problems);
  watchErrors(page, problems);
  await page.setViewportSize({ width: 1000, height: 900 });
  await page.goto(`http://localhost:${port}${HOST_PAGES_PATH}${name}.html`, { waitUntil: 'load' });
  return { page, problems };
}

/** The playground origin's saved keys and values, read from a page of that origin that is not the app. */
async function playgroundStorage(context) {
  const page = await context.newPage();
  await page.goto(`${app.server.url}embed.js`);
  const stored = await page.evaluate(() => Object.fromEntries(Object.keys(localStorage).filter((k) => k.startsWith('iam-playground:')).map((k) => [k, localStorage.getItem(k)])));
  await page.close();
  return stored;
}

/** Waits until the n-th iframe is sized by embed.js to its whole content; returns the height. */
async function sizedFrame(page, index) {
  const frame = page.locator('iframe').nth(index);
  await frame.scrollIntoViewIfNeeded();
  const content = page.frameLocator('iframe').nth(index).locator('html');
  let sized = 0;
  let inner = 0;
  let shown = 0;
  for (let i = 0; i < 150; i++) {
    sized = Number(await frame.getAttribute('data-iam-playground-height'));
    shown = await frame.evaluate((f) => f.getBoundingClientRect().height);
    inner = sized > 0 ? await content.evaluate((e) => e.scrollHeight) : 0;
    if (sized > 0 && Math.abs(shown - sized) <= 1 && inner <= sized + 1) break;
    await page.waitForTimeout(200);
  }
  assert.ok(sized > 0, `frame ${index} was sized by embed.js`);
  assert.ok(Math.abs(shown - sized) <= 1, `frame ${index}: shown ${shown} px, sized ${sized} px`);
  assert.ok(inner <= sized + 1, `frame ${index} fits without scrolling: frame ${sized} px, content ${inner} px`);
  return sized;
}

test('three compact embeds pasted into a documentation page size themselves, fit and answer changed requests', async () => {
  // The writer prepares the snippets in the Share & embed view.
  const { page: share, problems: shareProblems } = await openPage(app.browser.context, app.server.url);
  await openExample(share, 'least-privilege-groups');
  await showView(share, 'share');
  await share.locator('textarea.embed-code').waitFor({ state: 'visible', timeout: 15000 });
  // The request the embeds start with: a developer launching an instance.
  const form = share.locator('.embed-request-option .embed-request');
  await form.locator('select[name="principal"]').selectOption('user/dev-dana');
  await form.locator('input[name="action"]').fill('ec2:RunInstances');
  await form.locator('input[name="resource"]').fill('*');
  const decision = await snippetFor(share, 'decision');
  // The live preview shows the card at the chosen width and reports its height.
  await share.selectOption('select.embed-width-option', '800');
  await share.frameLocator('iframe.embed-preview').locator('.embed-card .embed-verdict[data-decision="allowed"]').waitFor({ state: 'visible', timeout: 15000 });
  assert.equal(await share.locator('iframe.embed-preview').evaluate((f) => Math.round(f.getBoundingClientRect().width)), 800);
  await share.waitForFunction(() => Number(document.querySelector('iframe.embed-preview')?.dataset.reportedHeight) > 0, null, { timeout: 15000 });
  const tryIt = await snippetFor(share, 'try', async () => {
    const option = await share.locator('select.embed-policy-option option', { hasText: 'DeveloperAccess' }).getAttribute('value');
    await share.selectOption('select.embed-policy-option', option);
  });
  assert.match(tryIt, /&amp;policy=customer-managed%20policy%20DeveloperAccess/);
  const tests = await snippetFor(share, 'tests');
  await share.locator('details.embed-fixed summary').click();
  await share.selectOption('select.embed-view-option', 'decision');
  await share.waitForFunction(() => document.querySelector('textarea.embed-code-fixed')?.value.includes('view=decision'), null, { timeout: 15000 });
  const fixed = await share.locator('textarea.embed-code-fixed').inputValue();
  for (const snippet of [decision, tryIt, tests]) {
    assert.match(snippet, /^<iframe src="[^"]+\?embed&amp;view=[a-z]+[^"]*&amp;readonly=1#s=[A-Za-z0-9_-]+" [^>]+><\/iframe>\n<script src="[^"]+\/embed\.js" async><\/script>$/);
  }
  assert.doesNotMatch(fixed, /<script/);
  await share.close();
  const storedBefore = await playgroundStorage(app.browser.context);
  assert.ok(Object.keys(storedBefore).length > 0, 'the writer\'s own scenario is saved');
  // Option changes reload the preview, which aborts the previous frame's loads: expected.
  assert.deepEqual(shareProblems.filter((p) => !p.endsWith('net::ERR_ABORTED')), []);

  // The reader's page: the three snippets pasted as they are.
  const { page, problems } = await openHost(app.browser.context, 'docs-three', docPage([
    ['The decision', decision],
    ['Try the policy', tryIt],
    ['The saved tests', tests],
  ]));
  const frames = [0, 1, 2].map((i) => page.frameLocator('iframe').nth(i));
  const ready = {
    decision: '.embed-view[data-view="decision"] .embed-verdict',
    try: '.embed-view[data-view="try"] .try-policy',
    tests: '.embed-view[data-view="tests"] .embed-test',
  };
  const heights = {};
  for (const [i, view] of ['decision', 'try', 'tests'].entries()) {
    // The frames load lazily: the reader scrolls to each.
    await page.locator('iframe').nth(i).scrollIntoViewIfNeeded();
    await frames[i].locator(ready[view]).first().waitFor({ state: 'visible', timeout: 20000 });
    heights[view] = await sizedFrame(page, i);
    assert.ok(heights[view] <= BUDGET[view], `${view}: ${heights[view]} px is within ${BUDGET[view]} px`);
    assert.equal(Math.round(await page.locator('iframe').nth(i).evaluate((f) => f.getBoundingClientRect().width)), 800);
  }
  console.log(`compact embeds at 800 px wide: ${JSON.stringify(heights)}`);

  // The decision card: the request, its decision and the deciding statement, quoted.
  const card = frames[0].locator('.embed-card');
  assert.match(await card.locator('.card-request').innerText(), /dev-dana.*ec2:RunInstances/s);
  assert.equal(await card.locator('.embed-verdict').getAttribute('data-decision'), 'allowed');
  assert.match(await card.locator('.deciding li').first().innerText(), /DeployOnEc2AndS3/);
  assert.match(await card.locator('.statement-text').first().innerText(), /"Effect": "Allow"/);

  // Read-only means the scenario: no edit affordance anywhere, hidden rather than greyed.
  for (const frame of frames) {
    assert.equal(await frame.locator('.embed-view').getAttribute('data-readonly'), 'true');
    assert.equal(await frame.locator('fieldset[disabled]').count(), 0, 'the request stays usable');
    assert.equal(await frame.locator('[data-action^="add"], [data-action="delete-test"], .card-menu-button, .chip-remove, button:disabled').count(), 0);
  }

  // Try it: the policy with its deciding statement highlighted, and a request the reader changes.
  const tryFrame = frames[1];
  assert.equal(await tryFrame.locator('.try-heading').innerText(), 'customer-managed policy DeveloperAccess');
  const verdict = tryFrame.locator('.try-request .embed-verdict');
  await tryFrame.locator('.try-request .embed-verdict[data-decision="allowed"]').waitFor({ state: 'visible', timeout: 15000 });
  await tryFrame.locator('.try-request input[name="action"]').fill('rds:DeleteDBInstance');
  await tryFrame.locator('.try-request .embed-verdict[data-decision="implicitDeny"]').waitFor({ state: 'visible', timeout: 15000 });
  assert.match(await verdict.innerText(), /Implicit deny|not allowed|No statement/i);
  // The frame follows its new height, still within budget.
  const afterChange = await sizedFrame(page, 1);
  assert.ok(afterChange <= BUDGET.try, `try after a change: ${afterChange} px`);
  // The read-only scenario is unchanged: the open-in-playground link still carries the same data.

  // Saved tests: pass or fail per row, each opening to its reason.
  const rows = frames[2].locator('.embed-test');
  assert.equal(await rows.count(), 8);
  assert.match(await frames[2].locator('.tests-summary').innerText(), /8 of 8 pass/);
  await rows.first().locator('summary').click();
  await rows.first().locator('.embed-test-reason').waitFor({ state: 'visible', timeout: 5000 });
  assert.match(await rows.first().locator('.embed-test-reason').innerText(), /dev-dana · ec2:RunInstances/);
  const opened = await sizedFrame(page, 2);
  assert.ok(opened <= BUDGET.tests, `tests with a row open: ${opened} px`);
  if (shots) await page.screenshot({ path: `${shots}/embed-docs-800.png`, fullPage: true });

  // Nothing from the embeds was saved into the reader's own scenarios: the playground origin's
  // storage (read from a plain file of that origin, not the app) is as it was before the page.
  assert.deepEqual(await playgroundStorage(app.browser.context), storedBefore);
  assert.deepEqual(problems, []);
  await page.close();

  // The plain frame, on a page whose policy forbids scripts: fixed height, still answering.
  const strict = await openHost(app.browser.context, 'docs-strict', docPage([['The decision', fixed]]),
    "default-src 'none'; frame-src http://127.0.0.1:*; img-src data:; style-src 'unsafe-inline'");
  const plain = strict.page.frameLocator('iframe');
  await plain.locator('.embed-card .embed-verdict[data-decision="allowed"]').waitFor({ state: 'visible', timeout: 20000 });
  const height = Number(await strict.page.locator('iframe').getAttribute('height'));
  assert.equal(Math.round(await strict.page.locator('iframe').evaluate((f) => f.getBoundingClientRect().height)), height);
  assert.equal(await strict.page.locator('iframe').getAttribute('data-iam-playground-height'), null, 'no script sized it');
  assert.deepEqual(strict.problems, []);
  await strict.page.close();

  // A Markdown page rendered by mdBook: the snippets inside its content column, one wrapped in
  // a paragraph by the renderer. Each frame fills the column and sizes itself.
  const book = await openHost(app.browser.context, 'docs-mdbook', mdBookPage(decision, tryIt));
  await book.page.setViewportSize({ width: 1366, height: 900 });
  const column = await book.page.locator('.content main').evaluate((m) => Math.round(m.getBoundingClientRect().width));
  assert.equal(column, 750);
  const bookFrames = [0, 1].map((i) => book.page.frameLocator('iframe').nth(i));
  assert.equal(await book.page.locator('main > p > iframe').count(), 1, 'the first snippet sits in a paragraph');
  await bookFrames[0].locator(ready.decision).first().waitFor({ state: 'visible', timeout: 20000 });
  const bookCard = await sizedFrame(book.page, 0);
  assert.ok(bookCard <= BUDGET.decision, `decision in mdBook: ${bookCard} px`);
  await bookFrames[1].locator(ready.try).first().waitFor({ state: 'visible', timeout: 20000 });
  const bookTry = await sizedFrame(book.page, 1);
  assert.ok(bookTry <= BUDGET.try, `try in mdBook: ${bookTry} px`);
  for (const i of [0, 1]) {
    const width = await book.page.locator('iframe').nth(i).evaluate((f) => Math.round(f.getBoundingClientRect().width));
    assert.equal(width, column, `frame ${i} fills the column`);
  }
  // The try-it request still answers inside the book.
  await bookFrames[1].locator('.try-request input[name="action"]').fill('rds:DeleteDBInstance');
  await bookFrames[1].locator('.try-request .embed-verdict[data-decision="implicitDeny"]').waitFor({ state: 'visible', timeout: 15000 });
  console.log(`compact embeds in an mdBook page (750 px column): decision ${bookCard} px, try ${bookTry} px`);
  if (shots) {
    // A full-page capture draws cross-origin frames poorly beside a fixed sidebar: one view each.
    for (const i of [0, 1]) {
      await book.page.locator('iframe').nth(i).scrollIntoViewIfNeeded();
      await book.page.screenshot({ path: `${shots}/embed-docs-mdbook-${i + 1}.png` });
    }
  }
  assert.deepEqual(book.problems, []);
  await book.page.close();
});

test('an embed with a bad view or policy says so and shows its default', async () => {
  const { page: share } = await openPage(app.browser.context, app.server.url);
  await openExample(share, 'least-privilege-groups');
  await showView(share, 'share');
  const snippet = await snippetFor(share, 'try');
  await share.close();
  const src = snippet.match(/src="([^"]+)"/)[1].replaceAll('&amp;', '&');
  const { page, problems } = await openPage(app.browser.context, src.replace('view=try', 'view=try&policy=customer-managed%20policy%20Nope'));
  await page.locator('.embed-param-error').waitFor({ state: 'visible', timeout: 15000 });
  assert.match(await page.locator('.embed-param-error').innerText(), /“customer-managed policy Nope”, which its scenario does not have/);
  await page.locator('.try-policy').waitFor({ state: 'visible', timeout: 15000 });
  // The policy shown by default is named in the words the verdict uses for it.
  await page.locator('.try-request .embed-verdict[data-decision]').waitFor({ state: 'visible', timeout: 15000 });
  const heading = await page.locator('.try-heading').innerText();
  const verdictText = await page.locator('.try-request .embed-verdict').innerText();
  assert.ok(verdictText.includes(heading), `"${heading}" named in the verdict: ${verdictText}`);
  // Leaving the page may abort its last data load: expected.
  await page.goto(src.replace('view=try', 'view=nonsense'), { waitUntil: 'load' });
  await page.locator('.embed-param-error').waitFor({ state: 'visible', timeout: 15000 });
  assert.match(await page.locator('.embed-param-error').innerText(), /view named “nonsense”/);
  assert.equal(await page.locator('.embed-view').getAttribute('data-view'), 'policy-simulate');
  assert.deepEqual(problems.filter((p) => !p.endsWith('net::ERR_ABORTED')), []);
  await page.close();
});
