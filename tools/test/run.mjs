#!/usr/bin/env node
// `npm test`: every project's vitest suite in one run, with a JSON report in reports/ and a last
// line `N passed, N failed` read from that report, so a run that ran no test says so plainly.
// Extra arguments go to vitest (e.g. `npm test -- --project store`).
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const reportDir = join(root, 'reports');
const reportPath = join(reportDir, 'vitest.json');
mkdirSync(reportDir, { recursive: true });
rmSync(reportPath, { force: true });

const vitest = join(root, 'node_modules/vitest/vitest.mjs');
const args = [vitest, 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${reportPath}`, ...process.argv.slice(2)];
const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
const code = await new Promise((res) => child.once('exit', (c, s) => res(c ?? (s ? 1 : 0))));

let report;
try {
  report = JSON.parse(readFileSync(reportPath, 'utf8'));
} catch {
  console.log('0 passed, 0 failed');
  console.error(`npm test: vitest wrote no report (exit ${code})`);
  process.exit(code || 1);
}
const passed = report.numPassedTests ?? 0;
// A test file that failed without a failing test (it did not load, a hook threw) counts as one
// failure too: its tests never ran. (numFailedTestSuites is no use here: it also counts every
// describe block around a failing test.)
const failed = (report.numFailedTests ?? 0) + countFilesFailedWithoutFailedTests(report);
console.log(`${passed} passed, ${failed} failed`);
process.exit(code !== 0 || failed > 0 || passed === 0 ? code || 1 : 0);

function countFilesFailedWithoutFailedTests(r) {
  return (r.testResults ?? []).filter((f) => f.status === 'failed' && !(f.assertionResults ?? []).some((a) => a.status === 'failed')).length;
}
