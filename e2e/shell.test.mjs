// The pipeline works end to end: the release build loads from a sub-path with no console error,
// the Yew shell is visible, and the page requests nothing from any other origin.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { startServer, launchBrowser, openPage } from './lib/harness.mjs';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('the shell renders from a sub-path with no console error', async () => {
  const { page, problems } = await openPage(browser.context, server.url);
  await page.locator('header h1').waitFor({ state: 'visible', timeout: 15000 });
  assert.match(await page.locator('header h1').innerText(), /IAM Policy Playground/);
  assert.ok(await page.locator('main#workspace').isVisible(), 'the workspace area is visible');
  assert.match(await page.locator('footer .version').innerText(), /^Version \d+\.\d+\.\d+/);
  assert.equal(await page.title(), 'IAM Policy Playground');
  // The action catalog arrives after the first render, compressed, from the page's own origin.
  const status = page.locator('footer .data-status[data-state="ready"]');
  await status.waitFor({ state: 'visible', timeout: 15000 });
  assert.match(await status.innerText(), /AWS data of \d{4}-\d{2}-\d{2}: \d{3} services, \d{2},\d{3} actions/);
  assert.deepEqual(problems, []);
  if (process.env.E2E_SCREENSHOTS) {
    mkdirSync(process.env.E2E_SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: `${process.env.E2E_SCREENSHOTS}/shell-laptop.png`, fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: `${process.env.E2E_SCREENSHOTS}/shell-phone.png`, fullPage: true });
  }
  await page.close();
});

test('the page declares its language and a content security policy that keeps it offline', async () => {
  const { page } = await openPage(browser.context, server.url);
  await page.locator('header h1').waitFor({ state: 'visible', timeout: 15000 });
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  assert.match(csp, /connect-src 'self'/);
  assert.match(csp, /default-src 'self'/);
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  await page.close();
});
