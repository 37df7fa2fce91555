import type { GraphBuilder } from './graph.js';

/**
 * Near-free model for control-plane load tests: [batch,3,32,32] → GlobalAveragePool → Flatten →
 * Gemm → [batch, classes]. Weight std 1 so the logits differ between inputs.
 */
export function buildTiny(g: GraphBuilder, input: string, classes: number): string {
  let x = g.op('GlobalAveragePool', 'avgpool', [input]);
  x = g.op('Flatten', 'flatten', [x], { axis: { int: 1 } });
  const w = g.weight('fc.weight', [classes, 3], { kind: 'random', std: 1 });
  const b = g.weight('fc.bias', [classes], { kind: 'constant', value: 0 });
  return g.op('Gemm', 'logits', [x, w, b], { transB: { int: 1 } });
}
