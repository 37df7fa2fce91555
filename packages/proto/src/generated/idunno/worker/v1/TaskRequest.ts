// Original file: proto/worker.proto

import type { Query as _idunno_worker_v1_Query, Query__Output as _idunno_worker_v1_Query__Output } from '../../../idunno/worker/v1/Query.js';
import type { Long } from '@grpc/proto-loader';

export interface TaskRequest {
  'taskId'?: (string);
  'jobId'?: (string);
  'model'?: (string);
  'topK'?: (number);
  'epoch'?: (number | string | Long);
  'queries'?: (_idunno_worker_v1_Query)[];
  'deadlineMs'?: (number);
}

export interface TaskRequest__Output {
  'taskId': (string);
  'jobId': (string);
  'model': (string);
  'topK': (number);
  'epoch': (number);
  'queries': (_idunno_worker_v1_Query__Output)[];
  'deadlineMs': (number);
}
