// Original file: proto/coordinator.proto


export interface ProcessingTime {
  'meanMs'?: (number | string);
  'stddevMs'?: (number | string);
  'medianMs'?: (number | string);
  'p90Ms'?: (number | string);
  'p95Ms'?: (number | string);
  'p99Ms'?: (number | string);
}

export interface ProcessingTime__Output {
  'meanMs': (number);
  'stddevMs': (number);
  'medianMs': (number);
  'p90Ms': (number);
  'p95Ms': (number);
  'p99Ms': (number);
}
