// Main-thread CPU profiles of a journey's steps, for finding what a long task spends its time on.
//
// With E2E_PROFILE=<folder>, every `timedStep` (harness.mjs) records the page's main thread with
// Chromium's sampling profiler (CDP `Profiler`), writes `<folder>/step-<n>.cpuprofile` (open it
// in the developer tools' Performance panel) and prints the functions with the most time of
// their own and the most time on the stack. A release build names its Rust functions only when
// it was built with IAM_WASM_NAMES=1 (scripts/wasm_opt_all.mjs keeps the name section then);
// otherwise they print as wasm-function[N]. Profiles report; they never fail a journey.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const PROFILE_DIR = process.env.E2E_PROFILE ? path.resolve(process.env.E2E_PROFILE) : null;
let steps = 0;

/** Starts the sampling profiler on `page`'s main thread; the returned function stops it and reports. */
export async function startProfile(page) {
  const session = await page.context().newCDPSession(page);
  await session.send('Profiler.enable');
  await session.send('Profiler.setSamplingInterval', { interval: 250 });
  await session.send('Profiler.start');
  return async () => {
    const { profile } = await session.send('Profiler.stop');
    await session.detach();
    steps += 1;
    mkdirSync(PROFILE_DIR, { recursive: true });
    const file = path.join(PROFILE_DIR, `step-${steps}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    const { self, total } = summarize(profile);
    const line = (rows) => rows.map(([name, ms]) => `${ms.toFixed(0)} ms ${name}`).join(' · ');
    console.log(`profile ${path.basename(file)}: most self time: ${line(self)}`);
    console.log(`profile ${path.basename(file)}: most time on the stack: ${line(total)}`);
  };
}

/** The 12 functions with the most self time and the most inclusive time (ms), idle and GC apart. */
export function summarize(profile, top = 12) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const nameOf = (n) => {
    const f = n.callFrame;
    return f.functionName || (f.url ? `(anonymous ${path.basename(f.url)}:${f.lineNumber + 1})` : '(anonymous)');
  };
  const self = new Map();
  const total = new Map();
  const skip = new Set(['(idle)', '(program)', '(root)']);
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const node = byId.get(id);
    const name = nameOf(node);
    if (skip.has(name)) return;
    self.set(name, (self.get(name) ?? 0) + ms);
    const seen = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const n = nameOf(byId.get(at));
      if (skip.has(n) || seen.has(n)) continue;
      seen.add(n);
      total.set(n, (total.get(n) ?? 0) + ms);
    }
  });
  const best = (m) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top).map(([n, ms]) => [n.length > 140 ? `${n.slice(0, 137)}...` : n, ms]);
  return { self: best(self), total: best(total) };
}
