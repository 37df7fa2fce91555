// Original file: proto/coordinator.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AddJobRequest as _idunno_coordinator_v1_AddJobRequest, AddJobRequest__Output as _idunno_coordinator_v1_AddJobRequest__Output } from '../../../idunno/coordinator/v1/AddJobRequest.js';
import type { AssignmentList as _idunno_coordinator_v1_AssignmentList, AssignmentList__Output as _idunno_coordinator_v1_AssignmentList__Output } from '../../../idunno/coordinator/v1/AssignmentList.js';
import type { GetResultsRequest as _idunno_coordinator_v1_GetResultsRequest, GetResultsRequest__Output as _idunno_coordinator_v1_GetResultsRequest__Output } from '../../../idunno/coordinator/v1/GetResultsRequest.js';
import type { JobInfo as _idunno_coordinator_v1_JobInfo, JobInfo__Output as _idunno_coordinator_v1_JobInfo__Output } from '../../../idunno/coordinator/v1/JobInfo.js';
import type { JobRef as _idunno_coordinator_v1_JobRef, JobRef__Output as _idunno_coordinator_v1_JobRef__Output } from '../../../idunno/coordinator/v1/JobRef.js';
import type { JobStatsList as _idunno_coordinator_v1_JobStatsList, JobStatsList__Output as _idunno_coordinator_v1_JobStatsList__Output } from '../../../idunno/coordinator/v1/JobStatsList.js';
import type { LeaderInfo as _idunno_coordinator_v1_LeaderInfo, LeaderInfo__Output as _idunno_coordinator_v1_LeaderInfo__Output } from '../../../idunno/coordinator/v1/LeaderInfo.js';
import type { LeaderRequest as _idunno_coordinator_v1_LeaderRequest, LeaderRequest__Output as _idunno_coordinator_v1_LeaderRequest__Output } from '../../../idunno/coordinator/v1/LeaderRequest.js';
import type { MemberList as _idunno_coordinator_v1_MemberList, MemberList__Output as _idunno_coordinator_v1_MemberList__Output } from '../../../idunno/coordinator/v1/MemberList.js';
import type { MembersRequest as _idunno_coordinator_v1_MembersRequest, MembersRequest__Output as _idunno_coordinator_v1_MembersRequest__Output } from '../../../idunno/coordinator/v1/MembersRequest.js';
import type { ResultPage as _idunno_coordinator_v1_ResultPage, ResultPage__Output as _idunno_coordinator_v1_ResultPage__Output } from '../../../idunno/coordinator/v1/ResultPage.js';
import type { SetBatchSizeRequest as _idunno_coordinator_v1_SetBatchSizeRequest, SetBatchSizeRequest__Output as _idunno_coordinator_v1_SetBatchSizeRequest__Output } from '../../../idunno/coordinator/v1/SetBatchSizeRequest.js';

export interface CoordinatorClient extends grpc.Client {
  AddJob(argument: _idunno_coordinator_v1_AddJobRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_idunno_coordinator_v1_JobInfo__Output>): grpc.ClientUnaryCall;
  AddJob(argument: _idunno_coordinator_v1_AddJobRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_idunno_coordinator_v1_JobInfo__Output>): grpc.ClientUnaryCall;
  AddJob(argument: _idunno_coordinator_v1_AddJobRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_idunno_coordinator_v1_JobInfo__Output>): grpc.ClientUnaryCall;
  AddJob(argument: _idunno_coordinator_v1_AddJobRequest, callback: grpc.requestCallback<_idunno_coordinator_v1_JobInfo__Output>): grpc.ClientUnaryCall;
  addJob(argument: _idunno_coordinator_v1_AddJobRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_idunno_coordinator_v1_JobInfo__Output>): grpc.ClientUnaryCall;
  addJob(argument: _idunno_coordinator_v1_AddJobRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_idunno_coordinator_v1_JobInfo__Output>): grpc.ClientUnaryCall;
  addJob(argument: _idunno_coordinator_v1_AddJobRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_idunno_coordinator_v1_JobInfo__Output>): grpc.ClientUnaryCall;
  addJob(argument: _idunno_coordinator_v1_AddJobRequest, callback: grpc.requestCallback<_idunno_coordinator_v1_JobInfo__Output>): grpc.ClientUnaryCall;
  
  GetAssignedWorkers(argument: _idunno_coordinator_v1_JobRef, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_idunno_coordinator_v1_AssignmentList__Output>): grpc.ClientUnaryCall;
  GetAssignedWorkers(argument: _idunno_coordinator_v1_JobRef, metadata: grpc.Metadata, callback: grpc.requestCallback<_idunno_coordinator_v1_AssignmentList__Output>): grpc.ClientUnaryCall;
  GetAssignedWorkers(argument: _idunno_coordinator_v1_JobRef, options: grpc.CallOptions, callback: grpc.requestCallback<_idunno_coordinator_v1_AssignmentList__Output>): grpc.ClientUnaryCall;
  GetAssignedWorkers(argument: _idunno_coordinator_v1_JobRef, callback: grpc.requestCallback<_idunno_coordinator_v1_AssignmentList__Output>): grpc.ClientUnaryCall;
  getAssignedWorkers(argument: _idunno_coordinator_v1_JobRef, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_idunno_coordinator_v1_AssignmentList__Output>): grpc.ClientUnaryCall;
  getAssignedWorkers(argument: _idunno_coordinator_v1_JobRef, metadata: grpc.Metadata, callback: grpc.requestCallback<_idunno_coordinator_v1_AssignmentList__Output>): grpc.ClientUnaryCall;
  getAssignedWorkers(argument: _idunno_coordinator_v1_JobRef, options: grpc.CallOptions, callback: grpc.requestCallback<_idunno_coordinator_v1_AssignmentList__Output>): grpc.ClientUnaryCall;
  getAssignedWorkers(argument: _idunno_coordinator_v1_JobRef, callback: grpc.requestCallback<_idunno_coordinator_v1_AssignmentList__Output>): grpc.ClientUnaryCall;
  
  GetJobStats(argument: _idunno_coordinator_v1_JobRef, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_idunno_coordinator_v1_JobStatsList__Output>): grpc.ClientUnaryCall;
  GetJobStats(argument: _idunno_coordinator_v1_JobRef, metadata: grpc.Metadata, callback: grpc.requestCallback<_idunno_coordinator_v1_JobStatsList__Output>): grpc.ClientUnaryCall;
  GetJobStats(argument: _idunno_coordinator_v1_JobRef, options: grpc.CallOptions, callback: grpc.requestCallback<_idunno_coordinator_v1_JobStatsList__Output>): grpc.ClientUnaryCall;
  GetJobStats(argument: _idunno_coordinator_v1_JobRef, callback: grpc.requestCallback<_idunno_coordinator_v1_JobStatsList__Output>): grpc.ClientUnaryCall;
  getJobStats(argument: _idunno_coordinator_v1_JobRef, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_idunno_coordinator_v1_JobStatsList__Output>): grpc.ClientUnaryCall;
  getJobStats(argument: _idunno_coordinator_v1_JobRef, metadata: grpc.Metadata, callback: grpc.requestCallback<_idunno_coordinator_v1_JobStatsList__Output>): grpc.ClientUnaryCall;
  getJobStats(argument: _idunno_coordinator_v1_JobRef, options: grpc.CallOptions, callback: grpc.requestCallback<_idunno_coordinator_v1_JobStatsList__Output>): grpc.ClientUnaryCall;
  getJobStats(argument: _idunno_coordinator_v1_JobRef, callback: grpc.requestCallback<_idunno_coordinator_v1_JobStatsList__Output>): grpc.ClientUnaryCall;
  
  GetResults(argument: _idunno_coordinator_v1_GetResultsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_idunno_coordinator_v1_ResultPage__Output>): grpc.ClientUnaryCall;
  GetResults(argument: _idunno_coordinator_v1_GetResultsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_idunno_coordinator_v1_ResultPage__Output>): grpc.ClientUnaryCall;
  GetResults(argument: _idunno_coordinator_v1_GetResultsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_idunno_coordinator_v1_ResultPage__Output>): grpc.ClientUnaryCall;
  GetResults(argument: _idunno_coordinator_v1_GetResultsRequest, callback: grpc.requestCallback<_idunno_coordinator_v1_ResultPage__Output>): grpc.ClientUnaryCall;
  getResults(argument: _idunno_coordinator_v1_GetResultsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_idunno_coordinator_v1_ResultPage__Output>): grpc.ClientUnaryCall;
  getResults(argument: _idunno_coordinator_v1_GetResultsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_idunno_coordinator_v1_ResultPage__Output>): grpc.ClientUnaryCall;
  getResults(argument: _idunno_coordinator_v1_GetResultsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_idunno_coordinator_v1_ResultPage__Output>): grpc.ClientUnaryCall;
  getResults(argument: _idunno_coordinator_v1_GetResultsRequest, callback: grpc.requestCallback<_idunno_coordinator_v1_ResultPage__Output>): grpc.ClientUnaryCall;
  
  Leader(argument: _idunno_coordinator_v1_LeaderRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_idunno_coordinator_v1_LeaderInfo__Output>): grpc.ClientUnaryCall;
  Leader(argument: _idunno_coordinator_v1_LeaderRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_idunno_coordinator_v1_LeaderInfo__Output>): grpc.ClientUnaryCall;
  Leader(argument: _idunno_coordinator_v1_LeaderRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_idunno_coordinator_v1_LeaderInfo__Output>): grpc.ClientUnaryCall;
  Leader(argument: _idunno_coordinator_v1_LeaderRequest, callback: grpc.requestCallback<_idunno_coordinator_v1_LeaderInfo__Output>): grpc.ClientUnaryCall;
  leader(argument: _idunno_coordinator_v1_LeaderRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_idunno_coordinator_v1_LeaderInfo__Output>): grpc.ClientUnaryCall;
  leader(argument: _idunno_coordinator_v1_LeaderRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_idunno_coordinator_v1_LeaderInfo__Output>): grpc.ClientUnaryCall;
  leader(argument: _idunno_coordinator_v1_LeaderRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_idunno_coordinator_v1_LeaderInfo__Output>): grpc.ClientUnaryCall;
  leader(argument: _idunno_coordinator_v1_LeaderRequest, callback: grpc.requestCallback<_idunno_coordinator_v1_LeaderInfo__Output>): grpc.ClientUnaryCall;
  
  Members(argument: _idunno_coordinator_v1_MembersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_idunno_coordinator_v1_MemberList__Output>): grpc.ClientUnaryCall;
  Members(argument: _idunno_coordinator_v1_MembersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_idunno_coordinator_v1_MemberList__Output>): grpc.ClientUnaryCall;
  Members(argument: _idunno_coordinator_v1_MembersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_idunno_coordinator_v1_MemberList__Output>): grpc.ClientUnaryCall;
  Members(argument: _idunno_coordinator_v1_MembersRequest, callback: grpc.requestCallback<_idunno_coordinator_v1_MemberList__Output>): grpc.ClientUnaryCall;
  members(argument: _idunno_coordinator_v1_MembersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_idunno_coordinator_v1_MemberList__Output>): grpc.ClientUnaryCall;
  members(argument: _idunno_coordinator_v1_MembersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_idunno_coordinator_v1_MemberList__Output>): grpc.ClientUnaryCall;
  members(argument: _idunno_coordinator_v1_MembersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_idunno_coordinator_v1_MemberList__Output>): grpc.ClientUnaryCall;
  members(argument: _idunno_coordinator_v1_MembersRequest, callback: grpc.requestCallback<_idunno_coordinator_v1_MemberList__Output>): grpc.ClientUnaryCall;
  
  SetBatchSize(argument: _idunno_coordinator_v1_SetBatchSizeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_idunno_coordinator_v1_JobInfo__Output>): grpc.ClientUnaryCall;
  SetBatchSize(argument: _idunno_coordinator_v1_SetBatchSizeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_idunno_coordinator_v1_JobInfo__Output>): grpc.ClientUnaryCall;
  SetBatchSize(argument: _idunno_coordinator_v1_SetBatchSizeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_idunno_coordinator_v1_JobInfo__Output>): grpc.ClientUnaryCall;
  SetBatchSize(argument: _idunno_coordinator_v1_SetBatchSizeRequest, callback: grpc.requestCallback<_idunno_coordinator_v1_JobInfo__Output>): grpc.ClientUnaryCall;
  setBatchSize(argument: _idunno_coordinator_v1_SetBatchSizeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_idunno_coordinator_v1_JobInfo__Output>): grpc.ClientUnaryCall;
  setBatchSize(argument: _idunno_coordinator_v1_SetBatchSizeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_idunno_coordinator_v1_JobInfo__Output>): grpc.ClientUnaryCall;
  setBatchSize(argument: _idunno_coordinator_v1_SetBatchSizeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_idunno_coordinator_v1_JobInfo__Output>): grpc.ClientUnaryCall;
  setBatchSize(argument: _idunno_coordinator_v1_SetBatchSizeRequest, callback: grpc.requestCallback<_idunno_coordinator_v1_JobInfo__Output>): grpc.ClientUnaryCall;
  
  StartJob(argument: _idunno_coordinator_v1_JobRef, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_idunno_coordinator_v1_JobInfo__Output>): grpc.ClientUnaryCall;
  StartJob(argument: _idunno_coordinator_v1_JobRef, metadata: grpc.Metadata, callback: grpc.requestCallback<_idunno_coordinator_v1_JobInfo__Output>): grpc.ClientUnaryCall;
  StartJob(argument: _idunno_coordinator_v1_JobRef, options: grpc.CallOptions, callback: grpc.requestCallback<_idunno_coordinator_v1_JobInfo__Output>): grpc.ClientUnaryCall;
  StartJob(argument: _idunno_coordinator_v1_JobRef, callback: grpc.requestCallback<_idunno_coordinator_v1_JobInfo__Output>): grpc.ClientUnaryCall;
  startJob(argument: _idunno_coordinator_v1_JobRef, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_idunno_coordinator_v1_JobInfo__Output>): grpc.ClientUnaryCall;
  startJob(argument: _idunno_coordinator_v1_JobRef, metadata: grpc.Metadata, callback: grpc.requestCallback<_idunno_coordinator_v1_JobInfo__Output>): grpc.ClientUnaryCall;
  startJob(argument: _idunno_coordinator_v1_JobRef, options: grpc.CallOptions, callback: grpc.requestCallback<_idunno_coordinator_v1_JobInfo__Output>): grpc.ClientUnaryCall;
  startJob(argument: _idunno_coordinator_v1_JobRef, callback: grpc.requestCallback<_idunno_coordinator_v1_JobInfo__Output>): grpc.ClientUnaryCall;
  
  StopJob(argument: _idunno_coordinator_v1_JobRef, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_idunno_coordinator_v1_JobInfo__Output>): grpc.ClientUnaryCall;
  StopJob(argument: _idunno_coordinator_v1_JobRef, metadata: grpc.Metadata, callback: grpc.requestCallback<_idunno_coordinator_v1_JobInfo__Output>): grpc.ClientUnaryCall;
  StopJob(argument: _idunno_coordinator_v1_JobRef, options: grpc.CallOptions, callback: grpc.requestCallback<_idunno_coordinator_v1_JobInfo__Output>): grpc.ClientUnaryCall;
  StopJob(argument: _idunno_coordinator_v1_JobRef, callback: grpc.requestCallback<_idunno_coordinator_v1_JobInfo__Output>): grpc.ClientUnaryCall;
  stopJob(argument: _idunno_coordinator_v1_JobRef, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_idunno_coordinator_v1_JobInfo__Output>): grpc.ClientUnaryCall;
  stopJob(argument: _idunno_coordinator_v1_JobRef, metadata: grpc.Metadata, callback: grpc.requestCallback<_idunno_coordinator_v1_JobInfo__Output>): grpc.ClientUnaryCall;
  stopJob(argument: _idunno_coordinator_v1_JobRef, options: grpc.CallOptions, callback: grpc.requestCallback<_idunno_coordinator_v1_JobInfo__Output>): grpc.ClientUnaryCall;
  stopJob(argument: _idunno_coordinator_v1_JobRef, callback: grpc.requestCallback<_idunno_coordinator_v1_JobInfo__Output>): grpc.ClientUnaryCall;
  
}

export interface CoordinatorHandlers extends grpc.UntypedServiceImplementation {
  AddJob: grpc.handleUnaryCall<_idunno_coordinator_v1_AddJobRequest__Output, _idunno_coordinator_v1_JobInfo>;
  
  GetAssignedWorkers: grpc.handleUnaryCall<_idunno_coordinator_v1_JobRef__Output, _idunno_coordinator_v1_AssignmentList>;
  
  GetJobStats: grpc.handleUnaryCall<_idunno_coordinator_v1_JobRef__Output, _idunno_coordinator_v1_JobStatsList>;
  
  GetResults: grpc.handleUnaryCall<_idunno_coordinator_v1_GetResultsRequest__Output, _idunno_coordinator_v1_ResultPage>;
  
  Leader: grpc.handleUnaryCall<_idunno_coordinator_v1_LeaderRequest__Output, _idunno_coordinator_v1_LeaderInfo>;
  
  Members: grpc.handleUnaryCall<_idunno_coordinator_v1_MembersRequest__Output, _idunno_coordinator_v1_MemberList>;
  
  SetBatchSize: grpc.handleUnaryCall<_idunno_coordinator_v1_SetBatchSizeRequest__Output, _idunno_coordinator_v1_JobInfo>;
  
  StartJob: grpc.handleUnaryCall<_idunno_coordinator_v1_JobRef__Output, _idunno_coordinator_v1_JobInfo>;
  
  StopJob: grpc.handleUnaryCall<_idunno_coordinator_v1_JobRef__Output, _idunno_coordinator_v1_JobInfo>;
  
}

export interface CoordinatorDefinition extends grpc.ServiceDefinition {
  AddJob: MethodDefinition<_idunno_coordinator_v1_AddJobRequest, _idunno_coordinator_v1_JobInfo, _idunno_coordinator_v1_AddJobRequest__Output, _idunno_coordinator_v1_JobInfo__Output>
  GetAssignedWorkers: MethodDefinition<_idunno_coordinator_v1_JobRef, _idunno_coordinator_v1_AssignmentList, _idunno_coordinator_v1_JobRef__Output, _idunno_coordinator_v1_AssignmentList__Output>
  GetJobStats: MethodDefinition<_idunno_coordinator_v1_JobRef, _idunno_coordinator_v1_JobStatsList, _idunno_coordinator_v1_JobRef__Output, _idunno_coordinator_v1_JobStatsList__Output>
  GetResults: MethodDefinition<_idunno_coordinator_v1_GetResultsRequest, _idunno_coordinator_v1_ResultPage, _idunno_coordinator_v1_GetResultsRequest__Output, _idunno_coordinator_v1_ResultPage__Output>
  Leader: MethodDefinition<_idunno_coordinator_v1_LeaderRequest, _idunno_coordinator_v1_LeaderInfo, _idunno_coordinator_v1_LeaderRequest__Output, _idunno_coordinator_v1_LeaderInfo__Output>
  Members: MethodDefinition<_idunno_coordinator_v1_MembersRequest, _idunno_coordinator_v1_MemberList, _idunno_coordinator_v1_MembersRequest__Output, _idunno_coordinator_v1_MemberList__Output>
  SetBatchSize: MethodDefinition<_idunno_coordinator_v1_SetBatchSizeRequest, _idunno_coordinator_v1_JobInfo, _idunno_coordinator_v1_SetBatchSizeRequest__Output, _idunno_coordinator_v1_JobInfo__Output>
  StartJob: MethodDefinition<_idunno_coordinator_v1_JobRef, _idunno_coordinator_v1_JobInfo, _idunno_coordinator_v1_JobRef__Output, _idunno_coordinator_v1_JobInfo__Output>
  StopJob: MethodDefinition<_idunno_coordinator_v1_JobRef, _idunno_coordinator_v1_JobInfo, _idunno_coordinator_v1_JobRef__Output, _idunno_coordinator_v1_JobInfo__Output>
}
