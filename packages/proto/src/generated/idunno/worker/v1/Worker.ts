// Original file: proto/worker.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { LoadModelReply as _idunno_worker_v1_LoadModelReply, LoadModelReply__Output as _idunno_worker_v1_LoadModelReply__Output } from '../../../idunno/worker/v1/LoadModelReply.js';
import type { LoadModelRequest as _idunno_worker_v1_LoadModelRequest, LoadModelRequest__Output as _idunno_worker_v1_LoadModelRequest__Output } from '../../../idunno/worker/v1/LoadModelRequest.js';
import type { StatusReply as _idunno_worker_v1_StatusReply, StatusReply__Output as _idunno_worker_v1_StatusReply__Output } from '../../../idunno/worker/v1/StatusReply.js';
import type { StatusRequest as _idunno_worker_v1_StatusRequest, StatusRequest__Output as _idunno_worker_v1_StatusRequest__Output } from '../../../idunno/worker/v1/StatusRequest.js';
import type { TaskEnvelope as _idunno_worker_v1_TaskEnvelope, TaskEnvelope__Output as _idunno_worker_v1_TaskEnvelope__Output } from '../../../idunno/worker/v1/TaskEnvelope.js';
import type { TaskOutcome as _idunno_worker_v1_TaskOutcome, TaskOutcome__Output as _idunno_worker_v1_TaskOutcome__Output } from '../../../idunno/worker/v1/TaskOutcome.js';
import type { TaskReply as _idunno_worker_v1_TaskReply, TaskReply__Output as _idunno_worker_v1_TaskReply__Output } from '../../../idunno/worker/v1/TaskReply.js';
import type { TaskRequest as _idunno_worker_v1_TaskRequest, TaskRequest__Output as _idunno_worker_v1_TaskRequest__Output } from '../../../idunno/worker/v1/TaskRequest.js';

export interface WorkerClient extends grpc.Client {
  LoadModel(argument: _idunno_worker_v1_LoadModelRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_idunno_worker_v1_LoadModelReply__Output>): grpc.ClientUnaryCall;
  LoadModel(argument: _idunno_worker_v1_LoadModelRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_idunno_worker_v1_LoadModelReply__Output>): grpc.ClientUnaryCall;
  LoadModel(argument: _idunno_worker_v1_LoadModelRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_idunno_worker_v1_LoadModelReply__Output>): grpc.ClientUnaryCall;
  LoadModel(argument: _idunno_worker_v1_LoadModelRequest, callback: grpc.requestCallback<_idunno_worker_v1_LoadModelReply__Output>): grpc.ClientUnaryCall;
  loadModel(argument: _idunno_worker_v1_LoadModelRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_idunno_worker_v1_LoadModelReply__Output>): grpc.ClientUnaryCall;
  loadModel(argument: _idunno_worker_v1_LoadModelRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_idunno_worker_v1_LoadModelReply__Output>): grpc.ClientUnaryCall;
  loadModel(argument: _idunno_worker_v1_LoadModelRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_idunno_worker_v1_LoadModelReply__Output>): grpc.ClientUnaryCall;
  loadModel(argument: _idunno_worker_v1_LoadModelRequest, callback: grpc.requestCallback<_idunno_worker_v1_LoadModelReply__Output>): grpc.ClientUnaryCall;
  
  RunTask(argument: _idunno_worker_v1_TaskRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_idunno_worker_v1_TaskReply__Output>): grpc.ClientUnaryCall;
  RunTask(argument: _idunno_worker_v1_TaskRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_idunno_worker_v1_TaskReply__Output>): grpc.ClientUnaryCall;
  RunTask(argument: _idunno_worker_v1_TaskRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_idunno_worker_v1_TaskReply__Output>): grpc.ClientUnaryCall;
  RunTask(argument: _idunno_worker_v1_TaskRequest, callback: grpc.requestCallback<_idunno_worker_v1_TaskReply__Output>): grpc.ClientUnaryCall;
  runTask(argument: _idunno_worker_v1_TaskRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_idunno_worker_v1_TaskReply__Output>): grpc.ClientUnaryCall;
  runTask(argument: _idunno_worker_v1_TaskRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_idunno_worker_v1_TaskReply__Output>): grpc.ClientUnaryCall;
  runTask(argument: _idunno_worker_v1_TaskRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_idunno_worker_v1_TaskReply__Output>): grpc.ClientUnaryCall;
  runTask(argument: _idunno_worker_v1_TaskRequest, callback: grpc.requestCallback<_idunno_worker_v1_TaskReply__Output>): grpc.ClientUnaryCall;
  
  RunTasks(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_idunno_worker_v1_TaskEnvelope, _idunno_worker_v1_TaskOutcome__Output>;
  RunTasks(options?: grpc.CallOptions): grpc.ClientDuplexStream<_idunno_worker_v1_TaskEnvelope, _idunno_worker_v1_TaskOutcome__Output>;
  runTasks(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_idunno_worker_v1_TaskEnvelope, _idunno_worker_v1_TaskOutcome__Output>;
  runTasks(options?: grpc.CallOptions): grpc.ClientDuplexStream<_idunno_worker_v1_TaskEnvelope, _idunno_worker_v1_TaskOutcome__Output>;
  
  Status(argument: _idunno_worker_v1_StatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_idunno_worker_v1_StatusReply__Output>): grpc.ClientUnaryCall;
  Status(argument: _idunno_worker_v1_StatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_idunno_worker_v1_StatusReply__Output>): grpc.ClientUnaryCall;
  Status(argument: _idunno_worker_v1_StatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_idunno_worker_v1_StatusReply__Output>): grpc.ClientUnaryCall;
  Status(argument: _idunno_worker_v1_StatusRequest, callback: grpc.requestCallback<_idunno_worker_v1_StatusReply__Output>): grpc.ClientUnaryCall;
  status(argument: _idunno_worker_v1_StatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_idunno_worker_v1_StatusReply__Output>): grpc.ClientUnaryCall;
  status(argument: _idunno_worker_v1_StatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_idunno_worker_v1_StatusReply__Output>): grpc.ClientUnaryCall;
  status(argument: _idunno_worker_v1_StatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_idunno_worker_v1_StatusReply__Output>): grpc.ClientUnaryCall;
  status(argument: _idunno_worker_v1_StatusRequest, callback: grpc.requestCallback<_idunno_worker_v1_StatusReply__Output>): grpc.ClientUnaryCall;
  
}

export interface WorkerHandlers extends grpc.UntypedServiceImplementation {
  LoadModel: grpc.handleUnaryCall<_idunno_worker_v1_LoadModelRequest__Output, _idunno_worker_v1_LoadModelReply>;
  
  RunTask: grpc.handleUnaryCall<_idunno_worker_v1_TaskRequest__Output, _idunno_worker_v1_TaskReply>;
  
  RunTasks: grpc.handleBidiStreamingCall<_idunno_worker_v1_TaskEnvelope__Output, _idunno_worker_v1_TaskOutcome>;
  
  Status: grpc.handleUnaryCall<_idunno_worker_v1_StatusRequest__Output, _idunno_worker_v1_StatusReply>;
  
}

export interface WorkerDefinition extends grpc.ServiceDefinition {
  LoadModel: MethodDefinition<_idunno_worker_v1_LoadModelRequest, _idunno_worker_v1_LoadModelReply, _idunno_worker_v1_LoadModelRequest__Output, _idunno_worker_v1_LoadModelReply__Output>
  RunTask: MethodDefinition<_idunno_worker_v1_TaskRequest, _idunno_worker_v1_TaskReply, _idunno_worker_v1_TaskRequest__Output, _idunno_worker_v1_TaskReply__Output>
  RunTasks: MethodDefinition<_idunno_worker_v1_TaskEnvelope, _idunno_worker_v1_TaskOutcome, _idunno_worker_v1_TaskEnvelope__Output, _idunno_worker_v1_TaskOutcome__Output>
  Status: MethodDefinition<_idunno_worker_v1_StatusRequest, _idunno_worker_v1_StatusReply, _idunno_worker_v1_StatusRequest__Output, _idunno_worker_v1_StatusReply__Output>
}
