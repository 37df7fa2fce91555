// Original file: proto/worker.proto


export interface TaskFailure {
  'code'?: (number);
  'message'?: (string);
}

export interface TaskFailure__Output {
  'code': (number);
  'message': (string);
}
