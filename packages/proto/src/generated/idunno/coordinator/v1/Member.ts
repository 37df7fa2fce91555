// Original file: proto/coordinator.proto

import type { Long } from '@grpc/proto-loader';

export interface Member {
  'id'?: (string);
  'role'?: (string);
  'state'?: (string);
  'address'?: (string);
  'models'?: (string)[];
  'leader'?: (boolean);
  'incarnation'?: (number | string | Long);
}

export interface Member__Output {
  'id': (string);
  'role': (string);
  'state': (string);
  'address': (string);
  'models': (string)[];
  'leader': (boolean);
  'incarnation': (number);
}
