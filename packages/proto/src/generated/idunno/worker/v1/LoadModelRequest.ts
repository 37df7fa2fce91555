// Original file: proto/worker.proto


export interface LoadModelRequest {
  'model'?: (string);
}

export interface LoadModelRequest__Output {
  'model': (string);
}
