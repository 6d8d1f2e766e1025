// The pipeline works end to end: the release build loads from a sub-path with no console error,
// the Yew shell is visible, and the page requests nothing from any other origin.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, openPage, shootLaptopAndPhone } from './lib/harness.mjs';

const app = useApp();

test('the shell renders from a sub-path with no console error', async () => {
  const { page, problems } = await openPage(app.browser.context, app.server.url);
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
  await shootLaptopAndPhone(page, 'shell');
  await page.close();
});

test('the page declares its language and a content security policy that keeps it offline', async () => {
  const { page } = await openPage(app.browser.context, app.server.url);
  await page.locator('header h1').waitFor({ state: 'visible', timeout: 15000 });
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  assert.match(csp, /connect-src 'self'/);
  assert.match(csp, /default-src 'self'/);
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  await page.close();
});
