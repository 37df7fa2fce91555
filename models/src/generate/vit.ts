import type { GraphBuilder } from './graph.js';

/** timm ViT layouts (patch 16, image 224, class-token head). */
export const VIT_LAYOUT = {
  'vit-ti': { embed: 192, depth: 12, heads: 3, mlp: 768 },
  'vit-b': { embed: 768, depth: 12, heads: 12, mlp: 3072 },
} as const;

export type VitSize = keyof typeof VIT_LAYOUT;

const PATCH = 16;
const IMAGE = 224;
const LN_EPSILON = 1e-6;
/** timm's trunc_normal_(std=.02) for linear layers and position embeddings. */
const WEIGHT_STD = 0.02;

function layerNorm(g: GraphBuilder, name: string, x: string, dim: number): string {
  const scale = g.weight(`${name}.weight`, [dim], { kind: 'constant', value: 1 });
  const bias = g.weight(`${name}.bias`, [dim], { kind: 'constant', value: 0 });
  return g.op('LayerNormalization', name, [x, scale, bias], {
    axis: { int: -1 },
    epsilon: { float: LN_EPSILON },
  });
}

/** x @ W + b with W stored [in, out] (the transpose of torch's Linear.weight). */
function linear(g: GraphBuilder, name: string, x: string, din: number, dout: number): string {
  const w = g.weight(`${name}.weight`, [din, dout], { kind: 'random', std: WEIGHT_STD });
  const b = g.weight(`${name}.bias`, [dout], { kind: 'constant', value: 0 });
  return g.op('Add', `${name}.add`, [g.op('MatMul', `${name}.matmul`, [x, w]), b]);
}

/** timm ViT on `input` [batch,3,224,224] → `logits` [batch, classes]. */
export function buildVit(g: GraphBuilder, size: VitSize, input: string, classes: number): string {
  const { embed: d, depth, heads, mlp } = VIT_LAYOUT[size];
  const headDim = d / heads;
  const tokens = (IMAGE / PATCH) ** 2 + 1;

  // Constants shared by every block.
  const i0 = g.int64('const.index0', [0], []);
  const i1 = g.int64('const.index1', [1], []);
  const i2 = g.int64('const.index2', [2], []);
  const qkvShape = g.int64('const.qkv_shape', [0, 0, 3, heads, headDim]);
  const mergeShape = g.int64('const.merge_shape', [0, 0, d]);
  const attnScale = g.scalar('const.attn_scale', headDim ** -0.5);
  const invSqrt2 = g.scalar('const.inv_sqrt2', Math.SQRT1_2);
  const one = g.scalar('const.one', 1);
  const half = g.scalar('const.half', 0.5);

  // Patch embedding: Conv 16/16 → [B, D, 14, 14] → [B, 196, D].
  const pw = g.weight('patch_embed.proj.weight', [d, 3, PATCH, PATCH], {
    kind: 'random',
    std: Math.sqrt(1 / (3 * PATCH * PATCH)),
  });
  const pb = g.weight('patch_embed.proj.bias', [d], { kind: 'constant', value: 0 });
  let x = g.op('Conv', 'patch_embed.proj', [input, pw, pb], {
    kernel_shape: { ints: [PATCH, PATCH] },
    strides: { ints: [PATCH, PATCH] },
  });
  x = g.op('Reshape', 'patch_embed.flatten', [x, g.int64('const.patch_shape', [0, d, -1])]);
  x = g.op('Transpose', 'patch_embed.transpose', [x], { perm: { ints: [0, 2, 1] } });

  // Class token, broadcast to the batch, then position embedding.
  const cls = g.weight('cls_token', [1, 1, d], { kind: 'random', std: 1e-6 });
  const batch = g.op('Shape', 'cls_token.batch', [x], { start: { int: 0 }, end: { int: 1 } });
  const clsShape = g.op('Concat', 'cls_token.shape', [batch, g.int64('const.cls_tail', [1, d])], {
    axis: { int: 0 },
  });
  const clsTokens = g.op('Expand', 'cls_token.expand', [cls, clsShape]);
  x = g.op('Concat', 'tokens', [clsTokens, x], { axis: { int: 1 } });
  const pos = g.weight('pos_embed', [1, tokens, d], { kind: 'random', std: WEIGHT_STD });
  x = g.op('Add', 'pos_embed.add', [x, pos]);

  for (let i = 0; i < depth; i++) {
    const p = `blocks.${i}`;
    // Attention: LN → QKV → heads → softmax(q kᵀ · scale) v → merge → proj → residual.
    const h = layerNorm(g, `${p}.norm1`, x, d);
    let qkv = linear(g, `${p}.attn.qkv`, h, d, 3 * d);
    qkv = g.op('Reshape', `${p}.attn.qkv.split_heads`, [qkv, qkvShape]);
    qkv = g.op('Transpose', `${p}.attn.qkv.transpose`, [qkv], { perm: { ints: [2, 0, 3, 1, 4] } });
    const q = g.op('Gather', `${p}.attn.q`, [qkv, i0], { axis: { int: 0 } });
    const k = g.op('Gather', `${p}.attn.k`, [qkv, i1], { axis: { int: 0 } });
    const v = g.op('Gather', `${p}.attn.v`, [qkv, i2], { axis: { int: 0 } });
    const kt = g.op('Transpose', `${p}.attn.k.transpose`, [k], { perm: { ints: [0, 1, 3, 2] } });
    let a = g.op('MatMul', `${p}.attn.scores`, [q, kt]);
    a = g.op('Mul', `${p}.attn.scale`, [a, attnScale]);
    a = g.op('Softmax', `${p}.attn.softmax`, [a], { axis: { int: -1 } });
    a = g.op('MatMul', `${p}.attn.context`, [a, v]);
    a = g.op('Transpose', `${p}.attn.context.transpose`, [a], { perm: { ints: [0, 2, 1, 3] } });
    a = g.op('Reshape', `${p}.attn.merge_heads`, [a, mergeShape]);
    a = linear(g, `${p}.attn.proj`, a, d, d);
    x = g.op('Add', `${p}.residual1`, [x, a]);

    // MLP: LN → fc1 → GELU (erf form, as timm's nn.GELU) → fc2 → residual.
    const m = layerNorm(g, `${p}.norm2`, x, d);
    const f = linear(g, `${p}.mlp.fc1`, m, d, mlp);
    const erf = g.op('Erf', `${p}.mlp.gelu.erf`, [g.op('Mul', `${p}.mlp.gelu.scale`, [f, invSqrt2])]);
    const gate = g.op('Add', `${p}.mlp.gelu.add`, [erf, one]);
    const gelu = g.op('Mul', `${p}.mlp.gelu.half`, [g.op('Mul', `${p}.mlp.gelu.mul`, [f, gate]), half]);
    const o = linear(g, `${p}.mlp.fc2`, gelu, mlp, d);
    x = g.op('Add', `${p}.residual2`, [x, o]);
  }

  x = layerNorm(g, 'norm', x, d);
  x = g.op('Gather', 'cls_token.take', [x, i0], { axis: { int: 1 } });
  const hw = g.weight('head.weight', [classes, d], { kind: 'random', std: WEIGHT_STD });
  const hb = g.weight('head.bias', [classes], { kind: 'constant', value: 0 });
  return g.op('Gemm', 'logits', [x, hw, hb], { transB: { int: 1 } });
}
