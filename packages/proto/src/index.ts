export type {
  AddJobRequest as CoordAddJobRequest,
  AddJobRequest__Output as CoordAddJobRequest__Output,
} from './generated/idunno/coordinator/v1/AddJobRequest.js';
export type {
  AssignmentList as CoordAssignmentList,
  AssignmentList__Output as CoordAssignmentList__Output,
} from './generated/idunno/coordinator/v1/AssignmentList.js';
export type {
  CoordinatorClient,
  CoordinatorHandlers,
} from './generated/idunno/coordinator/v1/Coordinator.js';
export type {
  GetResultsRequest as CoordGetResultsRequest,
  GetResultsRequest__Output as CoordGetResultsRequest__Output,
} from './generated/idunno/coordinator/v1/GetResultsRequest.js';
export type {
  JobAssignment as CoordJobAssignment,
  JobAssignment__Output as CoordJobAssignment__Output,
} from './generated/idunno/coordinator/v1/JobAssignment.js';
export type {
  JobInfo as CoordJobInfo,
  JobInfo__Output as CoordJobInfo__Output,
} from './generated/idunno/coordinator/v1/JobInfo.js';
export type {
  JobRef as CoordJobRef,
  JobRef__Output as CoordJobRef__Output,
} from './generated/idunno/coordinator/v1/JobRef.js';
export type {
  JobStats as CoordJobStats,
  JobStats__Output as CoordJobStats__Output,
} from './generated/idunno/coordinator/v1/JobStats.js';
export type {
  JobStatsList as CoordJobStatsList,
  JobStatsList__Output as CoordJobStatsList__Output,
} from './generated/idunno/coordinator/v1/JobStatsList.js';
export type {
  LeaderInfo as CoordLeaderInfo,
  LeaderInfo__Output as CoordLeaderInfo__Output,
} from './generated/idunno/coordinator/v1/LeaderInfo.js';
export type {
  LeaderRequest as CoordLeaderRequest,
  LeaderRequest__Output as CoordLeaderRequest__Output,
} from './generated/idunno/coordinator/v1/LeaderRequest.js';
export type {
  Member as CoordMember,
  Member__Output as CoordMember__Output,
} from './generated/idunno/coordinator/v1/Member.js';
export type {
  MemberList as CoordMemberList,
  MemberList__Output as CoordMemberList__Output,
} from './generated/idunno/coordinator/v1/MemberList.js';
export type {
  MembersRequest as CoordMembersRequest,
  MembersRequest__Output as CoordMembersRequest__Output,
} from './generated/idunno/coordinator/v1/MembersRequest.js';
export type {
  ProcessingTime as CoordProcessingTime,
  ProcessingTime__Output as CoordProcessingTime__Output,
} from './generated/idunno/coordinator/v1/ProcessingTime.js';
export type {
  ResultPage as CoordResultPage,
  ResultPage__Output as CoordResultPage__Output,
} from './generated/idunno/coordinator/v1/ResultPage.js';
export type {
  ResultRecord as CoordResultRecord,
  ResultRecord__Output as CoordResultRecord__Output,
} from './generated/idunno/coordinator/v1/ResultRecord.js';
export type {
  SetBatchSizeRequest as CoordSetBatchSizeRequest,
  SetBatchSizeRequest__Output as CoordSetBatchSizeRequest__Output,
} from './generated/idunno/coordinator/v1/SetBatchSizeRequest.js';
export type {
  WorkerShare as CoordWorkerShare,
  WorkerShare__Output as CoordWorkerShare__Output,
} from './generated/idunno/coordinator/v1/WorkerShare.js';
export type { Classification, Classification__Output } from './generated/idunno/worker/v1/Classification.js';
export type { LoadModelReply, LoadModelReply__Output } from './generated/idunno/worker/v1/LoadModelReply.js';
export type { Query, Query__Output } from './generated/idunno/worker/v1/Query.js';
export type { QueryError, QueryError__Output } from './generated/idunno/worker/v1/QueryError.js';
export type { QueryResult, QueryResult__Output } from './generated/idunno/worker/v1/QueryResult.js';
export type { StatusReply, StatusReply__Output } from './generated/idunno/worker/v1/StatusReply.js';
export type { TaskEnvelope, TaskEnvelope__Output } from './generated/idunno/worker/v1/TaskEnvelope.js';
export type { TaskFailure, TaskFailure__Output } from './generated/idunno/worker/v1/TaskFailure.js';
export type { TaskOutcome, TaskOutcome__Output } from './generated/idunno/worker/v1/TaskOutcome.js';
export type { TaskReply, TaskReply__Output } from './generated/idunno/worker/v1/TaskReply.js';
export type { TaskRequest, TaskRequest__Output } from './generated/idunno/worker/v1/TaskRequest.js';
export type { Timings, Timings__Output } from './generated/idunno/worker/v1/Timings.js';
export type { WorkerClient, WorkerHandlers } from './generated/idunno/worker/v1/Worker.js';
export type {
  GRPCInferenceServiceClient,
  GRPCInferenceServiceHandlers,
} from './generated/inference/GRPCInferenceService.js';
export type { ModelInferRequest__Output } from './generated/inference/ModelInferRequest.js';
export type { ModelInferResponse } from './generated/inference/ModelInferResponse.js';
export type { ModelMetadataResponse } from './generated/inference/ModelMetadataResponse.js';
export {
  coordinatorProto,
  GRPC_CHANNEL_OPTIONS,
  GRPC_MAX_MESSAGE_BYTES,
  kserveProto,
  PROTO_DIR,
  workerProto,
} from './load.js';
