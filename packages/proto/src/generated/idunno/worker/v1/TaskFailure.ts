// Original file: proto/worker.proto


export interface TaskFailure {
  'code'?: (number);
  'message'?: (string);
  'errorName'?: (string);
  'errorFields'?: (Buffer | Uint8Array | string);
}

export interface TaskFailure__Output {
  'code': (number);
  'message': (string);
  'errorName': (string);
  'errorFields': (Buffer);
}
