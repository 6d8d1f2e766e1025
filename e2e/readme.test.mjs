// The README quotes no build sizes (they go stale with every release; scripts/size-report.sh
// prints the current ones) and tells hosts to serve the build compressed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

test('the README quotes no byte counts and asks for compressed serving', async () => {
  const readme = await readFile(path.join(root, 'README.md'), 'utf8');
  const counts = readme.match(/\b\d{1,3}(,\d{3})+ bytes\b|\b\d{4,} bytes\b/g) ?? [];
  assert.deepEqual(counts, [], 'byte counts in the README go stale; point to scripts/size-report.sh');
  assert.match(readme, /scripts\/size-report\.sh/);
  assert.match(readme, /Serve the build compressed/);
});
