import * as grpc from '@grpc/grpc-js';
import { type CoordinatorHandlers, coordinatorProto } from '@idunno/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoordinatorConnection } from './coordinator-connection.js';
import {
  errorFields,
  fromServiceError,
  NotLeaderError,
  RemoteError,
  remoteErrorInfo,
  StaleEpochError,
  toServiceError,
} from './errors.js';

/** A server-side error class the client has no class for, with typed fields. */
class BadListFileError extends Error {
  override readonly name = 'BadListFileError';
  constructor(
    readonly file: string,
    readonly lines: readonly { line: number; text: string }[],
  ) {
    super(`${file} has ${lines.length} bad line(s)`);
  }
}

// A real gRPC server whose Leader() fails with whatever error the test sets: the metadata
// travels through grpc-js exactly as it does from a coordinator.
let next: unknown;
let server: grpc.Server;
let conn: CoordinatorConnection;
beforeAll(async () => {
  const handlers: Partial<CoordinatorHandlers> = {
    Leader: (_call, cb) => cb(toServiceError(next, grpc.status.FAILED_PRECONDITION)),
  };
  server = new grpc.Server();
  server.addService(
    coordinatorProto().idunno.coordinator.v1.Coordinator.service,
    handlers as grpc.UntypedServiceImplementation,
  );
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  conn = new CoordinatorConnection(`127.0.0.1:${port}`);
});
afterAll(async () => {
  conn.close();
  await new Promise<void>((r) => server.tryShutdown(() => r()));
});

async function failedCall(err: unknown): Promise<unknown> {
  next = err;
  return conn.leader().then(
    () => {
      throw new Error('the call should have failed');
    },
    (e: unknown) => e,
  );
}

describe('typed errors across gRPC', () => {
  it('rebuilds NotLeaderError with its fields from the trailing metadata', async () => {
    const got = fromServiceError(await failedCall(new NotLeaderError('c1', 'c2')));
    expect(got).toBeInstanceOf(NotLeaderError);
    expect(got).toMatchObject({ nodeId: 'c1', leaderId: 'c2' });
    expect(got.message).toBe(new NotLeaderError('c1', 'c2').message);
  });

  it('rebuilds a worker’s StaleEpochError, refuser included', async () => {
    const got = fromServiceError(await failedCall(new StaleEpochError(3, 7, 'worker')));
    expect(got).toBeInstanceOf(StaleEpochError);
    expect(got).toMatchObject({ epoch: 3, current: 7, refusedBy: 'worker' });
  });

  it('gives any other named error as a RemoteError with its class name, fields and code', async () => {
    const raw = await failedCall(new BadListFileError('/tmp/lïst.txt', [{ line: 1, text: 'nö' }]));
    const got = fromServiceError(raw);
    expect(got).toBeInstanceOf(RemoteError);
    expect(got).toMatchObject({
      remoteName: 'BadListFileError',
      code: grpc.status.FAILED_PRECONDITION,
      fields: { file: '/tmp/lïst.txt', lines: [{ line: 1, text: 'nö' }] },
      message: '/tmp/lïst.txt has 1 bad line(s)',
    });
    expect(remoteErrorInfo(raw)?.name).toBe('BadListFileError');
  });

  it('leaves an error without metadata as it came (a plain status is no typed error)', async () => {
    const plain = Object.assign(new Error('is a standby'), {
      code: grpc.status.FAILED_PRECONDITION,
      details: 'is a standby',
      metadata: new grpc.Metadata(),
    });
    expect(fromServiceError(plain)).toBe(plain);
    expect(remoteErrorInfo(plain)).toBeUndefined();
  });

  it('bounds the fields: a huge list travels as its scalars only', () => {
    const big = new BadListFileError(
      '/x',
      Array.from({ length: 10_000 }, (_, i) => ({ line: i, text: 'y'.repeat(50) })),
    );
    expect(errorFields(big)).toEqual({ file: '/x' });
  });
});
