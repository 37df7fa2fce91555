// Original file: proto/coordinator.proto

import type { WorkerShare as _idunno_coordinator_v1_WorkerShare, WorkerShare__Output as _idunno_coordinator_v1_WorkerShare__Output } from '../../../idunno/coordinator/v1/WorkerShare.js';

export interface JobAssignment {
  'jobId'?: (string);
  'workers'?: (_idunno_coordinator_v1_WorkerShare)[];
}

export interface JobAssignment__Output {
  'jobId': (string);
  'workers': (_idunno_coordinator_v1_WorkerShare__Output)[];
}
