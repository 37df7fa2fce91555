// Original file: proto/worker.proto

import type { TaskRequest as _idunno_worker_v1_TaskRequest, TaskRequest__Output as _idunno_worker_v1_TaskRequest__Output } from '../../../idunno/worker/v1/TaskRequest.js';
import type { Long } from '@grpc/proto-loader';

export interface TaskEnvelope {
  'callId'?: (number | string | Long);
  'task'?: (_idunno_worker_v1_TaskRequest | null);
}

export interface TaskEnvelope__Output {
  'callId': (number);
  'task': (_idunno_worker_v1_TaskRequest__Output | null);
}
