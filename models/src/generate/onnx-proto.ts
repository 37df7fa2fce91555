import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

/** The repository's proto/onnx.proto (a faithful subset of the official onnx.proto3). */
export const ONNX_PROTO_PATH = fileURLToPath(new URL('../../../proto/onnx.proto', import.meta.url));

/** TensorProto.DataType values the generator uses. */
export const DataType = { FLOAT: 1, INT64: 7 } as const;
export type DataType = (typeof DataType)[keyof typeof DataType];

/** AttributeProto.AttributeType values the generator uses. */
export const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, INTS: 7 } as const;

/** Protobuf wire field numbers the streaming writer frames by hand (see `write.ts`). */
export const FieldNumber = { modelGraph: 7, graphInitializer: 5, tensorRawData: 9 } as const;

export interface OnnxTypes {
  root: protobuf.Root;
  ModelProto: protobuf.Type;
  GraphProto: protobuf.Type;
  TensorProto: protobuf.Type;
}

let cached: Promise<OnnxTypes> | undefined;

/** Loads proto/onnx.proto once per process. Field names are kept as written (snake_case). */
export function onnxTypes(): Promise<OnnxTypes> {
  cached ??= new protobuf.Root().load(ONNX_PROTO_PATH, { keepCase: true }).then((root) => ({
    root,
    ModelProto: root.lookupType('onnx.ModelProto'),
    GraphProto: root.lookupType('onnx.GraphProto'),
    TensorProto: root.lookupType('onnx.TensorProto'),
  }));
  return cached;
}
