// Original file: proto/coordinator.proto


export interface JobRef {
  'jobId'?: (string);
}

export interface JobRef__Output {
  'jobId': (string);
}
