import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { AddJobRequest as _idunno_coordinator_v1_AddJobRequest, AddJobRequest__Output as _idunno_coordinator_v1_AddJobRequest__Output } from './idunno/coordinator/v1/AddJobRequest.js';
import type { AssignmentList as _idunno_coordinator_v1_AssignmentList, AssignmentList__Output as _idunno_coordinator_v1_AssignmentList__Output } from './idunno/coordinator/v1/AssignmentList.js';
import type { CoordinatorClient as _idunno_coordinator_v1_CoordinatorClient, CoordinatorDefinition as _idunno_coordinator_v1_CoordinatorDefinition } from './idunno/coordinator/v1/Coordinator.js';
import type { GetResultsRequest as _idunno_coordinator_v1_GetResultsRequest, GetResultsRequest__Output as _idunno_coordinator_v1_GetResultsRequest__Output } from './idunno/coordinator/v1/GetResultsRequest.js';
import type { JobAssignment as _idunno_coordinator_v1_JobAssignment, JobAssignment__Output as _idunno_coordinator_v1_JobAssignment__Output } from './idunno/coordinator/v1/JobAssignment.js';
import type { JobInfo as _idunno_coordinator_v1_JobInfo, JobInfo__Output as _idunno_coordinator_v1_JobInfo__Output } from './idunno/coordinator/v1/JobInfo.js';
import type { JobRef as _idunno_coordinator_v1_JobRef, JobRef__Output as _idunno_coordinator_v1_JobRef__Output } from './idunno/coordinator/v1/JobRef.js';
import type { JobStats as _idunno_coordinator_v1_JobStats, JobStats__Output as _idunno_coordinator_v1_JobStats__Output } from './idunno/coordinator/v1/JobStats.js';
import type { JobStatsList as _idunno_coordinator_v1_JobStatsList, JobStatsList__Output as _idunno_coordinator_v1_JobStatsList__Output } from './idunno/coordinator/v1/JobStatsList.js';
import type { LeaderInfo as _idunno_coordinator_v1_LeaderInfo, LeaderInfo__Output as _idunno_coordinator_v1_LeaderInfo__Output } from './idunno/coordinator/v1/LeaderInfo.js';
import type { LeaderRequest as _idunno_coordinator_v1_LeaderRequest, LeaderRequest__Output as _idunno_coordinator_v1_LeaderRequest__Output } from './idunno/coordinator/v1/LeaderRequest.js';
import type { Member as _idunno_coordinator_v1_Member, Member__Output as _idunno_coordinator_v1_Member__Output } from './idunno/coordinator/v1/Member.js';
import type { MemberList as _idunno_coordinator_v1_MemberList, MemberList__Output as _idunno_coordinator_v1_MemberList__Output } from './idunno/coordinator/v1/MemberList.js';
import type { MembersRequest as _idunno_coordinator_v1_MembersRequest, MembersRequest__Output as _idunno_coordinator_v1_MembersRequest__Output } from './idunno/coordinator/v1/MembersRequest.js';
import type { ProcessingTime as _idunno_coordinator_v1_ProcessingTime, ProcessingTime__Output as _idunno_coordinator_v1_ProcessingTime__Output } from './idunno/coordinator/v1/ProcessingTime.js';
import type { ResultPage as _idunno_coordinator_v1_ResultPage, ResultPage__Output as _idunno_coordinator_v1_ResultPage__Output } from './idunno/coordinator/v1/ResultPage.js';
import type { ResultRecord as _idunno_coordinator_v1_ResultRecord, ResultRecord__Output as _idunno_coordinator_v1_ResultRecord__Output } from './idunno/coordinator/v1/ResultRecord.js';
import type { SetBatchSizeRequest as _idunno_coordinator_v1_SetBatchSizeRequest, SetBatchSizeRequest__Output as _idunno_coordinator_v1_SetBatchSizeRequest__Output } from './idunno/coordinator/v1/SetBatchSizeRequest.js';
import type { WorkerShare as _idunno_coordinator_v1_WorkerShare, WorkerShare__Output as _idunno_coordinator_v1_WorkerShare__Output } from './idunno/coordinator/v1/WorkerShare.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  idunno: {
    coordinator: {
      v1: {
        AddJobRequest: MessageTypeDefinition<_idunno_coordinator_v1_AddJobRequest, _idunno_coordinator_v1_AddJobRequest__Output>
        AssignmentList: MessageTypeDefinition<_idunno_coordinator_v1_AssignmentList, _idunno_coordinator_v1_AssignmentList__Output>
        Coordinator: SubtypeConstructor<typeof grpc.Client, _idunno_coordinator_v1_CoordinatorClient> & { service: _idunno_coordinator_v1_CoordinatorDefinition }
        GetResultsRequest: MessageTypeDefinition<_idunno_coordinator_v1_GetResultsRequest, _idunno_coordinator_v1_GetResultsRequest__Output>
        JobAssignment: MessageTypeDefinition<_idunno_coordinator_v1_JobAssignment, _idunno_coordinator_v1_JobAssignment__Output>
        JobInfo: MessageTypeDefinition<_idunno_coordinator_v1_JobInfo, _idunno_coordinator_v1_JobInfo__Output>
        JobRef: MessageTypeDefinition<_idunno_coordinator_v1_JobRef, _idunno_coordinator_v1_JobRef__Output>
        JobStats: MessageTypeDefinition<_idunno_coordinator_v1_JobStats, _idunno_coordinator_v1_JobStats__Output>
        JobStatsList: MessageTypeDefinition<_idunno_coordinator_v1_JobStatsList, _idunno_coordinator_v1_JobStatsList__Output>
        LeaderInfo: MessageTypeDefinition<_idunno_coordinator_v1_LeaderInfo, _idunno_coordinator_v1_LeaderInfo__Output>
        LeaderRequest: MessageTypeDefinition<_idunno_coordinator_v1_LeaderRequest, _idunno_coordinator_v1_LeaderRequest__Output>
        Member: MessageTypeDefinition<_idunno_coordinator_v1_Member, _idunno_coordinator_v1_Member__Output>
        MemberList: MessageTypeDefinition<_idunno_coordinator_v1_MemberList, _idunno_coordinator_v1_MemberList__Output>
        MembersRequest: MessageTypeDefinition<_idunno_coordinator_v1_MembersRequest, _idunno_coordinator_v1_MembersRequest__Output>
        ProcessingTime: MessageTypeDefinition<_idunno_coordinator_v1_ProcessingTime, _idunno_coordinator_v1_ProcessingTime__Output>
        ResultPage: MessageTypeDefinition<_idunno_coordinator_v1_ResultPage, _idunno_coordinator_v1_ResultPage__Output>
        ResultRecord: MessageTypeDefinition<_idunno_coordinator_v1_ResultRecord, _idunno_coordinator_v1_ResultRecord__Output>
        SetBatchSizeRequest: MessageTypeDefinition<_idunno_coordinator_v1_SetBatchSizeRequest, _idunno_coordinator_v1_SetBatchSizeRequest__Output>
        WorkerShare: MessageTypeDefinition<_idunno_coordinator_v1_WorkerShare, _idunno_coordinator_v1_WorkerShare__Output>
      }
    }
  }
}

