import * as grpc from '@grpc/grpc-js';
import { NoCoordinatorError, toServiceError } from '@idunno/client';
import { type CoordinatorHandlers, coordinatorProto } from '@idunno/proto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startJobCommand } from './commands/jobs.js';
import { reportControlError } from './flags.js';

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
  const handlers: Partial<CoordinatorHandlers> = {
    Leader: (_call, cb) => cb(null, { nodeId: 'c1', isLeader: true, leaderId: 'c1', epoch: 1 }),
    StartJob: (call, cb) => cb(unknownJob(call.request.jobId)),
  };
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
      expect(await startJobCommand(['nope'])).toBe(1);
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
});
