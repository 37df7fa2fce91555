// Original file: proto/worker.proto

import type { Long } from '@grpc/proto-loader';

export interface StatusReply {
  'workerId'?: (string);
  'loadedModels'?: (string)[];
  'tasksInFlight'?: (number);
  'highestEpoch'?: (number | string | Long);
  'queriesDone'?: (number | string | Long);
  'rssBytes'?: (number | string | Long);
}

export interface StatusReply__Output {
  'workerId': (string);
  'loadedModels': (string)[];
  'tasksInFlight': (number);
  'highestEpoch': (number);
  'queriesDone': (number);
  'rssBytes': (number);
}
