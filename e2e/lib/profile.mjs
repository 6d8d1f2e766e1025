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

// With E2E_TRACE=<folder>, every `timedStep` records a Chromium trace of the step instead
// (CDP `Tracing`, the developer tools' timeline categories), writes `<folder>/step-<n>.json`
// (open it in the Performance panel) and prints the step's three longest main-thread tasks,
// each split into what its time went to (script, style, layout, paint, garbage collection, …,
// time of their own). Tracing slows the page a little: its task lengths are for comparing, not
// for reporting.
export const TRACE_DIR = process.env.E2E_TRACE ? path.resolve(process.env.E2E_TRACE) : null;

const TRACE_CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'blink.user_timing'];

/** Starts a trace of `page`; the returned function stops it and reports. */
export async function startTrace(page) {
  const session = await page.context().newCDPSession(page);
  await session.send('Tracing.start', { traceConfig: { includedCategories: TRACE_CATEGORIES }, transferMode: 'ReturnAsStream' });
  return async () => {
    const complete = new Promise((resolve) => session.once('Tracing.tracingComplete', resolve));
    await session.send('Tracing.end');
    const { stream } = await complete;
    let text = '';
    for (;;) {
      const chunk = await session.send('IO.read', { handle: stream });
      text += chunk.base64Encoded ? Buffer.from(chunk.data, 'base64').toString('utf8') : chunk.data;
      if (chunk.eof) break;
    }
    await session.send('IO.close', { handle: stream });
    await session.detach();
    steps += 1;
    mkdirSync(TRACE_DIR, { recursive: true });
    const file = path.join(TRACE_DIR, `step-${steps}.json`);
    writeFileSync(file, text);
    const parsed = JSON.parse(text);
    const events = Array.isArray(parsed) ? parsed : parsed.traceEvents ?? [];
    for (const task of longestTasks(events)) {
      const parts = task.parts.map(([name, ms]) => `${name} ${ms.toFixed(1)}`).join(' · ');
      console.log(`trace ${path.basename(file)}: task of ${task.ms.toFixed(1)} ms at ${task.at.toFixed(0)} ms: ${parts}`);
    }
  };
}

/**
 * The `top` longest tasks of the renderer's main thread in `events` (trace events): their
 * length, start (ms from the trace's first task) and the time of their own of each kind of
 * event inside them, longest first.
 */
export function longestTasks(events, top = 3) {
  const main = events.find((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  if (!main) return [];
  const mine = events
    .filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && typeof e.dur === 'number')
    .sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  const tasks = mine.filter((e) => e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask');
  const first = tasks[0]?.ts ?? 0;
  return tasks
    .sort((a, b) => b.dur - a.dur)
    .slice(0, top)
    .map((task) => {
      const end = task.ts + task.dur;
      const inside = mine.filter((e) => e !== task && e.ts >= task.ts && e.ts + e.dur <= end);
      // Time of its own: an event's length less its direct children's.
      const own = new Map();
      const stack = [];
      const close = (upTo) => {
        while (stack.length && stack[stack.length - 1].end <= upTo) {
          const done = stack.pop();
          own.set(done.name, (own.get(done.name) ?? 0) + done.own);
        }
      };
      for (const e of inside) {
        close(e.ts);
        if (stack.length) stack[stack.length - 1].own -= e.dur;
        stack.push({ name: e.name, end: e.ts + e.dur, own: e.dur });
      }
      close(Infinity);
      const covered = [...own.values()].reduce((a, b) => a + b, 0);
      own.set('(task itself)', task.dur - inside.filter((e) => !inside.some((p) => p !== e && p.ts <= e.ts && p.ts + p.dur >= e.ts + e.dur)).reduce((a, e) => a + e.dur, 0));
      const parts = [...own].filter(([, us]) => us >= 500).sort((a, b) => b[1] - a[1]).slice(0, 10).map(([n, us]) => [n, us / 1000]);
      return { ms: task.dur / 1000, at: (task.ts - first) / 1000, parts, covered };
    });
}
