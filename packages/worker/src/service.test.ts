import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Classifier } from '@idunno/inference';
import { writeSyntheticImages } from '@idunno/launcher';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkerService } from './service.js';

describe('WorkerService', () => {
  let dir: string;
  let images: string[];
  let classifier: Classifier;
  let service: WorkerService;
  let changes = 0;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'idunno-service-test-'));
    images = await writeSyntheticImages(join(dir, 'img'), 2);
    classifier = new Classifier({ pool: { threads: 1, intraOpThreads: 1 } });
    service = new WorkerService(classifier, { workerId: 'w-test' });
    service.onModelsChanged = () => changes++;
  });

  afterAll(async () => {
    await classifier.close();
    await rm(dir, { recursive: true, force: true });
  });

  const task = (id: string) => ({
    taskId: id,
    jobId: 'job',
    model: 'tiny',
    topK: 3,
    epoch: 1,
    deadlineMs: 0,
    queries: images.map((uri, i) => ({ queryId: `q${i}`, uri })),
  });

  it('announces a model that a task loaded without a LoadModel, once', async () => {
    expect(classifier.loadedModels()).not.toContain('tiny');
    const first = await service.runTask(task('t1'));
    expect(first.map((r) => r.error ?? null)).toEqual([null, null]);
    expect(classifier.loadedModels()).toContain('tiny');
    expect(changes).toBe(1);
    await service.runTask(task('t2'));
    expect(changes).toBe(1);
  });
});
