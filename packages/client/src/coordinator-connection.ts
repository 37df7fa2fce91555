import * as grpc from '@grpc/grpc-js';
import {
  type CoordAssignmentList__Output,
  type CoordinatorClient,
  type CoordJobInfo__Output,
  type CoordJobStatsList__Output,
  type CoordLeaderInfo__Output,
  type CoordMemberList__Output,
  type CoordResultPage__Output,
  coordinatorProto,
  GRPC_CHANNEL_OPTIONS,
} from '@idunno/proto';

import { type UnaryMethod, unaryCall } from './grpc-call.js';

/** Deadlines of a {@link CoordinatorConnection}'s calls, by kind. */
export interface ConnectionTimeouts {
  /** `Leader()`. @default 2000 ms */
  probeTimeoutMs: number;
  /** Stats, assignments, results pages, members. @default 10 s */
  readTimeoutMs: number;
  /** add-job (which expands its inputs before answering), start, stop, batch size. @default 60 s */
  changeTimeoutMs: number;
}

export const DEFAULT_CONNECTION_TIMEOUTS: Readonly<ConnectionTimeouts> = {
  probeTimeoutMs: 2_000,
  readTimeoutMs: 10_000,
  changeTimeoutMs: 60_000,
};

/**
 * Short reconnect backoff: after a takeover a client re-probes within a second, and grpc-js's
 * default (1 s doubling to 120 s) would keep a restarted coordinator looking dead.
 */
const CONTROL_CHANNEL_OPTIONS: grpc.ChannelOptions = {
  ...GRPC_CHANNEL_OPTIONS,
  'grpc.initial_reconnect_backoff_ms': 100,
  'grpc.max_reconnect_backoff_ms': 1000,
};

/**
 * Promise client for one coordinator's control API at one address: a standby's probe of its
 * leader, and the connections a {@link ClusterClient} keeps. Calls reject with grpc-js
 * ServiceErrors (`fromServiceError` rebuilds the typed error a coordinator sent).
 */
export class CoordinatorConnection {
  private readonly client: CoordinatorClient;
  private readonly timeouts: ConnectionTimeouts;
  constructor(
    readonly address: string,
    timeouts: Partial<ConnectionTimeouts> = {},
  ) {
    this.timeouts = { ...DEFAULT_CONNECTION_TIMEOUTS, ...timeouts };
    this.client = new (coordinatorProto().idunno.coordinator.v1.Coordinator)(
      address,
      grpc.credentials.createInsecure(),
      CONTROL_CHANNEL_OPTIONS,
    );
  }

  private call<Req, Res>(name: keyof CoordinatorClient, req: Req, timeoutMs: number): Promise<Res> {
    return unaryCall(this.client, this.client[name] as unknown as UnaryMethod<Req, Res>, req, timeoutMs);
  }

  addJob(req: {
    jobId: string;
    model: string;
    inputs: string[];
    batchSize?: number;
    topK?: number;
    /** The inputs' local paths are mounted on every worker (see proto AddJobRequest). */
    sharedFilesystem?: boolean;
  }): Promise<CoordJobInfo__Output> {
    return this.call('AddJob', req, this.timeouts.changeTimeoutMs);
  }
  startJob(jobId: string): Promise<CoordJobInfo__Output> {
    return this.call('StartJob', { jobId }, this.timeouts.changeTimeoutMs);
  }
  stopJob(jobId: string): Promise<CoordJobInfo__Output> {
    return this.call('StopJob', { jobId }, this.timeouts.changeTimeoutMs);
  }
  setBatchSize(jobId: string, batchSize: number): Promise<CoordJobInfo__Output> {
    return this.call('SetBatchSize', { jobId, batchSize }, this.timeouts.changeTimeoutMs);
  }
  /** Every job when `jobId` is empty. */
  stats(jobId = ''): Promise<CoordJobStatsList__Output> {
    return this.call('GetJobStats', { jobId }, this.timeouts.readTimeoutMs);
  }
  assigned(jobId = ''): Promise<CoordAssignmentList__Output> {
    return this.call('GetAssignedWorkers', { jobId }, this.timeouts.readTimeoutMs);
  }
  results(jobId: string, offset = 0, limit = 1000): Promise<CoordResultPage__Output> {
    return this.call('GetResults', { jobId, offset, limit }, this.timeouts.readTimeoutMs);
  }
  members(): Promise<CoordMemberList__Output> {
    return this.call('Members', {}, this.timeouts.readTimeoutMs);
  }
  leader(timeoutMs = this.timeouts.probeTimeoutMs): Promise<CoordLeaderInfo__Output> {
    return this.call('Leader', {}, timeoutMs);
  }
  close(): void {
    this.client.close();
  }
}
