import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType as CoordinatorProto } from './generated/coordinator.js';
import type { ProtoGrpcType as KServeProto } from './generated/grpc_predict_v2.js';
import type { ProtoGrpcType as WorkerProto } from './generated/worker.js';

/** Absolute path of the repository's `proto/` folder, where every .proto file lives. */
export const PROTO_DIR = fileURLToPath(new URL('../../../proto/', import.meta.url));

/** Must match the flags infra/proto-gen.mjs passes to proto-loader-gen-types. */
const LOADER_OPTIONS: protoLoader.Options = {
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [PROTO_DIR],
};

function load<T>(file: string): T {
  const definition = protoLoader.loadSync(file, LOADER_OPTIONS);
  return grpc.loadPackageDefinition(definition) as unknown as T;
}

let worker: WorkerProto | undefined;
let coordinator: CoordinatorProto | undefined;
let kserve: KServeProto | undefined;

/** The idunno.worker.v1 package (task API). Loaded once per process. */
export function workerProto(): WorkerProto {
  worker ??= load<WorkerProto>('worker.proto');
  return worker;
}

/** The idunno.coordinator.v1 package (control API). */
export function coordinatorProto(): CoordinatorProto {
  coordinator ??= load<CoordinatorProto>('coordinator.proto');
  return coordinator;
}

/** The KServe v2 `inference` package (liveness, readiness, metadata, ModelInfer). */
export function kserveProto(): KServeProto {
  kserve ??= load<KServeProto>('kserve/grpc_predict_v2.proto');
  return kserve;
}

/**
 * Channel options for every idunno gRPC client and server. Tasks carry URIs, not tensors, so the
 * default 4 MiB would do for them; the KServe ModelInfer call carries raw float32 tensors
 * (602,112 bytes per 224×224 image), so the limit is raised deliberately to fit a batch of 64.
 */
export const GRPC_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
export const GRPC_CHANNEL_OPTIONS: grpc.ChannelOptions = {
  'grpc.max_receive_message_length': GRPC_MAX_MESSAGE_BYTES,
  'grpc.max_send_message_length': GRPC_MAX_MESSAGE_BYTES,
  // idunno retries at its own level (a failed task is re-dispatched, maybe elsewhere); grpc-js's
  // transparent-retry layer buffers every call for nothing and costs ~0.2 ms per call here.
  'grpc.enable_retries': 0,
};
