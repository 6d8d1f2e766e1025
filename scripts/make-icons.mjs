// Draws the installed app's icons (static/icons/*.png) from the favicon (static/favicon.svg)
// with Debian's Chromium, through playwright-core. Run it again after changing the logo:
//   node scripts/make-icons.mjs
//
// - icon-<size>.png: the favicon as it is (a rounded square on a transparent background), for
//   places that show the icon unmasked.
// - icon-maskable-<size>.png: the same drawing on a square with no rounded corners, for platforms
//   that cut their own shape (circle, squircle) out of it. The logo's marks span the middle
//   half of the square, inside the safe zone (a circle of 40% of the size) every mask keeps.
// - apple-touch-icon.png (180 px): the maskable drawing; iOS rounds the corners itself.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const svg = readFileSync(path.join(root, 'static', 'favicon.svg'), 'utf8');
// The favicon's square is `<rect ... rx="7" .../>`: the maskable variant fills the whole canvas.
const fullBleed = svg.replace(/(<rect\b[^>]*?)\s+rx="[^"]*"/, '$1');
if (fullBleed === svg) throw new Error('static/favicon.svg has no rounded <rect rx="..."> to square off');

const out = path.join(root, 'static', 'icons');
mkdirSync(out, { recursive: true });
const icons = [
  ['icon-192.png', svg, 192],
  ['icon-512.png', svg, 512],
  ['icon-maskable-192.png', fullBleed, 192],
  ['icon-maskable-512.png', fullBleed, 512],
  ['apple-touch-icon.png', fullBleed, 180],
];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
try {
  const page = await browser.newPage({ deviceScaleFactor: 1 });
  for (const [name, source, size] of icons) {
    await page.setViewportSize({ width: size, height: size });
    const sized = source.replace('<svg ', `<svg width="${size}" height="${size}" `);
    await page.setContent(`<!doctype html><style>html,body{margin:0;background:transparent}svg{display:block}</style>${sized}`);
    const png = await page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
    writeFileSync(path.join(out, name), png);
    console.log(`${name}: ${size}x${size}, ${png.length} bytes`);
  }
} finally {
  await browser.close();
}
