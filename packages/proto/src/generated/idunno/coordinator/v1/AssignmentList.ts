// Original file: proto/coordinator.proto

import type { JobAssignment as _idunno_coordinator_v1_JobAssignment, JobAssignment__Output as _idunno_coordinator_v1_JobAssignment__Output } from '../../../idunno/coordinator/v1/JobAssignment.js';

export interface AssignmentList {
  'jobs'?: (_idunno_coordinator_v1_JobAssignment)[];
}

export interface AssignmentList__Output {
  'jobs': (_idunno_coordinator_v1_JobAssignment__Output)[];
}
