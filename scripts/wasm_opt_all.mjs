#!/usr/bin/env node
// `wasm-opt -Oz` over many wasm files at once, for the release build's code splitting
// (scripts/split_build.py): the main module and its hundred-odd chunks.
//
// The wasm-opt on PATH is npm's binaryen: binaryen compiled to wasm and run by Node. Starting it
// once per file cost about 0.3 s each before any work, most of the time of a split build's
// optimisation. This runs binaryen's own API instead, in one worker thread per core, each
// loading binaryen once: the same passes as `wasm-opt -Oz` with the features rustc emits for
// wasm32-unknown-unknown (what index.html's data-wasm-opt-params lists for the worker).
//
// Usage: node scripts/wasm_opt_all.mjs FILE.wasm... (each file is rewritten in place).
// With IAM_WASM_NAMES=1 in the environment the function names stay (a bigger build whose
// profiles in the browser's developer tools name Rust functions; scripts/profile-journey.sh).
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

if (isMainThread) {
  // The largest first, so the threads finish together.
  const files = process.argv.slice(2).sort((a, b) => statSync(b).size - statSync(a).size);
  const threads = Math.max(1, Math.min(os.availableParallelism(), files.length));
  const queues = Array.from({ length: threads }, () => []);
  files.forEach((file, i) => queues[i % threads].push(file));
  const results = await Promise.allSettled(
    queues.map(
      (queue) =>
        new Promise((resolve, reject) => {
          const worker = new Worker(new URL(import.meta.url), { workerData: queue });
          worker.on('message', resolve);
          worker.on('error', reject);
          worker.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`exit ${code}`))));
        }),
    ),
  );
  const failed = results.filter((r) => r.status === 'rejected');
  if (failed.length > 0) {
    for (const f of failed) console.error(`wasm_opt_all: ${f.reason?.message ?? f.reason}`);
    process.exit(1);
  }
} else {
  const { default: binaryen } = await import('binaryen');
  const F = binaryen.Features;
  const features =
    F.MutableGlobals |
    F.NontrappingFPToInt |
    F.BulkMemory |
    F.BulkMemoryOpt |
    F.SignExt |
    F.ReferenceTypes |
    F.CallIndirectOverlong |
    F.Multivalue;
  // -Oz: optimisation level 2, shrink level 2.
  binaryen.setOptimizeLevel(2);
  binaryen.setShrinkLevel(2);
  binaryen.setDebugInfo(process.env.IAM_WASM_NAMES === '1');
  for (const file of workerData) {
    const module = binaryen.readBinary(readFileSync(file), features);
    module.optimize();
    // The `producers` and `target_features` custom sections (tool versions, features) are
    // read by no browser: a few hundred bytes in each of the hundred modules of a split build.
    module.runPasses(['strip-producers', 'strip-target-features']);
    writeFileSync(file, module.emitBinary());
    module.dispose();
  }
  parentPort.postMessage('done');
}
