// Original file: proto/worker.proto


export interface Classification {
  'index'?: (number);
  'label'?: (string);
  'probability'?: (number | string);
}

export interface Classification__Output {
  'index': (number);
  'label': (string);
  'probability': (number);
}
