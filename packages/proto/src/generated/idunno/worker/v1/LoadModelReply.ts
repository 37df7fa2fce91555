// Original file: proto/worker.proto


export interface LoadModelReply {
  'model'?: (string);
  'loadMs'?: (number | string);
  'alreadyLoaded'?: (boolean);
}

export interface LoadModelReply__Output {
  'model': (string);
  'loadMs': (number);
  'alreadyLoaded': (boolean);
}
