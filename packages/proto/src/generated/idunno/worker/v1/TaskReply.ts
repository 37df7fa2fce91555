// Original file: proto/worker.proto

import type { QueryResult as _idunno_worker_v1_QueryResult, QueryResult__Output as _idunno_worker_v1_QueryResult__Output } from '../../../idunno/worker/v1/QueryResult.js';
import type { Long } from '@grpc/proto-loader';

export interface TaskReply {
  'taskId'?: (string);
  'results'?: (_idunno_worker_v1_QueryResult)[];
  'workerId'?: (string);
  'epoch'?: (number | string | Long);
}

export interface TaskReply__Output {
  'taskId': (string);
  'results': (_idunno_worker_v1_QueryResult__Output)[];
  'workerId': (string);
  'epoch': (number);
}
