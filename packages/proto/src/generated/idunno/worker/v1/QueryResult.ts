// Original file: proto/worker.proto

import type { Classification as _idunno_worker_v1_Classification, Classification__Output as _idunno_worker_v1_Classification__Output } from '../../../idunno/worker/v1/Classification.js';
import type { QueryError as _idunno_worker_v1_QueryError, QueryError__Output as _idunno_worker_v1_QueryError__Output } from '../../../idunno/worker/v1/QueryError.js';
import type { Timings as _idunno_worker_v1_Timings, Timings__Output as _idunno_worker_v1_Timings__Output } from '../../../idunno/worker/v1/Timings.js';

export interface QueryResult {
  'queryId'?: (string);
  'topK'?: (_idunno_worker_v1_Classification)[];
  'error'?: (_idunno_worker_v1_QueryError | null);
  'timings'?: (_idunno_worker_v1_Timings | null);
}

export interface QueryResult__Output {
  'queryId': (string);
  'topK': (_idunno_worker_v1_Classification__Output)[];
  'error': (_idunno_worker_v1_QueryError__Output | null);
  'timings': (_idunno_worker_v1_Timings__Output | null);
}
