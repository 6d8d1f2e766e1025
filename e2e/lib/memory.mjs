// The memory a tab uses, for the journeys that print it (never asserted): the peak resident size
// of Chromium's renderer processes (VmHWM in /proc/<pid>/status, Linux only: the page and its
// workers run in its renderer), found through the browser's own process list (CDP
// SystemInfo.getProcessInfo), and what makes it up: the page's and each Web Worker's
// WebAssembly memory (which never shrinks: its size is the instance's high-water mark) and
// JavaScript heap.
//
// The wasm memories are found by wrapping WebAssembly.instantiate / instantiateStreaming before
// any script runs (an init script in the page; in each worker, through a CDP session that holds
// the worker at its start until the wrapper is in), so the app itself exposes nothing.
// (Runtime.queryObjects would find them without a wrapper, but it crashes the renderer.)
import { readFileSync } from 'node:fs';

const KIB = 1024;

/**
 * `VmHWM` and `VmRSS` of process `pid` in bytes, and of the resident pages those that are the
 * process's own (`RssAnon` + `RssShmem`: its heaps, wasm memories, compiled code) and those
 * mapped from files (`RssFile`: Chromium's own binary and libraries, shared with every other
 * process; Chrome's task manager leaves them out of a tab's memory footprint); undefined where
 * /proc cannot tell.
 */
function residentOf(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name) => Number(status.match(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm'))?.[1] ?? NaN) * KIB;
    const peak = field('VmHWM');
    return Number.isFinite(peak)
      ? { peak, now: field('VmRSS'), own: field('RssAnon') + field('RssShmem'), file: field('RssFile') }
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Records every WebAssembly memory a realm instantiates in `globalThis.__wasmMemories` (the
 * source of a function run as the realm's first script).
 */
function recordWasmMemories() {
  if (globalThis.__wasmMemories) return;
  const memories = [];
  globalThis.__wasmMemories = memories;
  const remember = (result) => {
    const instance = result instanceof WebAssembly.Instance ? result : result?.instance;
    const memory = instance?.exports?.memory;
    if (memory instanceof WebAssembly.Memory && !memories.includes(memory)) memories.push(memory);
    return result;
  };
  for (const name of ['instantiate', 'instantiateStreaming']) {
    const original = WebAssembly[name];
    if (typeof original !== 'function') continue;
    WebAssembly[name] = function (...args) {
      return original.apply(this, args).then(remember);
    };
  }
}

const RECORD_SOURCE = `(${recordWasmMemories.toString()})()`;
/** What a realm answers when sampled: its wasm memories' sizes and its JavaScript heap. */
const SAMPLE_SOURCE = '(globalThis.__wasmMemories ?? []).map((m) => m.buffer.byteLength)';


/**
 * Follows the memory of `page` (in `context`, a browser of its own): call `sample()` after each
 * step (it returns that moment's breakdown, see `describe`), then `report()`. The renderer's peak
 * is the operating system's high-water mark, so it holds whatever happened between samples; the
 * wasm memories and JavaScript heaps are also sampled every `every` ms in between (a worker that
 * ends between two steps is counted at its last sample), and their largest sizes are kept.
 * Call it on the blank page, before it loads the app (`openPage`'s `beforeLoad`): the wasm
 * memories are found as they are instantiated, in the page and in the workers it starts.
 */
export async function followMemory(context, page, { every = 250 } = {}) {
  await page.addInitScript({ content: RECORD_SOURCE });
  const pageSession = await context.newCDPSession(page);
  await pageSession.send('Performance.enable');
  const browser = context.browser();
  const browserSession = browser ? await browser.newBrowserCDPSession() : undefined;
  let heapUsed = 0;
  let heapTotal = 0;

  // The workers, through a session of our own that attaches to each as it starts (not
  // flattened: Playwright's CDPSession sends to its own target only).
  const workerSession = await context.newCDPSession(page);
  /** By CDP session id: { name, url, wasm: [bytes], heap, peakWasm, peakHeap, alive }. */
  const workers = new Map();
  let workerCount = 0;
  const pending = new Map();
  let nextMessage = 1;
  const toWorker = (sessionId, method, params = {}) => new Promise((resolve, reject) => {
    const id = nextMessage++;
    pending.set(id, { resolve, reject, sessionId });
    workerSession.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) }).catch((e) => {
      pending.delete(id);
      reject(e);
    });
  });
  workerSession.on('Target.receivedMessageFromTarget', ({ message }) => {
    const m = JSON.parse(message);
    const waiting = m.id === undefined ? undefined : pending.get(m.id);
    if (!waiting) return;
    pending.delete(m.id);
    if (m.error) waiting.reject(new Error(m.error.message));
    else waiting.resolve(m.result);
  });
  workerSession.on('Target.attachedToTarget', async ({ sessionId, targetInfo, waitingForDebugger }) => {
    if (targetInfo.type === 'worker') {
      workerCount += 1;
      workers.set(sessionId, { name: `worker ${workerCount}`, url: targetInfo.url, wasm: [], heap: 0, peakWasm: [], peakHeap: 0, alive: true });
      try {
        await toWorker(sessionId, 'Runtime.evaluate', { expression: RECORD_SOURCE });
      } catch {
        // A worker that ended at once.
      }
    }
    if (waitingForDebugger) toWorker(sessionId, 'Runtime.runIfWaitingForDebugger').catch(() => {});
  });
  workerSession.on('Target.detachedFromTarget', ({ sessionId }) => {
    const w = workers.get(sessionId);
    if (w) w.alive = false;
    for (const [id, p] of pending) {
      if (p.sessionId === sessionId) {
        pending.delete(id);
        p.reject(new Error('detached'));
      }
    }
  });
  await workerSession.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: true, flatten: false });

  const renderers = async () => {
    if (!browserSession) return [];
    try {
      const { processInfo } = await browserSession.send('SystemInfo.getProcessInfo');
      return processInfo.filter((p) => p.type === 'renderer').map((p) => p.id);
    } catch {
      return [];
    }
  };
  // The largest renderer's peak so far, kept across samples: Chromium resets a process's
  // high-water mark itself now and then (the peak read at the end can be lower than one read
  // before), so the peak is the highest VmHWM any sample read.
  // The largest of the renderer's own pages (see residentOf) any sample read: there is no
  // high-water mark of them, so a peak between two samples is missed.
  let highest;
  let highestOwn = 0;
  const largestRenderer = async () => {
    let renderer;
    for (const pid of await renderers()) {
      const r = residentOf(pid);
      if (r && (!renderer || r.peak > renderer.peak)) renderer = { pid, ...r };
    }
    if (renderer && (!highest || renderer.peak > highest.peak)) highest = { peak: renderer.peak };
    if (renderer) highestOwn = Math.max(highestOwn, renderer.own);
    return renderer && { ...renderer, highest: highest.peak, highestOwn };
  };

  let pageHeap = 0;
  let pageWasm = [];
  let pagePeakWasm = [];
  const grow = (peaks, sizes) => sizes.map((s, i) => Math.max(s, peaks[i] ?? 0));
  const withTimeout = (promise, ms) => Promise.race([promise, new Promise((resolve) => setTimeout(() => resolve(undefined), ms))]);
  const sampleWorker = async (sessionId, w) => {
    w.answered = false;
    try {
      const [evaluated, heap] = await Promise.all([
        toWorker(sessionId, 'Runtime.evaluate', { expression: SAMPLE_SOURCE, returnByValue: true }),
        toWorker(sessionId, 'Runtime.getHeapUsage'),
      ]);
      w.wasm = evaluated?.result?.value ?? [];
      w.heap = heap?.usedSize ?? 0;
      w.peakWasm = grow(w.peakWasm, w.wasm);
      w.peakHeap = Math.max(w.peakHeap, w.heap);
      w.answered = true;
    } catch {
      // Ended meanwhile: its last sample stands.
    }
  };
  let sampling;
  let fullest;
  const started = Date.now();
  const sampleAll = async (wait) => {
    const { metrics } = await pageSession.send('Performance.getMetrics');
    const metric = (name) => metrics.find((m) => m.name === name)?.value ?? 0;
    pageHeap = metric('JSHeapUsedSize');
    heapUsed = Math.max(heapUsed, pageHeap);
    heapTotal = Math.max(heapTotal, metric('JSHeapTotalSize'));
    try {
      pageWasm = (await pageSession.send('Runtime.evaluate', { expression: SAMPLE_SOURCE, returnByValue: true })).result.value ?? [];
      pagePeakWasm = grow(pagePeakWasm, pageWasm);
    } catch {
      // The page is navigating.
    }
    // A worker busy with a long task answers once it is done: the background sampler does not
    // wait for it, a step's sample waits a little.
    await Promise.all([...workers].filter(([, w]) => w.alive).map(([id, w]) => withTimeout(sampleWorker(id, w), wait)));
    const renderer = await largestRenderer();
    // The sample with the largest resident size, with what was alive then: the peak itself
    // falls between samples, but this says which realms made it.
    if (renderer && (!fullest || renderer.now > fullest.resident)) {
      const total = (sizes) => sizes.reduce((a, b) => a + b, 0);
      const alive = [...workers.values()].filter((w) => w.alive);
      fullest = {
        resident: renderer.now,
        at: (Date.now() - started) / 1000,
        live: [`page wasm ${mib(total(pageWasm))}`, ...alive.map((w) => `${w.name} wasm ${mib(total(w.wasm))}`)].join(', '),
      };
    }
  };
  const tick = async () => {
    if (sampling) return;
    sampling = sampleAll(every).catch(() => {}).finally(() => { sampling = undefined; });
  };
  const timer = setInterval(tick, every);
  timer.unref?.();

  /** The breakdown now: each realm's wasm memories and JavaScript heap, and the renderer. */
  const breakdown = async () => ({
    at: (Date.now() - started) / 1000,
    page: { wasm: pageWasm, heap: pageHeap },
    workers: [...workers.values()].map((w) => ({ name: w.name, alive: w.alive, busy: w.alive && !w.answered, wasm: w.wasm, heap: w.heap, peakWasm: w.peakWasm, peakHeap: w.peakHeap })),
    renderer: await largestRenderer(),
  });
  const sample = async () => {
    await sampling;
    await sampleAll(5000);
    return breakdown();
  };
  /**
   * The peaks so far: `renderer` is the largest renderer's { pid, peak, now, own, file,
   * highestOwn } in bytes (the journey's tab, the only page of its browser: the others are the
   * browser's spare and its own UI; `peak` the highest VmHWM any sample read; `own` and `file`
   * its own and its file-backed resident pages now; `highestOwn` the largest own pages any
   * sample read), undefined
   * where it cannot be read; `heapUsed` / `heapTotal` in bytes; `pageWasm`
   * the page's wasm memories' largest sizes; `workers` each worker's largest wasm memories and
   * JavaScript heap; `fullest` the sample with the largest resident size: { resident (bytes),
   * at (seconds since following began), live (the wasm memories alive then, in words) }.
   */
  const report = async () => {
    await sample();
    clearInterval(timer);
    const renderer = await largestRenderer();
    return {
      renderer: renderer && { ...renderer, peak: renderer.highest },
      heapUsed,
      heapTotal,
      pageWasm: pagePeakWasm,
      workers: [...workers.values()].map((w) => ({ name: w.name, alive: w.alive, wasm: w.peakWasm, heap: w.peakHeap })),
      fullest,
    };
  };
  return { sample, report };
}

/** Bytes as mebibytes with one decimal ("512.3 MiB"). */
export function mib(bytes) {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

/**
 * A breakdown (`sample()`'s answer) in one line: the page's wasm and JavaScript heap, each
 * worker's (its wasm now; "ended" once it is gone, "busy" when a long task kept it from
 * answering: then its last answer), the renderer's resident size now and its peak so far.
 */
export function describe(b) {
  // A worker whose wasm is not seen started before the wrapper was in (Playwright's own session
  // may let it run first).
  const sizes = (list) => (list.length ? list.map(mib).join(' + ') : 'not seen');
  const parts = [`page wasm ${sizes(b.page.wasm)}, JS heap ${mib(b.page.heap)}`];
  for (const w of b.workers) {
    const note = !w.alive ? ' (ended; at its last sample)' : w.busy ? ' (busy: at its last answer)' : '';
    parts.push(`${w.name} wasm ${sizes(w.alive ? w.wasm : w.peakWasm)}, JS heap ${mib(w.alive ? w.heap : w.peakHeap)}${note}`);
  }
  const r = b.renderer;
  parts.push(r ? `renderer resident ${mib(r.now)}, peak so far ${mib(r.highest)}` : 'renderer not measured (no /proc)');
  return `at ${b.at.toFixed(1)} s: ${parts.join('; ')}`;
}
