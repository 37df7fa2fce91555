import { DataType } from './onnx-proto.js';
import type { WeightInit } from './prng.js';

/** A node attribute; the variant says which AttributeProto field carries it. */
export type Attr = { int: number } | { float: number } | { ints: readonly number[] } | { string: string };

export interface NodeSpec {
  opType: string;
  name: string;
  inputs: string[];
  outputs: string[];
  attributes: Record<string, Attr>;
}

export interface InitializerSpec {
  name: string;
  dims: number[];
  dataType: DataType;
  /** Float32 weights are generated lazily, one tensor at a time, when the file is written. */
  data: { kind: 'float'; init: WeightInit } | { kind: 'int64'; values: readonly number[] };
}

/** One graph input or output: float32 with a symbolic batch dim first. */
export interface ValueSpec {
  name: string;
  /** Dimensions; a string is a symbolic dim (dim_param), e.g. 'batch'. */
  dims: (number | string)[];
}

/**
 * Accumulates an ONNX graph in topological order. Names are unique by construction: every node
 * output is `<node name>` or `<node name>:<i>`, and node names come from the caller's scopes.
 */
export class GraphBuilder {
  readonly nodes: NodeSpec[] = [];
  readonly initializers: InitializerSpec[] = [];
  private readonly names = new Set<string>();

  private claim(name: string): string {
    if (this.names.has(name)) throw new Error(`duplicate tensor name in generated graph: ${name}`);
    this.names.add(name);
    return name;
  }

  /** A float32 initializer filled per `init` at write time. */
  weight(name: string, dims: number[], init: WeightInit): string {
    this.initializers.push({
      name: this.claim(name),
      dims,
      dataType: DataType.FLOAT,
      data: { kind: 'float', init },
    });
    return name;
  }

  /** An int64 constant (shapes, indices); `dims` [] makes a scalar. */
  int64(name: string, values: readonly number[], dims: number[] = [values.length]): string {
    this.initializers.push({
      name: this.claim(name),
      dims,
      dataType: DataType.INT64,
      data: { kind: 'int64', values },
    });
    return name;
  }

  /** A float32 scalar constant. */
  scalar(name: string, value: number): string {
    return this.weight(name, [], { kind: 'constant', value });
  }

  /** Appends a node with one output named after the node. */
  op(opType: string, name: string, inputs: string[], attributes: Record<string, Attr> = {}): string {
    const output = this.claim(name);
    this.nodes.push({ opType, name, inputs, outputs: [output], attributes });
    return output;
  }

  /** Number of float32 weight values (what "parameter count" means for the generated models). */
  parameterCount(): number {
    let n = 0;
    for (const init of this.initializers) {
      if (init.dataType === DataType.FLOAT && init.dims.length > 0) n += init.dims.reduce((a, b) => a * b, 1);
    }
    return n;
  }
}
