// Original file: proto/coordinator.proto

import type { Long } from '@grpc/proto-loader';

export interface GetResultsRequest {
  'jobId'?: (string);
  'offset'?: (number | string | Long);
  'limit'?: (number);
}

export interface GetResultsRequest__Output {
  'jobId': (string);
  'offset': (number);
  'limit': (number);
}
