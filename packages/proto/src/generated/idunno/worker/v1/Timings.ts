// Original file: proto/worker.proto


export interface Timings {
  'fetchMs'?: (number | string);
  'preprocessMs'?: (number | string);
  'queueMs'?: (number | string);
  'inferenceMs'?: (number | string);
}

export interface Timings__Output {
  'fetchMs': (number);
  'preprocessMs': (number);
  'queueMs': (number);
  'inferenceMs': (number);
}
