import * as grpc from '@grpc/grpc-js';
import { NoCoordinatorError, toServiceError } from '@idunno/client';
import { type CoordinatorHandlers, coordinatorProto } from '@idunno/proto';
import { runCli } from '@idunno/testkit';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startJobCommand } from './commands/jobs.js';
import { reportControlError } from './control.js';

const servers: grpc.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((r) => s.tryShutdown(() => r()))));
});

/** A leading coordinator on 127.0.0.1 whose StartJob refuses every job as unknown. */
async function refusingLeader(): Promise<string> {
  const unknownJob = (jobId: string) =>
    toServiceError(
      Object.assign(new Error(`job "${jobId}" does not exist; list jobs to see the known ones`), {
        name: 'JobNotFoundError',
        jobId,
      }),
      grpc.status.NOT_FOUND,
    );
  return serve({
    Leader: (_call, cb) => cb(null, { nodeId: 'c1', isLeader: true, leaderId: 'c1', epoch: 1 }),
    StartJob: (call, cb) => cb(unknownJob(call.request.jobId)),
  });
}

async function serve(handlers: Partial<CoordinatorHandlers>): Promise<string> {
  const server = new grpc.Server();
  server.addService(
    coordinatorProto().idunno.coordinator.v1.Coordinator.service,
    handlers as grpc.UntypedServiceImplementation,
  );
  servers.push(server);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  return `127.0.0.1:${port}`;
}

/** A leading coordinator on 127.0.0.1 whose StartJob starts every job it is asked for. */
async function startingLeader(): Promise<string> {
  const handlers: Partial<CoordinatorHandlers> = {
    Leader: (_call, cb) => cb(null, { nodeId: 'c1', isLeader: true, leaderId: 'c1', epoch: 1 }),
    StartJob: (call, cb) =>
      cb(null, {
        jobId: call.request.jobId,
        model: 'tiny',
        state: 'running',
        batchSize: 8,
        topK: 5,
        totalQueries: 12,
        createdAt: 1_700_000_000_000,
        startedAt: 1_700_000_001_000,
      }),
  };
  return serve(handlers);
}

describe('a cluster command', () => {
  it('prints one idunno: line on stderr and exits 1 when the leader refuses', async () => {
    const address = await refusingLeader();
    const saved = process.env.IDUNNO_COORDINATORS;
    process.env.IDUNNO_COORDINATORS = address;
    const written: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
      written.push(String(s));
      return true;
    });
    try {
      expect(await startJobCommand.run('nope', {})).toBe(1);
    } finally {
      spy.mockRestore();
      if (saved === undefined) delete process.env.IDUNNO_COORDINATORS;
      else process.env.IDUNNO_COORDINATORS = saved;
    }
    expect(written).toEqual(['idunno: job "nope" does not exist; list jobs to see the known ones\n']);
  });

  it('reports a dead cluster as one line and exit 3', () => {
    const lines: string[] = [];
    const err = new NoCoordinatorError([{ address: '127.0.0.1:1', reason: 'connection refused' }]);
    const code = reportControlError(err, {
      write: (s: string) => lines.push(s),
    } as unknown as NodeJS.WritableStream);
    expect(code).toBe(3);
    expect(lines).toEqual([
      'idunno: no coordinator answers at 127.0.0.1:1 (connection refused): is the cluster up? (pnpm idunno up)\n',
    ]);
  });

  it('rethrows what is not a cluster error, for main to report', () => {
    expect(() => reportControlError(new TypeError('boom'))).toThrow('boom');
  });

  it('exits 1 with the refusal as one line when run as idunno', async () => {
    const address = await refusingLeader();
    const run = await runCli(['start-job', 'nope'], { env: { IDUNNO_COORDINATORS: address } });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('idunno: job "nope" does not exist; list jobs to see the known ones\n');
    expect(run.stdout).toBe('');
  });

  it('prints the job as the coordinator sent it for --json, and a sentence without', async () => {
    const address = await startingLeader();
    const env = { IDUNNO_COORDINATORS: address };
    const json = await runCli(['start-job', 'vit-a', '--json'], { env });
    expect(json.code, json.stderr).toBe(0);
    expect(json.stdout).toBe(
      `${JSON.stringify(
        {
          jobId: 'vit-a',
          model: 'tiny',
          state: 'running',
          batchSize: 8,
          topK: 5,
          totalQueries: 12,
          createdAt: 1_700_000_000_000,
          startedAt: 1_700_000_001_000,
        },
        null,
        2,
      )}\n`,
    );
    const text = await runCli(['start-job', 'vit-a'], { env });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toBe('started job vit-a (state: running)\n');
  });
});
