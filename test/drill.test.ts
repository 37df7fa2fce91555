import { runCli } from '@idunno/testkit';
import { describe, expect, it } from 'vitest';

// The drills start their own local cluster (in .idunno/drill), break a real process with a real
// signal, measure detection and recovery, and exit non-zero if a query was lost or duplicated.
describe('failure drills', () => {
  for (const drill of ['kill-worker', 'kill-primary']) {
    it(`idunno drill ${drill} --trials 2 passes end to end with nothing lost or duplicated`, async () => {
      const run = await runCli(['drill', drill, '--trials', '2', '--json'], { timeoutMs: 400_000 });
      expect(run.code, `${run.stdout}\n${run.stderr.slice(-3000)}`).toBe(0);
      const report = JSON.parse(run.stdout) as Record<string, unknown>;
      const text = JSON.stringify(report);
      expect(text).toMatch(/"lost":0/);
      expect(text).toMatch(/"duplicated":0/);
      console.log(`[drill] ${drill}: ${text.slice(0, 600)}`);
    }, 420_000);
  }
});
