// Preload for `node --import`: records a V8 CPU profile of a component bundle (dist/apps/<app>/main.js)
// and writes it to $TSKUBE_CPU_PROF_DIR/<app>-<pid>.cpuprofile when the process exits. Node refuses
// --cpu-prof in NODE_OPTIONS, and processes started by shared harnesses take no node flags, so the
// benchmarks profile them through NODE_OPTIONS=--import=<this file> instead. Other processes that
// inherit the variable (the bundler, tsx) are left alone.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { basename, dirname, join } from 'node:path';

const dir = process.env.TSKUBE_CPU_PROF_DIR;
const main = process.argv[1] ?? '';
if (dir && /dist[\\/]apps[\\/][^\\/]+[\\/]main\.js$/.test(main)) {
  const app = basename(dirname(main));
  const session = new Session();
  session.connect();
  // Same sampling interval as --cpu-prof.
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 1000 });
  session.post('Profiler.start');
  // Posts to an in-thread session are dispatched synchronously, so this works in an 'exit' handler.
  process.once('exit', () => {
    session.post('Profiler.stop', (err, result) => {
      if (!err) writeFileSync(join(dir, `${app}-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
