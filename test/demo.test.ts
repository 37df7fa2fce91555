import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { mirrorEnv, REPO_ROOT, runCli } from '@idunno/testkit';
import { describe, expect, it } from 'vitest';

// README's main job: `pnpm demo` starts its own local cluster (in .idunno/demo), runs a ViT and a
// ResNet-50 job side by side and writes every result. A user runs it more than once.
describe('the demo', () => {
  it('runs both jobs to one result per query, and runs again in the same directory', async () => {
    for (const round of [1, 2]) {
      const run = await runCli(['demo', '--queries', '12'], { env: mirrorEnv, timeoutMs: 300_000 });
      expect(run.code, `round ${round}: ${run.stdout}\n${run.stderr.slice(-3000)}`).toBe(0);
      expect(run.stdout).toMatch(/^vit: 12 results in /m);
      expect(run.stdout).toMatch(/^resnet: 4 results in /m);
      for (const [job, total] of [
        ['vit', 12],
        ['resnet', 4],
      ] as const) {
        const lines = (await readFile(join(REPO_ROOT, '.idunno/demo', `results-${job}.jsonl`), 'utf8'))
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as { queryId: string; kind: string });
        expect(new Set(lines.map((l) => l.queryId)).size).toBe(total);
        expect(lines.every((l) => l.kind === 'result')).toBe(true);
      }
    }
  }, 620_000);
});
