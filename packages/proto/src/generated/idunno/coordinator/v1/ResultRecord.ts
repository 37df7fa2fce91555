// Original file: proto/coordinator.proto


export interface ResultRecord {
  'queryId'?: (string);
  'uri'?: (string);
  'kind'?: (string);
  'payload'?: (string);
}

export interface ResultRecord__Output {
  'queryId': (string);
  'uri': (string);
  'kind': (string);
  'payload': (string);
}
