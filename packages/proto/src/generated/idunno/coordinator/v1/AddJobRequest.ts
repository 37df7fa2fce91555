// Original file: proto/coordinator.proto


export interface AddJobRequest {
  'jobId'?: (string);
  'model'?: (string);
  'inputs'?: (string)[];
  'batchSize'?: (number);
  'topK'?: (number);
  'sharedFilesystem'?: (boolean);
}

export interface AddJobRequest__Output {
  'jobId': (string);
  'model': (string);
  'inputs': (string)[];
  'batchSize': (number);
  'topK': (number);
  'sharedFilesystem': (boolean);
}
