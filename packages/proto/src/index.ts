export { GRPC_CHANNEL_OPTIONS, GRPC_MAX_MESSAGE_BYTES, kserveProto, PROTO_DIR, workerProto } from './load.js';
export type { WorkerClient, WorkerHandlers } from './generated/idunno/worker/v1/Worker.js';
export type { TaskRequest, TaskRequest__Output } from './generated/idunno/worker/v1/TaskRequest.js';
export type { TaskReply, TaskReply__Output } from './generated/idunno/worker/v1/TaskReply.js';
export type { QueryResult, QueryResult__Output } from './generated/idunno/worker/v1/QueryResult.js';
export type { Query, Query__Output } from './generated/idunno/worker/v1/Query.js';
export type { Classification, Classification__Output } from './generated/idunno/worker/v1/Classification.js';
export type { QueryError, QueryError__Output } from './generated/idunno/worker/v1/QueryError.js';
export type { Timings, Timings__Output } from './generated/idunno/worker/v1/Timings.js';
export type { StatusReply, StatusReply__Output } from './generated/idunno/worker/v1/StatusReply.js';
export type { LoadModelReply, LoadModelReply__Output } from './generated/idunno/worker/v1/LoadModelReply.js';
export type {
  GRPCInferenceServiceClient,
  GRPCInferenceServiceHandlers,
} from './generated/inference/GRPCInferenceService.js';
export type { ModelInferRequest__Output } from './generated/inference/ModelInferRequest.js';
export type { ModelInferResponse } from './generated/inference/ModelInferResponse.js';
export type { ModelMetadataResponse } from './generated/inference/ModelMetadataResponse.js';
