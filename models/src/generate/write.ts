import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { endianness } from 'node:os';
import { dirname } from 'node:path';
import protobuf from 'protobufjs';
import type { Attr, GraphBuilder, InitializerSpec, NodeSpec, ValueSpec } from './graph.js';
import { AttributeType, DataType, FieldNumber, onnxTypes } from './onnx-proto.js';
import { fillWeights } from './prng.js';

const IR_VERSION = 8;
const OPSET = 17;
const WIRE_LENGTH_DELIMITED = 2;

/** Model-level fields of the file (everything but the graph's contents). */
export interface ModelHeader {
  producerName: string;
  producerVersion: string;
  docString: string;
  graphName: string;
  metadata: Record<string, string>;
  inputs: ValueSpec[];
  outputs: ValueSpec[];
}

export interface WrittenModel {
  path: string;
  bytes: number;
  sha256: string;
}

function attribute(name: string, attr: Attr): Record<string, unknown> {
  if ('int' in attr) return { name, type: AttributeType.INT, i: attr.int };
  if ('float' in attr) return { name, type: AttributeType.FLOAT, f: attr.float };
  if ('ints' in attr) return { name, type: AttributeType.INTS, ints: [...attr.ints] };
  return { name, type: AttributeType.STRING, s: Buffer.from(attr.string, 'utf8') };
}

function node(n: NodeSpec): Record<string, unknown> {
  return {
    name: n.name,
    op_type: n.opType,
    input: n.inputs,
    output: n.outputs,
    attribute: Object.entries(n.attributes).map(([k, v]) => attribute(k, v)),
  };
}

function valueInfo(v: ValueSpec): Record<string, unknown> {
  return {
    name: v.name,
    type: {
      tensor_type: {
        elem_type: DataType.FLOAT,
        shape: { dim: v.dims.map((d) => (typeof d === 'string' ? { dim_param: d } : { dim_value: d })) },
      },
    },
  };
}

const LITTLE_ENDIAN_HOST = endianness() === 'LE';

/** Element bytes of an initializer: fixed-width little-endian, as raw_data requires. */
function rawData(seed: number, init: InitializerSpec): Uint8Array {
  const count = init.dims.reduce((a, b) => a * b, 1);
  if (init.data.kind === 'int64') {
    const buf = Buffer.alloc(count * 8);
    init.data.values.forEach((v, i) => {
      buf.writeBigInt64LE(BigInt(v), i * 8);
    });
    return buf;
  }
  const values = fillWeights(seed, init.name, count, init.data.init);
  if (LITTLE_ENDIAN_HOST) return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const buf = Buffer.alloc(values.byteLength);
  values.forEach((v, i) => {
    buf.writeFloatLE(v, i * 4);
  });
  return buf;
}

/** Tag + length prefix of a length-delimited field, encoded by protobufjs' Writer. */
function lengthPrefix(field: number, length: number): Uint8Array {
  return protobuf.Writer.create()
    .uint32((field << 3) | WIRE_LENGTH_DELIMITED)
    .uint32(length)
    .finish();
}

/**
 * Writes the model to `path` atomically (temp file + rename) without holding all weights in memory.
 *
 * Protobuf lets a message be the concatenation of its fields in any order, and repeated fields
 * may be split across chunks. So the file is: ModelProto's scalar fields, then the `graph` field's
 * tag and length, then GraphProto's nodes/inputs/outputs, then one `initializer` field per tensor,
 * each being TensorProto's small fields followed by `raw_data`. Every length is known before any
 * weight is generated (it depends only on dims), so each tensor's values are generated, written
 * and dropped one at a time. The output is deterministic: no timestamps, fixed field order.
 */
export async function writeModel(
  path: string,
  seed: number,
  header: ModelHeader,
  graph: GraphBuilder,
): Promise<WrittenModel> {
  const t = await onnxTypes();
  const modelHead = t.ModelProto.encode(
    t.ModelProto.fromObject({
      ir_version: IR_VERSION,
      opset_import: [{ domain: '', version: OPSET }],
      producer_name: header.producerName,
      producer_version: header.producerVersion,
      doc_string: header.docString,
      metadata_props: Object.entries(header.metadata).map(([key, value]) => ({ key, value })),
    }),
  ).finish();
  const graphHead = t.GraphProto.encode(
    t.GraphProto.fromObject({
      name: header.graphName,
      doc_string: header.docString,
      node: graph.nodes.map(node),
      input: header.inputs.map(valueInfo),
      output: header.outputs.map(valueInfo),
    }),
  ).finish();

  const tensors = graph.initializers.map((init) => {
    const meta = t.TensorProto.encode(
      t.TensorProto.fromObject({ name: init.name, dims: init.dims, data_type: init.dataType }),
    ).finish();
    const elementBytes = (init.dataType === DataType.INT64 ? 8 : 4) * init.dims.reduce((a, b) => a * b, 1);
    const rawPrefix = lengthPrefix(FieldNumber.tensorRawData, elementBytes);
    const tensorLength = meta.length + rawPrefix.length + elementBytes;
    return {
      init,
      meta,
      rawPrefix,
      tensorLength,
      prefix: lengthPrefix(FieldNumber.graphInitializer, tensorLength),
    };
  });
  const graphLength = tensors.reduce((sum, x) => sum + x.prefix.length + x.tensorLength, graphHead.length);

  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const hash = createHash('sha256');
  let bytes = 0;
  const file = await open(tmp, 'w');
  try {
    const write = async (chunk: Uint8Array) => {
      hash.update(chunk);
      bytes += chunk.length;
      await file.write(chunk);
    };
    await write(modelHead);
    await write(lengthPrefix(FieldNumber.modelGraph, graphLength));
    await write(graphHead);
    for (const x of tensors) {
      await write(x.prefix);
      await write(x.meta);
      await write(x.rawPrefix);
      await write(rawData(seed, x.init));
    }
    await file.sync();
  } catch (err) {
    await file.close();
    await rm(tmp, { force: true });
    throw err;
  }
  await file.close();
  await rename(tmp, path);
  return { path, bytes, sha256: hash.digest('hex') };
}
