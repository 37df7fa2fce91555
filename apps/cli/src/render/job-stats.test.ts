import type { CoordJobStatsList__Output } from '@idunno/proto';
import { describe, expect, it } from 'vitest';
import { formatDuration, renderAssignments, renderJobStats } from './job-stats.js';

const list: CoordJobStatsList__Output = {
  leaderId: 'coord-1',
  epoch: 4,
  jobs: [
    {
      job: {
        jobId: 'vit-a',
        model: 'vit-tiny',
        state: 'running',
        batchSize: 16,
        topK: 5,
        totalQueries: 400,
        createdAt: 1,
        startedAt: 2,
      },
      done: 100,
      errors: 2,
      pending: 280,
      inFlight: 20,
      rateQps: 12.345,
      processing: { meanMs: 10, stddevMs: 2.5, medianMs: 9.75, p90Ms: 14, p95Ms: 15, p99Ms: 20 },
      etaS: 125,
      workers: ['w1', 'w2'],
      redispatched: 3,
      source: 'live',
      completedAt: 0,
    },
  ],
};

describe('get-job-stats output', () => {
  it('shows the leader header and C1/C2, progress, ETA and workers per job', () => {
    expect(renderJobStats(list).split('\n')).toEqual([
      'leader coord-1 epoch 4 (source: live)',
      '',
      'job vit-a  running  model vit-tiny  batch size 16',
      '  progress      100/400 (25.0%)',
      '  errors        2',
      '  in flight     20',
      '  rate          12.3 q/s (last 10 s)',
      '  time ms       mean 10.0  std 2.5  median 9.8  p90 14.0  p95 15.0  p99 20.0',
      '  ETA           2 m 05 s',
      '  workers       w1, w2',
      '  redispatched  3',
    ]);
  });

  it('says how to add a job when there is none, and falls back to source redis for a standby', () => {
    const out = renderJobStats(
      { jobs: [], leaderId: 'c2', epoch: 1 },
      { nodeId: 'c1', isLeader: false, leaderId: 'c2', epoch: 1, controlAddress: '' },
    );
    expect(out).toMatch(/^leader c2 epoch 1 \(source: redis\)\n\nno jobs: add one with idunno add-job/);
  });

  it('formats durations', () => {
    expect(formatDuration(0)).toBe('-');
    expect(formatDuration(42.4)).toBe('42 s');
    expect(formatDuration(3725)).toBe('1 h 02 m');
  });
});

describe('get-job-assigned-vms output', () => {
  it('lists each job with its workers and weights', () => {
    expect(
      renderAssignments({
        jobs: [{ jobId: 'a', workers: [{ workerId: 'w1', address: '127.0.0.1:1', weight: 0.5 }] }],
      }).split('\n'),
    ).toEqual(['job a', '  WORKER  ADDRESS      WEIGHT', '  w1      127.0.0.1:1   0.500']);
  });
});
