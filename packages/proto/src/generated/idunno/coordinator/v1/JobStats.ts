// Original file: proto/coordinator.proto

import type { JobInfo as _idunno_coordinator_v1_JobInfo, JobInfo__Output as _idunno_coordinator_v1_JobInfo__Output } from '../../../idunno/coordinator/v1/JobInfo.js';
import type { ProcessingTime as _idunno_coordinator_v1_ProcessingTime, ProcessingTime__Output as _idunno_coordinator_v1_ProcessingTime__Output } from '../../../idunno/coordinator/v1/ProcessingTime.js';
import type { Long } from '@grpc/proto-loader';

export interface JobStats {
  'job'?: (_idunno_coordinator_v1_JobInfo | null);
  'done'?: (number | string | Long);
  'errors'?: (number | string | Long);
  'pending'?: (number | string | Long);
  'inFlight'?: (number | string | Long);
  'rateQps'?: (number | string);
  'processing'?: (_idunno_coordinator_v1_ProcessingTime | null);
  'etaS'?: (number | string);
  'workers'?: (string)[];
  'redispatched'?: (number | string | Long);
  'source'?: (string);
  'completedAt'?: (number | string | Long);
}

export interface JobStats__Output {
  'job': (_idunno_coordinator_v1_JobInfo__Output | null);
  'done': (number);
  'errors': (number);
  'pending': (number);
  'inFlight': (number);
  'rateQps': (number);
  'processing': (_idunno_coordinator_v1_ProcessingTime__Output | null);
  'etaS': (number);
  'workers': (string)[];
  'redispatched': (number);
  'source': (string);
  'completedAt': (number);
}
