import * as grpc from '@grpc/grpc-js';
import { NotLeaderError, StaleEpochError, toServiceError } from '@idunno/client';
import { errorMessage } from '@idunno/log';
import { UnknownModelError } from '@idunno/models';
import {
  type CoordinatorHandlers,
  type CoordJobInfo,
  type CoordJobStats,
  type CoordMember,
  coordinatorProto,
  GRPC_CHANNEL_OPTIONS,
} from '@idunno/proto';
import { TooManyJobsError } from '@idunno/scheduler';
import {
  InvalidArgumentError,
  InvalidJobStateError,
  JobExistsError,
  JobNotFoundError,
  type JobRecord,
  StoreBehindError,
  StoreUnavailableError,
} from '@idunno/state';
import type { Coordinator } from './coordinator.js';
import { BadListFileError, InvalidJobRequestError, JobCompletedError, JobInputError } from './errors.js';
import type { MemberView } from './gossip-directory.js';
import type { JobView } from './job-views.js';

type ErrorClass = abstract new (...args: never[]) => Error;

/** The status each error class answers with; any other error is INTERNAL. */
const STATUS_BY_CLASS: readonly [ErrorClass, grpc.status][] = [
  [UnknownModelError, grpc.status.NOT_FOUND],
  [JobNotFoundError, grpc.status.NOT_FOUND],
  [JobExistsError, grpc.status.ALREADY_EXISTS],
  [InvalidJobRequestError, grpc.status.INVALID_ARGUMENT],
  [JobInputError, grpc.status.INVALID_ARGUMENT],
  [BadListFileError, grpc.status.INVALID_ARGUMENT],
  [InvalidArgumentError, grpc.status.INVALID_ARGUMENT],
  [TooManyJobsError, grpc.status.RESOURCE_EXHAUSTED],
  [NotLeaderError, grpc.status.FAILED_PRECONDITION],
  [JobCompletedError, grpc.status.FAILED_PRECONDITION],
  [InvalidJobStateError, grpc.status.FAILED_PRECONDITION],
  [StaleEpochError, grpc.status.FAILED_PRECONDITION],
  [StoreBehindError, grpc.status.UNAVAILABLE],
  [StoreUnavailableError, grpc.status.UNAVAILABLE],
];

/** What the CLI user should do next, for refusals whose library message cannot know the CLI. */
const USER_HINT: readonly [ErrorClass, string][] = [
  [
    TooManyJobsError,
    'At most two jobs run at once by default: stop one (idunno stop-job <job>) or wait for one to complete, then start this one again',
  ],
];

/**
 * The ServiceError a control call fails with: the status of the error's class, its message (plus a
 * hint for the CLI user) as details, and its class and fields in trailing metadata, from which
 * clients rebuild the typed error.
 */
export function toStatus(err: unknown): grpc.ServiceError {
  const code = STATUS_BY_CLASS.find(([cls]) => err instanceof cls)?.[1] ?? grpc.status.INTERNAL;
  const hint = USER_HINT.find(([cls]) => err instanceof cls)?.[1];
  const message = errorMessage(err);
  return toServiceError(err, code, hint ? `${message}. ${hint}` : message);
}

function jobInfo(job: JobRecord): CoordJobInfo {
  return {
    jobId: job.jobId,
    model: job.model,
    state: job.state,
    batchSize: job.batchSize,
    topK: job.topK,
    totalQueries: job.totalQueries,
    createdAt: job.createdAt,
    startedAt: job.startedAt ?? 0,
  };
}

function jobStats(v: JobView): CoordJobStats {
  const s = v.stats;
  return {
    job: jobInfo(v.job),
    done: s?.done ?? v.job.done,
    errors: s?.errors ?? v.job.errors,
    pending: s ? s.pending : Math.max(0, v.job.totalQueries - v.job.done),
    inFlight: s?.inFlight ?? 0,
    rateQps: s?.rateQps ?? 0,
    processing: s?.processing ?? { meanMs: 0, stddevMs: 0, medianMs: 0, p90Ms: 0, p95Ms: 0, p99Ms: 0 },
    etaS: s?.etaS ?? 0,
    workers: v.workers,
    redispatched: s?.redispatched ?? 0,
    source: v.source,
    completedAt: v.job.completedAt ?? 0,
  };
}

/** The idunno.coordinator.v1.Coordinator service over a Coordinator. */
export function controlHandlers(c: Coordinator, members: () => MemberView[]): CoordinatorHandlers {
  const unary =
    <Req, Res>(fn: (req: Req) => Promise<Res> | Res) =>
    (call: { request: Req }, callback: grpc.sendUnaryData<Res>) => {
      Promise.resolve()
        .then(() => fn(call.request))
        .then(
          (res) => callback(null, res),
          (err: unknown) => callback(toStatus(err)),
        );
    };
  return {
    AddJob: unary(async (r) =>
      jobInfo(
        await c.addJob({
          jobId: r.jobId,
          model: r.model,
          inputs: r.inputs,
          ...(r.batchSize ? { batchSize: r.batchSize } : {}),
          ...(r.topK ? { topK: r.topK } : {}),
          ...(r.sharedFilesystem ? { sharedFilesystem: true } : {}),
        }),
      ),
    ),
    StartJob: unary(async (r) => jobInfo(await c.startJob(r.jobId))),
    StopJob: unary(async (r) => jobInfo(await c.stopJob(r.jobId))),
    SetBatchSize: unary(async (r) => jobInfo(await c.setBatchSize(r.jobId, r.batchSize))),
    GetJobStats: unary(async (r) => ({
      jobs: (await c.jobs(r.jobId || undefined)).map((v) => jobStats(v)),
      leaderId: c.leader ?? '',
      epoch: c.epoch,
    })),
    GetAssignedWorkers: unary(async (r) => {
      if (r.jobId) await c.jobs(r.jobId); // JobNotFoundError for an unknown job
      const all = c.assignment();
      return { jobs: r.jobId ? all.filter((j) => j.jobId === r.jobId) : all };
    }),
    GetResults: unary(async (r) => {
      const limit = Math.min(r.limit || 1000, 10_000);
      const [page, view] = await Promise.all([c.results(r.jobId, r.offset, limit), c.jobs(r.jobId)]);
      return { results: page, totalRecorded: view[0]?.stats?.done ?? view[0]?.job.done ?? 0 };
    }),
    Members: unary(() => ({
      members: members().map(
        ({ labels: _labels, ...m }): CoordMember => ({
          ...m,
          leader: m.role === 'coordinator' && m.id === c.leader,
        }),
      ),
    })),
    Leader: unary(() => ({
      nodeId: c.options.nodeId,
      isLeader: c.role === 'primary',
      leaderId: c.leader ?? '',
      epoch: c.epoch,
      controlAddress: c.options.controlAddress,
    })),
  };
}

/** Starts a gRPC server for the control API; returns it and the bound port. */
export async function serveControl(
  c: Coordinator,
  members: () => MemberView[],
  host: string,
  port: number,
): Promise<{ server: grpc.Server; port: number }> {
  const server = new grpc.Server(GRPC_CHANNEL_OPTIONS);
  server.addService(
    coordinatorProto().idunno.coordinator.v1.Coordinator.service,
    controlHandlers(c, members),
  );
  const bound = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  return { server, port: bound };
}
