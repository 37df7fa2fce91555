// Original file: proto/coordinator.proto

import type { JobStats as _idunno_coordinator_v1_JobStats, JobStats__Output as _idunno_coordinator_v1_JobStats__Output } from '../../../idunno/coordinator/v1/JobStats.js';
import type { Long } from '@grpc/proto-loader';

export interface JobStatsList {
  'jobs'?: (_idunno_coordinator_v1_JobStats)[];
  'leaderId'?: (string);
  'epoch'?: (number | string | Long);
}

export interface JobStatsList__Output {
  'jobs': (_idunno_coordinator_v1_JobStats__Output)[];
  'leaderId': (string);
  'epoch': (number);
}
