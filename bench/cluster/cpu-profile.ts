// Preloaded into every process of section 3's cluster by `--cpu-prof dir`
// (NODE_OPTIONS=--import=<this file>): Node refuses --cpu-prof in NODE_OPTIONS, so the profiler is
// driven through the inspector instead, and <dir>/<pid>.cpuprofile is written when the process exits.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

/** Environment variable naming the folder the profiles go to. */
export const CPU_PROFILE_DIR_ENV = 'IDUNNO_BENCH_CPU_PROF_DIR';

const dir = process.env[CPU_PROFILE_DIR_ENV];
if (dir !== undefined) {
  const s = new Session();
  s.connect();
  s.post('Profiler.enable');
  s.post('Profiler.setSamplingInterval', { interval: 200 });
  s.post('Profiler.start');
  // The in-thread inspector answers synchronously, so the profile is written before the exit ends.
  process.on('exit', () =>
    s.post('Profiler.stop', (err, r) => {
      if (!err) writeFileSync(`${dir}/${process.pid}.cpuprofile`, JSON.stringify(r.profile));
    }),
  );
}
