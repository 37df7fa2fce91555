import type { GraphBuilder } from './graph.js';

/** Stage layout of the torchvision models. */
const RESNET_LAYOUT = {
  resnet18: { block: 'basic', blocks: [2, 2, 2, 2] },
  resnet50: { block: 'bottleneck', blocks: [3, 4, 6, 3] },
} as const;

export type ResnetDepth = keyof typeof RESNET_LAYOUT;

const STAGE_WIDTHS = [64, 128, 256, 512] as const;

/**
 * Gain on the last conv of every residual branch. Without BN statistics the residual stream's
 * variance would roughly double per block; 0.5 keeps activations in a sane range over 16 blocks
 * (the same idea as torchvision's zero_init_residual, without making the branch a no-op).
 */
const RESIDUAL_BRANCH_GAIN = 0.5;

/**
 * Conv with BatchNorm folded in: an untrained BN (gamma 1, beta 0, mean 0, var 1) is the identity,
 * so folding it leaves He-initialised conv weights and a zero bias. The folded model has the same
 * convolution FLOPs as torchvision's; it has C fewer parameters per BN (conv bias C instead of
 * BN's 2C affine values), under 0.5 % of the total, and skips the BN's elementwise ops.
 */
function convBn(
  g: GraphBuilder,
  name: string,
  x: string,
  cin: number,
  cout: number,
  k: number,
  stride: number,
  gain = 1,
): string {
  const std = gain * Math.sqrt(2 / (cin * k * k));
  const w = g.weight(`${name}.weight`, [cout, cin, k, k], { kind: 'random', std });
  const b = g.weight(`${name}.bias`, [cout], { kind: 'constant', value: 0 });
  const pad = (k - 1) >> 1;
  return g.op('Conv', name, [x, w, b], {
    kernel_shape: { ints: [k, k] },
    strides: { ints: [stride, stride] },
    pads: { ints: [pad, pad, pad, pad] },
    dilations: { ints: [1, 1] },
    group: { int: 1 },
  });
}

function relu(g: GraphBuilder, name: string, x: string): string {
  return g.op('Relu', name, [x]);
}

/** BasicBlock (expansion 1): 3x3(stride) → ReLU → 3x3, plus identity or 1x1(stride) downsample. */
function basicBlock(g: GraphBuilder, p: string, x: string, cin: number, width: number, stride: number) {
  const out = width;
  let y = relu(g, `${p}.relu1`, convBn(g, `${p}.conv1`, x, cin, width, 3, stride));
  y = convBn(g, `${p}.conv2`, y, width, out, 3, 1, RESIDUAL_BRANCH_GAIN);
  const identity = stride !== 1 || cin !== out ? convBn(g, `${p}.downsample.0`, x, cin, out, 1, stride) : x;
  return { y: relu(g, `${p}.relu2`, g.op('Add', `${p}.add`, [y, identity])), channels: out };
}

/** Bottleneck (torchvision v1.5, stride on the 3x3): 1x1 → 3x3(stride) → 1x1 (x4 channels). */
function bottleneck(g: GraphBuilder, p: string, x: string, cin: number, width: number, stride: number) {
  const out = width * 4;
  let y = relu(g, `${p}.relu1`, convBn(g, `${p}.conv1`, x, cin, width, 1, 1));
  y = relu(g, `${p}.relu2`, convBn(g, `${p}.conv2`, y, width, width, 3, stride));
  y = convBn(g, `${p}.conv3`, y, width, out, 1, 1, RESIDUAL_BRANCH_GAIN);
  const identity = stride !== 1 || cin !== out ? convBn(g, `${p}.downsample.0`, x, cin, out, 1, stride) : x;
  return { y: relu(g, `${p}.relu3`, g.op('Add', `${p}.add`, [y, identity])), channels: out };
}

/** torchvision ResNet-18/50 on `input` [batch,3,224,224] → `logits` [batch, classes]. */
export function buildResnet(g: GraphBuilder, depth: ResnetDepth, input: string, classes: number): string {
  const layout = RESNET_LAYOUT[depth];
  const block = layout.block === 'basic' ? basicBlock : bottleneck;

  let x = relu(g, 'relu', convBn(g, 'conv1', input, 3, 64, 7, 2));
  x = g.op('MaxPool', 'maxpool', [x], {
    kernel_shape: { ints: [3, 3] },
    strides: { ints: [2, 2] },
    pads: { ints: [1, 1, 1, 1] },
  });
  let channels = 64;
  layout.blocks.forEach((count, stage) => {
    const width = STAGE_WIDTHS[stage] ?? 512;
    for (let i = 0; i < count; i++) {
      const stride = stage > 0 && i === 0 ? 2 : 1;
      const r = block(g, `layer${stage + 1}.${i}`, x, channels, width, stride);
      x = r.y;
      channels = r.channels;
    }
  });
  x = g.op('GlobalAveragePool', 'avgpool', [x]);
  x = g.op('Flatten', 'flatten', [x], { axis: { int: 1 } });
  const w = g.weight('fc.weight', [classes, channels], { kind: 'random', std: Math.sqrt(1 / channels) });
  const b = g.weight('fc.bias', [classes], { kind: 'constant', value: 0 });
  return g.op('Gemm', 'logits', [x, w, b], { transB: { int: 1 } });
}
