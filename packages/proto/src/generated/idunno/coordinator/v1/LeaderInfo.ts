// Original file: proto/coordinator.proto

import type { Long } from '@grpc/proto-loader';

export interface LeaderInfo {
  'nodeId'?: (string);
  'isLeader'?: (boolean);
  'leaderId'?: (string);
  'epoch'?: (number | string | Long);
  'controlAddress'?: (string);
}

export interface LeaderInfo__Output {
  'nodeId': (string);
  'isLeader': (boolean);
  'leaderId': (string);
  'epoch': (number);
  'controlAddress': (string);
}
