// What cluster tests do with jobs: inputs (the real photos and ViT-Tiny when the mirror is there),
// the leader, the recorded outcomes and the exactly-once check.
import { readdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ClusterClient, CoordinatorConnection } from '@idunno/client';
import { writeSyntheticImages } from '@idunno/launcher';
import { runCli } from './cli.js';
import type { TestCluster } from './cluster.js';
import { modelMirror, sharedImages } from './shared.js';
import { waitFor } from './wait.js';

export const mirror = modelMirror();
export const shared = sharedImages();
/** The real ViT-Tiny with the mirror, else its generated (untrained) twin. */
export const VIT = mirror.dir ? 'vit-tiny' : 'vit-tiny-untrained';
export const mirrorEnv: NodeJS.ProcessEnv = mirror.dir ? { IDUNNO_MODEL_MIRROR: mirror.dir } : {};

/** The photos to classify: the real ones when present, else synthetic ones in `dir`. */
export async function photos(dir: string, count = 12): Promise<string[]> {
  if (mirror.dir && shared.dir) {
    const d = shared.dir;
    return readdirSync(d)
      .filter((f) => /\.(jpe?g|png)$/.test(f))
      .sort()
      .map((f) => join(d, f));
  }
  return writeSyntheticImages(join(dir, 'photos'), count);
}

/** Writes a list file naming `files` repeated until `total` lines. */
export async function listFile(path: string, files: readonly string[], total: number): Promise<string> {
  await mkdir(join(path, '..'), { recursive: true });
  const lines = Array.from({ length: total }, (_, i) => files[i % files.length]!);
  await writeFile(path, `${lines.join('\n')}\n`);
  return path;
}

/**
 * A connection (the test's own, to close) to whichever coordinator leads now, found by
 * ClusterClient's discovery; waits up to `timeoutMs` for one to lead.
 */
export async function leader(cluster: TestCluster, timeoutMs = 20_000): Promise<CoordinatorConnection> {
  const client = new ClusterClient(cluster.controlAddresses(), { probeTimeoutMs: 1_000 });
  try {
    const ref = await waitFor(() => client.leader(), {
      timeoutMs,
      intervalMs: 100,
      message: 'a coordinator that leads',
    });
    return new CoordinatorConnection(ref.connection.address);
  } finally {
    client.close();
  }
}

export interface ResultRow {
  queryId: string;
  uri: string;
  kind: string;
  payload: { topK?: { index: number; probability: number }[]; worker?: string; code?: string };
}

/** Every outcome of a job, paged by ClusterClient from the coordinator `conn` points at. */
export async function allResults(conn: CoordinatorConnection, jobId: string): Promise<ResultRow[]> {
  const client = new ClusterClient([conn.address]);
  try {
    return (await client.allResults(jobId)).map((o) => ({
      queryId: o.queryId,
      uri: o.uri,
      kind: o.kind,
      payload:
        o.kind === 'result'
          ? { topK: o.topK, ...(o.worker ? { worker: o.worker } : {}) }
          : { code: o.error.code, ...(o.worker ? { worker: o.worker } : {}) },
    }));
  } finally {
    client.close();
  }
}

export async function waitCompleted(
  conn: () => CoordinatorConnection,
  jobIds: string[],
  timeoutMs: number,
): Promise<void> {
  await waitFor(
    async () => {
      const stats = await conn().stats();
      return jobIds.every((id) => stats.jobs.find((j) => j.job?.jobId === id)?.job?.state === 'completed');
    },
    { timeoutMs, intervalMs: 250, message: `jobs ${jobIds.join(', ')} to complete` },
  );
}

/** `idunno classify --json` on the files: uri → top-k, the single-process reference. */
export async function reference(
  model: string,
  files: readonly string[],
): Promise<Map<string, { index: number; probability: number }[]>> {
  const cli = await runCli(['classify', '--model', model, '--json', ...files], {
    env: mirrorEnv,
    timeoutMs: 300_000,
  });
  if (cli.code !== 0) throw new Error(`classify failed: ${cli.stderr}`);
  const map = new Map<string, { index: number; probability: number }[]>();
  for (const line of cli.stdout.trim().split('\n')) {
    const r = JSON.parse(line) as { uri: string; topK: { index: number; probability: number }[] };
    map.set(r.uri, r.topK);
  }
  return map;
}

/** Every query has exactly one recorded outcome, and it equals the reference. */
export function expectExactlyOnce(rows: readonly ResultRow[], total: number): void {
  const ids = new Set(rows.map((r) => r.queryId));
  if (rows.length !== total || ids.size !== total) {
    throw new Error(
      `expected ${total} outcomes with distinct ids, got ${rows.length} rows / ${ids.size} ids`,
    );
  }
  for (let i = 0; i < total; i++) if (!ids.has(String(i))) throw new Error(`query ${i} has no outcome`);
}
