// Original file: proto/coordinator.proto

import type { ResultRecord as _idunno_coordinator_v1_ResultRecord, ResultRecord__Output as _idunno_coordinator_v1_ResultRecord__Output } from '../../../idunno/coordinator/v1/ResultRecord.js';
import type { Long } from '@grpc/proto-loader';

export interface ResultPage {
  'results'?: (_idunno_coordinator_v1_ResultRecord)[];
  'totalRecorded'?: (number | string | Long);
}

export interface ResultPage__Output {
  'results': (_idunno_coordinator_v1_ResultRecord__Output)[];
  'totalRecorded': (number);
}
