import * as grpc from '@grpc/grpc-js';
import {
  GRPC_CHANNEL_OPTIONS,
  type GRPCInferenceServiceClient,
  kserveProto,
  type LoadModelReply__Output,
  type StatusReply__Output,
  type TaskEnvelope,
  type TaskFailure__Output,
  type TaskOutcome__Output,
  type TaskReply__Output,
  type TaskRequest,
  type WorkerClient,
  workerProto,
} from '@idunno/proto';

import { ERROR_FIELDS_KEY, ERROR_NAME_KEY } from './errors.js';
import { serviceError as failure, type UnaryMethod as Unary, unaryCall } from './grpc-call.js';

function call<Req, Res>(fn: Unary<Req, Res>, self: grpc.Client, req: Req, timeoutMs: number): Promise<Res> {
  return unaryCall(self, fn, req, timeoutMs);
}

/** A TaskFailure as the ServiceError a unary RunTask would have failed with, metadata included. */
function taskFailure(f: TaskFailure__Output): grpc.ServiceError {
  const metadata = new grpc.Metadata();
  if (f.errorName) {
    metadata.set(ERROR_NAME_KEY, f.errorName);
    metadata.set(ERROR_FIELDS_KEY, Buffer.from(f.errorFields ?? Buffer.alloc(0)));
  }
  return failure(f.code, f.message, metadata);
}

interface Pending {
  resolve: (reply: TaskReply__Output) => void;
  reject: (err: grpc.ServiceError) => void;
  timer: NodeJS.Timeout;
}

/** One open RunTasks stream and the tasks waiting on it. */
interface TaskStream {
  call: grpc.ClientDuplexStream<TaskEnvelope, TaskOutcome__Output>;
  pending: Map<number, Pending>;
}

/** Promise-based client for one worker: the task API and the KServe liveness/readiness calls. */
export class WorkerConnection {
  readonly address: string;
  private readonly worker: WorkerClient;
  private readonly kserve: GRPCInferenceServiceClient;
  private stream: TaskStream | undefined;
  private nextCallId = 1;

  constructor(address: string) {
    this.address = address;
    const creds = grpc.credentials.createInsecure();
    this.worker = new (workerProto().idunno.worker.v1.Worker)(address, creds, GRPC_CHANNEL_OPTIONS);
    // Share the channel so one connection serves both services.
    this.kserve = new (kserveProto().inference.GRPCInferenceService)(address, creds, {
      ...GRPC_CHANNEL_OPTIONS,
      channelOverride: this.worker.getChannel(),
    });
  }

  /**
   * Runs one task over this connection's RunTasks stream (opened on first use and again after it
   * breaks). Fails like the RunTask call would: with the worker's status code when the task cannot
   * run, UNAVAILABLE when the connection or stream breaks, DEADLINE_EXCEEDED after timeoutMs.
   */
  runTask(task: TaskRequest, timeoutMs: number): Promise<TaskReply__Output> {
    const stream = this.stream ?? this.openStream();
    const callId = this.nextCallId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        stream.pending.delete(callId);
        reject(
          failure(grpc.status.DEADLINE_EXCEEDED, `task ${task.taskId}: no reply within ${timeoutMs} ms`),
        );
      }, timeoutMs);
      stream.pending.set(callId, { resolve, reject, timer });
      stream.call.write({ callId, task });
    });
  }

  /** RunTask as a single unary call, for callers that send one task now and then. */
  runTaskCall(task: TaskRequest, timeoutMs: number): Promise<TaskReply__Output> {
    return call(this.worker.RunTask as Unary<TaskRequest, TaskReply__Output>, this.worker, task, timeoutMs);
  }

  private openStream(): TaskStream {
    const stream: TaskStream = { call: this.worker.RunTasks(), pending: new Map() };
    this.stream = stream;
    const settle = (err: grpc.ServiceError) => {
      if (this.stream === stream) this.stream = undefined;
      for (const p of stream.pending.values()) {
        clearTimeout(p.timer);
        p.reject(err);
      }
      stream.pending.clear();
    };
    stream.call.on('data', (outcome: TaskOutcome__Output) => {
      const p = stream.pending.get(outcome.callId);
      if (!p) return; // timed out already
      stream.pending.delete(outcome.callId);
      clearTimeout(p.timer);
      if (outcome.failure) p.reject(taskFailure(outcome.failure));
      else if (outcome.reply) p.resolve(outcome.reply);
      else p.reject(failure(grpc.status.INTERNAL, 'task outcome with neither reply nor failure'));
    });
    stream.call.on('error', (err: grpc.ServiceError) =>
      settle(failure(err.code, err.details || err.message)),
    );
    // The worker ended the stream (it is shutting down): what is still waiting goes elsewhere.
    stream.call.on('status', (s: grpc.StatusObject) => {
      if (s.code === grpc.status.OK) settle(failure(grpc.status.UNAVAILABLE, 'worker ended the task stream'));
    });
    return stream;
  }

  loadModel(model: string, timeoutMs = 60_000): Promise<LoadModelReply__Output> {
    return call(
      this.worker.LoadModel as Unary<{ model: string }, LoadModelReply__Output>,
      this.worker,
      { model },
      timeoutMs,
    );
  }

  status(timeoutMs = 5_000): Promise<StatusReply__Output> {
    return call(this.worker.Status as Unary<object, StatusReply__Output>, this.worker, {}, timeoutMs);
  }

  async live(timeoutMs = 2_000): Promise<boolean> {
    const r = await call(
      this.kserve.ServerLive as Unary<object, { live: boolean }>,
      this.kserve,
      {},
      timeoutMs,
    );
    return r.live;
  }

  /** The raw KServe v2 client, for ModelMetadata / ModelInfer. */
  get inference(): GRPCInferenceServiceClient {
    return this.kserve;
  }

  close(): void {
    const stream = this.stream;
    if (stream) {
      this.stream = undefined;
      stream.call.cancel();
    }
    this.worker.close();
  }
}
