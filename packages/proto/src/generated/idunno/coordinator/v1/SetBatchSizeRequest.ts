// Original file: proto/coordinator.proto


export interface SetBatchSizeRequest {
  'jobId'?: (string);
  'batchSize'?: (number);
}

export interface SetBatchSizeRequest__Output {
  'jobId': (string);
  'batchSize': (number);
}
