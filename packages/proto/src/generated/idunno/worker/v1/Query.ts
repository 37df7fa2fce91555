// Original file: proto/worker.proto


export interface Query {
  'queryId'?: (string);
  'uri'?: (string);
}

export interface Query__Output {
  'queryId': (string);
  'uri': (string);
}
