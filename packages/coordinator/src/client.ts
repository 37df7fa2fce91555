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

type Method<Req, Res> = (
  req: Req,
  meta: grpc.Metadata,
  opts: grpc.CallOptions,
  cb: (e: grpc.ServiceError | null, r?: Res) => void,
) => unknown;

/** Promise client for one coordinator's control API (tests, benchmarks, the launcher). */
export class CoordinatorConnection {
  private readonly client: CoordinatorClient;
  constructor(
    readonly address: string,
    private readonly timeoutMs = 10_000,
  ) {
    this.client = new (coordinatorProto().idunno.coordinator.v1.Coordinator)(
      address,
      grpc.credentials.createInsecure(),
      GRPC_CHANNEL_OPTIONS,
    );
  }

  private call<Req, Res>(name: keyof CoordinatorClient, req: Req, timeoutMs = this.timeoutMs): Promise<Res> {
    const fn = this.client[name] as unknown as Method<Req, Res>;
    return new Promise((resolve, reject) =>
      fn.call(this.client, req, new grpc.Metadata(), { deadline: Date.now() + timeoutMs }, (err, res) =>
        err ? reject(err) : resolve(res as Res),
      ),
    );
  }

  addJob(req: {
    jobId: string;
    model: string;
    inputs: string[];
    batchSize?: number;
    topK?: number;
  }): Promise<CoordJobInfo__Output> {
    return this.call('AddJob', req, 60_000);
  }
  startJob(jobId: string): Promise<CoordJobInfo__Output> {
    return this.call('StartJob', { jobId }, 30_000);
  }
  stopJob(jobId: string): Promise<CoordJobInfo__Output> {
    return this.call('StopJob', { jobId });
  }
  setBatchSize(jobId: string, batchSize: number): Promise<CoordJobInfo__Output> {
    return this.call('SetBatchSize', { jobId, batchSize });
  }
  stats(jobId = ''): Promise<CoordJobStatsList__Output> {
    return this.call('GetJobStats', { jobId });
  }
  assigned(jobId = ''): Promise<CoordAssignmentList__Output> {
    return this.call('GetAssignedWorkers', { jobId });
  }
  results(jobId: string, offset = 0, limit = 1000): Promise<CoordResultPage__Output> {
    return this.call('GetResults', { jobId, offset, limit });
  }
  members(): Promise<CoordMemberList__Output> {
    return this.call('Members', {});
  }
  leader(timeoutMs = 2_000): Promise<CoordLeaderInfo__Output> {
    return this.call('Leader', {}, timeoutMs);
  }
  close(): void {
    this.client.close();
  }
}
