import * as grpc from '@grpc/grpc-js';
import {
  GRPC_CHANNEL_OPTIONS,
  type GRPCInferenceServiceClient,
  kserveProto,
  type LoadModelReply__Output,
  type StatusReply__Output,
  type TaskReply__Output,
  type TaskRequest,
  type WorkerClient,
  workerProto,
} from '@idunno/proto';

type Unary<Req, Res> = (
  req: Req,
  meta: grpc.Metadata,
  opts: grpc.CallOptions,
  cb: (err: grpc.ServiceError | null, res?: Res) => void,
) => grpc.ClientUnaryCall;

function call<Req, Res>(fn: Unary<Req, Res>, self: grpc.Client, req: Req, timeoutMs: number): Promise<Res> {
  return new Promise((resolve, reject) => {
    fn.call(self, req, new grpc.Metadata(), { deadline: Date.now() + timeoutMs }, (err, res) =>
      err ? reject(err) : resolve(res as Res),
    );
  });
}

/** Promise-based client for one worker: the task API and the KServe liveness/readiness calls. */
export class WorkerConnection {
  readonly address: string;
  private readonly worker: WorkerClient;
  private readonly kserve: GRPCInferenceServiceClient;

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

  runTask(task: TaskRequest, timeoutMs: number): Promise<TaskReply__Output> {
    return call(this.worker.RunTask as Unary<TaskRequest, TaskReply__Output>, this.worker, task, timeoutMs);
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
    this.worker.close();
  }
}
