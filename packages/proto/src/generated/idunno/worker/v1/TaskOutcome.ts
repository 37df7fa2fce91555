// Original file: proto/worker.proto

import type { TaskReply as _idunno_worker_v1_TaskReply, TaskReply__Output as _idunno_worker_v1_TaskReply__Output } from '../../../idunno/worker/v1/TaskReply.js';
import type { TaskFailure as _idunno_worker_v1_TaskFailure, TaskFailure__Output as _idunno_worker_v1_TaskFailure__Output } from '../../../idunno/worker/v1/TaskFailure.js';
import type { Long } from '@grpc/proto-loader';

export interface TaskOutcome {
  'callId'?: (number | string | Long);
  'reply'?: (_idunno_worker_v1_TaskReply | null);
  'failure'?: (_idunno_worker_v1_TaskFailure | null);
}

export interface TaskOutcome__Output {
  'callId': (number);
  'reply': (_idunno_worker_v1_TaskReply__Output | null);
  'failure': (_idunno_worker_v1_TaskFailure__Output | null);
}
