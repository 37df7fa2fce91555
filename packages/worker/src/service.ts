import * as grpc from '@grpc/grpc-js';
import { DEFAULT_TOP_K, errorFields, StaleEpochError, toServiceError as statusOf } from '@idunno/client';
import { type Classifier, errorMessage, ModelLoadError } from '@idunno/inference';
import { getModel, ModelMissingError, type ModelSpec, UnknownModelError } from '@idunno/models';
import {
  GRPC_CHANNEL_OPTIONS,
  type GRPCInferenceServiceHandlers,
  kserveProto,
  type ModelInferRequest__Output,
  type ModelInferResponse,
  type QueryResult,
  type TaskEnvelope__Output,
  type TaskFailure,
  type TaskOutcome,
  type TaskReply,
  type TaskRequest__Output,
  type WorkerHandlers,
  workerProto,
} from '@idunno/proto';
import { BadTaskError } from './errors.js';
import { defaultWorkerServiceOptions, type WorkerServiceOptions } from './options.js';

/** Counters a worker exposes through Status and its logs. */
export interface WorkerCounters {
  tasksInFlight: number;
  queriesDone: number;
  queryErrors: number;
  staleTasksRejected: number;
  highestEpoch: number;
}

export interface WorkerEvents {
  task?: (info: {
    taskId: string;
    jobId: string;
    model: string;
    queries: number;
    errors: number;
    ms: number;
  }) => void;
  rejected?: (info: { taskId: string; reason: string }) => void;
}

/** The status each error class answers with; anything else is INTERNAL. */
const STATUS_BY_CLASS: readonly [abstract new (...args: never[]) => Error, grpc.status][] = [
  [StaleEpochError, grpc.status.FAILED_PRECONDITION],
  [BadTaskError, grpc.status.INVALID_ARGUMENT],
  [UnknownModelError, grpc.status.NOT_FOUND],
  [ModelMissingError, grpc.status.FAILED_PRECONDITION],
  [ModelLoadError, grpc.status.FAILED_PRECONDITION],
];

/** The ServiceError a call fails with: status by class, the error's class and fields in metadata. */
function toServiceError(err: unknown): grpc.ServiceError {
  const code = STATUS_BY_CLASS.find(([cls]) => err instanceof cls)?.[1] ?? grpc.status.INTERNAL;
  return statusOf(err, code, errorMessage(err));
}

/** The same failure as a TaskFailure on the task stream (which has no per-message metadata). */
function toTaskFailure(err: unknown): TaskFailure {
  const e = toServiceError(err);
  return {
    code: e.code,
    message: e.details,
    ...(err instanceof Error
      ? { errorName: err.name, errorFields: Buffer.from(JSON.stringify(errorFields(err)), 'utf8') }
      : {}),
  };
}

/**
 * The worker's gRPC services: idunno.worker.v1.Worker (tasks of URIs) and the KServe v2
 * inference.GRPCInferenceService (liveness, readiness, metadata, raw-tensor ModelInfer), on one
 * server. Per-query failures are results, not call failures; a call fails only when the task as a
 * whole cannot run.
 */
export class WorkerService {
  readonly options: WorkerServiceOptions;
  readonly counters: WorkerCounters = {
    tasksInFlight: 0,
    queriesDone: 0,
    queryErrors: 0,
    staleTasksRejected: 0,
    highestEpoch: 0,
  };
  private readonly server = new grpc.Server(GRPC_CHANNEL_OPTIONS);
  private ready = false;
  /** Open RunTasks streams; on shutdown each ends once its running tasks are answered. */
  private readonly streams = new Set<{ end(): void }>();
  private draining = false;
  /** Called after a model loads (the app republishes its gossip metadata). */
  onModelsChanged: (() => void) | undefined;

  constructor(
    private readonly classifier: Classifier,
    options: Partial<WorkerServiceOptions> & { workerId: string },
    private readonly events: WorkerEvents = {},
  ) {
    this.options = { ...defaultWorkerServiceOptions(options.workerId), ...options };
    // Every load, by LoadModel or by a task for a model nobody loaded first, is announced.
    classifier.onModelLoaded = () => this.onModelsChanged?.();
    this.server.addService(workerProto().idunno.worker.v1.Worker.service, this.workerHandlers());
    this.server.addService(kserveProto().inference.GRPCInferenceService.service, this.kserveHandlers());
  }

  /** Binds and starts serving; returns the bound port (pass 0 for an ephemeral one). */
  async listen(host: string, port: number): Promise<number> {
    const bound = await new Promise<number>((resolve, reject) => {
      this.server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (err, p) =>
        err ? reject(err) : resolve(p),
      );
    });
    this.ready = true;
    return bound;
  }

  /** Stops taking calls, lets running tasks finish (up to graceMs), then closes the pool. */
  async shutdown(graceMs = 10_000): Promise<void> {
    this.ready = false;
    this.draining = true;
    for (const s of [...this.streams]) s.end();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.server.forceShutdown();
        resolve();
      }, graceMs);
      this.server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    await this.classifier.close();
  }

  /** Validates and runs one task. Exposed for in-process benchmarks and tests. */
  async runTask(task: TaskRequest__Output): Promise<QueryResult[]> {
    if (task.epoch < this.counters.highestEpoch) {
      this.counters.staleTasksRejected++;
      this.events.rejected?.({ taskId: task.taskId, reason: 'stale epoch' });
      throw new StaleEpochError(task.epoch, this.counters.highestEpoch, 'worker');
    }
    this.counters.highestEpoch = task.epoch;
    if (task.queries.length === 0) throw new BadTaskError(task.taskId, `task ${task.taskId} has no queries`);
    if (task.queries.length > this.options.maxTaskQueries) {
      throw new BadTaskError(
        task.taskId,
        `task ${task.taskId} has ${task.queries.length} queries; this worker accepts at most ${this.options.maxTaskQueries} per task (lower the job's batch size)`,
      );
    }
    const k = task.topK === 0 ? DEFAULT_TOP_K : task.topK;
    if (k > this.options.maxTopK)
      throw new BadTaskError(task.taskId, `top_k ${k} exceeds the maximum ${this.options.maxTopK}`);
    getModel(task.model); // UnknownModelError → NOT_FOUND before any work
    const t0 = performance.now();
    this.counters.tasksInFlight++;
    try {
      const outcomes = await this.classifier.classify(
        task.model,
        task.queries.map((q) => ({ id: q.queryId, uri: q.uri })),
        k,
        { lane: task.jobId },
      );
      let errors = 0;
      const results = outcomes.map((o): QueryResult => {
        if (o.error) errors++;
        return {
          queryId: o.id,
          topK: o.topK ?? [],
          ...(o.error ? { error: o.error } : {}),
          timings: o.timings,
        };
      });
      this.counters.queriesDone += outcomes.length - errors;
      this.counters.queryErrors += errors;
      this.events.task?.({
        taskId: task.taskId,
        jobId: task.jobId,
        model: task.model,
        queries: outcomes.length,
        errors,
        ms: performance.now() - t0,
      });
      return results;
    } finally {
      this.counters.tasksInFlight--;
    }
  }

  private workerHandlers(): WorkerHandlers {
    return {
      RunTask: (call, callback) => {
        this.runTask(call.request).then(
          (results) => callback(null, this.reply(call.request, results)),
          (err: unknown) => callback(toServiceError(err)),
        );
      },
      RunTasks: (call) => this.serveTaskStream(call),
      LoadModel: (call, callback) => {
        const name = call.request.model;
        const already = this.classifier.loadedModels().includes(name);
        const t0 = performance.now();
        this.classifier.load(name).then(
          () => {
            callback(null, { model: name, loadMs: performance.now() - t0, alreadyLoaded: already });
          },
          (err: unknown) => callback(toServiceError(err)),
        );
      },
      Status: (_call, callback) => {
        callback(null, {
          workerId: this.options.workerId,
          loadedModels: this.classifier.loadedModels(),
          tasksInFlight: this.counters.tasksInFlight,
          highestEpoch: this.counters.highestEpoch,
          queriesDone: this.counters.queriesDone,
          rssBytes: process.memoryUsage.rss(),
        });
      },
    };
  }

  private reply(task: TaskRequest__Output, results: QueryResult[]): TaskReply {
    return {
      taskId: task.taskId,
      results,
      workerId: this.options.workerId,
      epoch: this.counters.highestEpoch,
    };
  }

  /**
   * One caller's task stream: every envelope runs as soon as it arrives (the pool queues and
   * interleaves them exactly as it does concurrent RunTask calls) and is answered on the stream
   * when it finishes. The stream ends when the caller ends it or, during shutdown, once the tasks
   * already taken are answered; tasks that arrive while draining fail with UNAVAILABLE so the
   * caller re-dispatches them elsewhere.
   */
  private serveTaskStream(call: grpc.ServerDuplexStream<TaskEnvelope__Output, TaskOutcome>): void {
    let running = 0;
    let ending = false;
    let closed = false;
    const drop = () => {
      closed = true;
      this.streams.delete(handle);
    };
    const finish = () => {
      if (closed) return;
      drop();
      if (!call.cancelled && !call.destroyed) call.end();
    };
    const handle = {
      end: () => {
        ending = true;
        if (running === 0) finish();
      },
    };
    this.streams.add(handle);
    const answer = (outcome: TaskOutcome) => {
      running--;
      if (!closed && !call.cancelled && !call.destroyed) call.write(outcome);
      if (ending && running === 0) finish();
    };
    call.on('data', (env: TaskEnvelope__Output) => {
      const callId = env.callId;
      running++;
      if (this.draining || closed) {
        answer({ callId, failure: { code: grpc.status.UNAVAILABLE, message: 'worker is shutting down' } });
        return;
      }
      if (!env.task) {
        answer({
          callId,
          failure: { code: grpc.status.INVALID_ARGUMENT, message: 'envelope without a task' },
        });
        return;
      }
      const task = env.task;
      this.runTask(task).then(
        (results) => answer({ callId, reply: this.reply(task, results) }),
        (err: unknown) => answer({ callId, failure: toTaskFailure(err) }),
      );
    });
    call.on('end', () => handle.end());
    // A cancelled or broken stream: nothing more can be written; running tasks finish and are dropped.
    call.on('error', drop);
    call.on('cancelled', drop);
  }

  private kserveHandlers(): GRPCInferenceServiceHandlers {
    return {
      ServerLive: (_call, callback) => callback(null, { live: true }),
      ServerReady: (_call, callback) => callback(null, { ready: this.ready }),
      ModelReady: (call, callback) => {
        callback(null, { ready: this.classifier.loadedModels().includes(call.request.name) });
      },
      ServerMetadata: (_call, callback) => {
        callback(null, { name: 'idunno-worker', version: '0.1.0', extensions: [] });
      },
      ModelMetadata: (call, callback) => {
        let spec: ModelSpec;
        try {
          spec = getModel(call.request.name);
        } catch (err) {
          callback(toServiceError(err));
          return;
        }
        callback(null, {
          name: spec.name,
          versions: ['1'],
          platform: 'onnxruntime_onnx',
          inputs: [
            { name: spec.input.name, datatype: 'FP32', shape: [-1, 3, spec.input.height, spec.input.width] },
          ],
          outputs: [{ name: spec.output.name, datatype: 'FP32', shape: [-1, spec.output.classes] }],
        });
      },
      ModelInfer: (call, callback) => {
        this.modelInfer(call.request).then(
          (reply) => callback(null, reply),
          (err: unknown) => callback(toServiceError(err)),
        );
      },
    };
  }

  /** KServe v2 raw-tensor inference: one FP32 NCHW input, logits out as raw FP32. */
  private async modelInfer(req: ModelInferRequest__Output): Promise<ModelInferResponse> {
    const spec = getModel(req.modelName);
    const input = req.inputs[0];
    if (req.inputs.length !== 1 || !input)
      throw new BadTaskError(req.id, `ModelInfer expects exactly one input tensor, got ${req.inputs.length}`);
    if (input.datatype !== 'FP32')
      throw new BadTaskError(req.id, `input datatype must be FP32, got ${input.datatype || '(none)'}`);
    const shape = input.shape.map(Number);
    const expected = [3, spec.input.height, spec.input.width];
    if (shape.length !== 4 || shape[0]! < 1 || shape.slice(1).some((d, i) => d !== expected[i])) {
      throw new BadTaskError(
        req.id,
        `input shape must be [n, ${expected.join(', ')}], got [${shape.join(', ')}]`,
      );
    }
    const elements = shape.reduce((a, b) => a * b, 1);
    let data: Float32Array;
    const raw = req.rawInputContents[0];
    if (raw) {
      if (raw.length !== elements * 4)
        throw new BadTaskError(req.id, `raw input holds ${raw.length} bytes, shape needs ${elements * 4}`);
      data = new Float32Array(elements);
      new Uint8Array(data.buffer).set(raw);
    } else {
      const values = input.contents?.fp32Contents ?? [];
      if (values.length !== elements)
        throw new BadTaskError(
          req.id,
          `fp32_contents holds ${values.length} values, shape needs ${elements}`,
        );
      data = Float32Array.from(values);
    }
    await this.classifier.load(spec.name);
    const run = await this.classifier.pool.run(spec.name, data, shape);
    const bytes = Buffer.from(run.logits.buffer, run.logits.byteOffset, run.logits.byteLength);
    return {
      modelName: spec.name,
      modelVersion: '1',
      id: req.id,
      outputs: [{ name: spec.output.name, datatype: 'FP32', shape: run.dims }],
      rawOutputContents: [bytes],
    };
  }
}
