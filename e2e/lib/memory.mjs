// The memory a tab uses, for the journeys that print it (never asserted): the peak resident size
// of Chromium's renderer processes (VmHWM in /proc/<pid>/status, Linux only: the page and its
// workers run in its renderer), found through the browser's own process list (CDP
// SystemInfo.getProcessInfo), and the page's JavaScript heap (CDP Performance.getMetrics).
import { readFileSync } from 'node:fs';

const KIB = 1024;

/** `VmHWM` and `VmRSS` of process `pid` in bytes, or undefined where /proc cannot tell. */
function residentOf(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name) => Number(status.match(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm'))?.[1] ?? NaN) * KIB;
    const peak = field('VmHWM');
    return Number.isFinite(peak) ? { peak, now: field('VmRSS') } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Follows the memory of `page` (in `context`, a browser of its own): call `sample()` after each
 * step, then `report()`. The renderer's peak is the operating system's high-water mark, so it
 * holds whatever happened between samples; the JavaScript heap is the largest sampled.
 */
export async function followMemory(context, page) {
  const pageSession = await context.newCDPSession(page);
  await pageSession.send('Performance.enable');
  const browser = context.browser();
  const browserSession = browser ? await browser.newBrowserCDPSession() : undefined;
  let heapUsed = 0;
  let heapTotal = 0;
  const renderers = async () => {
    if (!browserSession) return [];
    try {
      const { processInfo } = await browserSession.send('SystemInfo.getProcessInfo');
      return processInfo.filter((p) => p.type === 'renderer').map((p) => p.id);
    } catch {
      return [];
    }
  };
  const sample = async () => {
    const { metrics } = await pageSession.send('Performance.getMetrics');
    const metric = (name) => metrics.find((m) => m.name === name)?.value ?? 0;
    heapUsed = Math.max(heapUsed, metric('JSHeapUsedSize'));
    heapTotal = Math.max(heapTotal, metric('JSHeapTotalSize'));
  };
  /**
   * The peaks so far: `renderer` is the largest renderer's { pid, peak, now } in bytes (the
   * journey's tab, the only page of its browser: the others are the browser's spare and its
   * own UI), undefined where it cannot be read; `heapUsed` / `heapTotal` in bytes.
   */
  const report = async () => {
    await sample();
    let renderer;
    for (const pid of await renderers()) {
      const r = residentOf(pid);
      if (r && (!renderer || r.peak > renderer.peak)) renderer = { pid, ...r };
    }
    return { renderer, heapUsed, heapTotal };
  };
  return { sample, report };
}

/** Bytes as mebibytes with one decimal ("512.3 MiB"). */
export function mib(bytes) {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}
