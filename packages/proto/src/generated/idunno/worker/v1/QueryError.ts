// Original file: proto/worker.proto


export interface QueryError {
  'code'?: (string);
  'message'?: (string);
}

export interface QueryError__Output {
  'code': (string);
  'message': (string);
}
