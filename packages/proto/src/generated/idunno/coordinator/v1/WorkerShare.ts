// Original file: proto/coordinator.proto


export interface WorkerShare {
  'workerId'?: (string);
  'address'?: (string);
  'weight'?: (number | string);
}

export interface WorkerShare__Output {
  'workerId': (string);
  'address': (string);
  'weight': (number);
}
