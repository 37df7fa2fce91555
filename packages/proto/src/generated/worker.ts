import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { Classification as _idunno_worker_v1_Classification, Classification__Output as _idunno_worker_v1_Classification__Output } from './idunno/worker/v1/Classification.js';
import type { LoadModelReply as _idunno_worker_v1_LoadModelReply, LoadModelReply__Output as _idunno_worker_v1_LoadModelReply__Output } from './idunno/worker/v1/LoadModelReply.js';
import type { LoadModelRequest as _idunno_worker_v1_LoadModelRequest, LoadModelRequest__Output as _idunno_worker_v1_LoadModelRequest__Output } from './idunno/worker/v1/LoadModelRequest.js';
import type { Query as _idunno_worker_v1_Query, Query__Output as _idunno_worker_v1_Query__Output } from './idunno/worker/v1/Query.js';
import type { QueryError as _idunno_worker_v1_QueryError, QueryError__Output as _idunno_worker_v1_QueryError__Output } from './idunno/worker/v1/QueryError.js';
import type { QueryResult as _idunno_worker_v1_QueryResult, QueryResult__Output as _idunno_worker_v1_QueryResult__Output } from './idunno/worker/v1/QueryResult.js';
import type { StatusReply as _idunno_worker_v1_StatusReply, StatusReply__Output as _idunno_worker_v1_StatusReply__Output } from './idunno/worker/v1/StatusReply.js';
import type { StatusRequest as _idunno_worker_v1_StatusRequest, StatusRequest__Output as _idunno_worker_v1_StatusRequest__Output } from './idunno/worker/v1/StatusRequest.js';
import type { TaskEnvelope as _idunno_worker_v1_TaskEnvelope, TaskEnvelope__Output as _idunno_worker_v1_TaskEnvelope__Output } from './idunno/worker/v1/TaskEnvelope.js';
import type { TaskFailure as _idunno_worker_v1_TaskFailure, TaskFailure__Output as _idunno_worker_v1_TaskFailure__Output } from './idunno/worker/v1/TaskFailure.js';
import type { TaskOutcome as _idunno_worker_v1_TaskOutcome, TaskOutcome__Output as _idunno_worker_v1_TaskOutcome__Output } from './idunno/worker/v1/TaskOutcome.js';
import type { TaskReply as _idunno_worker_v1_TaskReply, TaskReply__Output as _idunno_worker_v1_TaskReply__Output } from './idunno/worker/v1/TaskReply.js';
import type { TaskRequest as _idunno_worker_v1_TaskRequest, TaskRequest__Output as _idunno_worker_v1_TaskRequest__Output } from './idunno/worker/v1/TaskRequest.js';
import type { Timings as _idunno_worker_v1_Timings, Timings__Output as _idunno_worker_v1_Timings__Output } from './idunno/worker/v1/Timings.js';
import type { WorkerClient as _idunno_worker_v1_WorkerClient, WorkerDefinition as _idunno_worker_v1_WorkerDefinition } from './idunno/worker/v1/Worker.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  idunno: {
    worker: {
      v1: {
        Classification: MessageTypeDefinition<_idunno_worker_v1_Classification, _idunno_worker_v1_Classification__Output>
        LoadModelReply: MessageTypeDefinition<_idunno_worker_v1_LoadModelReply, _idunno_worker_v1_LoadModelReply__Output>
        LoadModelRequest: MessageTypeDefinition<_idunno_worker_v1_LoadModelRequest, _idunno_worker_v1_LoadModelRequest__Output>
        Query: MessageTypeDefinition<_idunno_worker_v1_Query, _idunno_worker_v1_Query__Output>
        QueryError: MessageTypeDefinition<_idunno_worker_v1_QueryError, _idunno_worker_v1_QueryError__Output>
        QueryResult: MessageTypeDefinition<_idunno_worker_v1_QueryResult, _idunno_worker_v1_QueryResult__Output>
        StatusReply: MessageTypeDefinition<_idunno_worker_v1_StatusReply, _idunno_worker_v1_StatusReply__Output>
        StatusRequest: MessageTypeDefinition<_idunno_worker_v1_StatusRequest, _idunno_worker_v1_StatusRequest__Output>
        TaskEnvelope: MessageTypeDefinition<_idunno_worker_v1_TaskEnvelope, _idunno_worker_v1_TaskEnvelope__Output>
        TaskFailure: MessageTypeDefinition<_idunno_worker_v1_TaskFailure, _idunno_worker_v1_TaskFailure__Output>
        TaskOutcome: MessageTypeDefinition<_idunno_worker_v1_TaskOutcome, _idunno_worker_v1_TaskOutcome__Output>
        TaskReply: MessageTypeDefinition<_idunno_worker_v1_TaskReply, _idunno_worker_v1_TaskReply__Output>
        TaskRequest: MessageTypeDefinition<_idunno_worker_v1_TaskRequest, _idunno_worker_v1_TaskRequest__Output>
        Timings: MessageTypeDefinition<_idunno_worker_v1_Timings, _idunno_worker_v1_Timings__Output>
        Worker: SubtypeConstructor<typeof grpc.Client, _idunno_worker_v1_WorkerClient> & { service: _idunno_worker_v1_WorkerDefinition }
      }
    }
  }
}

