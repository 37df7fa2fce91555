/**
 * The coordinator's ports: everything it needs from outside that a test wants to replace. Time
 * (a monotonic clock for deadlines, rates and the lease; wall time for timestamps a user reads),
 * periodic timers, connections to workers, and the probe of another coordinator's control API.
 * Production uses the real ones below; unit tests drive the parts with fakes.
 */

import * as grpc from '@grpc/grpc-js';
import { CoordinatorConnection, isServiceError, WorkerConnection } from '@idunno/client';
import type { LoadModelReply__Output, TaskReply__Output, TaskRequest } from '@idunno/proto';

/** Monotonic and wall-clock time, in milliseconds. */
export interface Clock {
  /** Monotonic: deadlines, rate windows, the lease's validity. Never goes backwards. */
  monotonic(): number;
  /** Wall-clock time since the Unix epoch, sub-millisecond: timestamps users read. */
  wall(): number;
}

/** Undoes a {@link Timers.every}. */
export type Cancel = () => void;

/** Periodic timers. */
export interface Timers {
  /** Calls `fn` every `ms` until cancelled. */
  every(ms: number, fn: () => void): Cancel;
}

/**
 * One worker's task API as the dispatcher uses it. Fails like a gRPC call: with a ServiceError
 * whose code says what happened (UNAVAILABLE: the connection broke or was refused;
 * DEADLINE_EXCEEDED: no reply in time; the worker's own refusals with their typed error in
 * metadata, see `fromServiceError`).
 */
export interface WorkerLink {
  runTask(task: TaskRequest, timeoutMs: number): Promise<TaskReply__Output>;
  loadModel(model: string, timeoutMs: number): Promise<LoadModelReply__Output>;
  close(): void;
}

/** Opens worker links. */
export interface WorkerLinks {
  connect(address: string): WorkerLink;
}

/** What a probe of another coordinator's control API found. */
export type ProbeAnswer = 'answered' | 'refused' | 'silent';

/** Asks a coordinator's control API whether it is there. */
export interface LeaderProbe {
  /** 'refused': the connection was refused or broke (UNAVAILABLE); 'silent': no answer in time. */
  probe(address: string, timeoutMs: number): Promise<ProbeAnswer>;
  close(): void;
}

/** The ports a coordinator runs on. */
export interface CoordinatorPorts {
  clock: Clock;
  timers: Timers;
  workerLinks: WorkerLinks;
  leaderProbe: LeaderProbe;
}

export const realClock: Clock = {
  monotonic: () => performance.now(),
  // timeOrigin + now keeps the sub-millisecond resolution that Date.now() drops.
  wall: () => performance.timeOrigin + performance.now(),
};

export const realTimers: Timers = {
  every(ms, fn) {
    const t = setInterval(fn, ms);
    return () => clearInterval(t);
  },
};

export const grpcWorkerLinks: WorkerLinks = {
  connect: (address) => new WorkerConnection(address),
};

/** Probes over gRPC `Leader()`, keeping one connection to the address it last probed. */
export class GrpcLeaderProbe implements LeaderProbe {
  private conn: CoordinatorConnection | undefined;

  async probe(address: string, timeoutMs: number): Promise<ProbeAnswer> {
    if (this.conn?.address !== address) {
      this.conn?.close();
      this.conn = new CoordinatorConnection(address);
    }
    try {
      await this.conn.leader(timeoutMs);
      return 'answered';
    } catch (err) {
      return isServiceError(err) && err.code === grpc.status.UNAVAILABLE ? 'refused' : 'silent';
    }
  }

  close(): void {
    this.conn?.close();
    this.conn = undefined;
  }
}

export function realPorts(): CoordinatorPorts {
  return {
    clock: realClock,
    timers: realTimers,
    workerLinks: grpcWorkerLinks,
    leaderProbe: new GrpcLeaderProbe(),
  };
}
