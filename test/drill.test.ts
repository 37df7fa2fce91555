import { runCli } from '@idunno/testkit';
import { describe, expect, it } from 'vitest';

// The drills start their own local cluster (in .idunno/drill), break a real process with a real
// signal, measure detection and recovery, and exit non-zero if a query was lost or duplicated.
describe('failure drills', () => {
  for (const drill of ['kill-worker', 'kill-primary']) {
    it(`idunno drill ${drill} --trials 2 passes end to end with nothing lost or duplicated`, async () => {
      const run = await runCli(['drill', drill, '--trials', '2', '--json'], { timeoutMs: 400_000 });
      expect(run.code, `${run.stdout}\n${run.stderr.slice(-3000)}`).toBe(0);
      const report = JSON.parse(run.stdout) as { lost: number; duplicated: number; failures: string[] };
      expect(report.lost).toBe(0);
      expect(report.duplicated).toBe(0);
      expect(report.failures).toEqual([]);
    }, 420_000);
  }
});
