import { readFileSync } from 'node:fs';
import { allResults, leader, startCluster, type TestCluster, waitCompleted } from '@idunno/testkit';
import { afterEach, describe, expect, it } from 'vitest';

/** The shared objects mapped into a process: native addons show up here once loaded. */
function mappedLibraries(pid: number): string {
  return readFileSync(`/proc/${pid}/maps`, 'utf8');
}

const INFERENCE_LIBS = /onnxruntime|libvips|sharp-[\w-]+\.node/;

describe('the coordinator process', () => {
  let cluster: TestCluster | undefined;
  afterEach(async () => {
    await cluster?.stop();
    cluster = undefined;
  });

  it('loads neither sharp nor onnxruntime, even while it dispatches a job', async () => {
    cluster = await startCluster({ workers: 1, coordinators: 1, workerArgs: ['--preload', 'tiny'] });
    const c = cluster;
    const conn = await leader(c);
    try {
      await conn.addJob({
        jobId: 'no-sharp',
        model: 'tiny',
        inputs: Array.from({ length: 20 }, (_, i) => `synthetic://${i}`),
        batchSize: 4,
      });
      await conn.startJob('no-sharp');
      await waitCompleted(() => conn, ['no-sharp'], 60_000);
      expect(await allResults(conn, 'no-sharp')).toHaveLength(20);
    } finally {
      conn.close();
    }
    // The control: the worker next to it has both loaded, so the pattern does find them.
    expect(mappedLibraries(c.workers[0]!.pid)).toMatch(INFERENCE_LIBS);
    expect(mappedLibraries(c.coordinators[0]!.pid)).not.toMatch(INFERENCE_LIBS);
  });
});
