// Original file: proto/coordinator.proto

import type { Long } from '@grpc/proto-loader';

export interface JobInfo {
  'jobId'?: (string);
  'model'?: (string);
  'state'?: (string);
  'batchSize'?: (number);
  'topK'?: (number);
  'totalQueries'?: (number | string | Long);
  'createdAt'?: (number | string | Long);
  'startedAt'?: (number | string | Long);
}

export interface JobInfo__Output {
  'jobId': (string);
  'model': (string);
  'state': (string);
  'batchSize': (number);
  'topK': (number);
  'totalQueries': (number);
  'createdAt': (number);
  'startedAt': (number);
}
