import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UnknownModelError } from './errors.js';

export type ModelFamily = 'resnet' | 'vit' | 'tiny';

/** How a decoded RGB image becomes the model's float32 NCHW input. */
export interface PreprocessSpec {
  /** Resize so the shorter side has this many pixels, keeping the aspect ratio. */
  resizeShorter: number;
  /** Then center-crop a `crop` x `crop` square. */
  crop: number;
  interpolation: 'bicubic' | 'bilinear' | 'nearest';
  /** Per-channel (R, G, B) mean and std applied to x/255: (x/255 - mean) / std. */
  mean: readonly [number, number, number];
  std: readonly [number, number, number];
}

/** Architectures the generator can write (see `generate/`). */
export type GeneratedArch = 'resnet18' | 'resnet50' | 'vit-ti' | 'vit-b' | 'tiny';

export interface ModelSpec {
  /** Registry key, e.g. 'vit-tiny'. */
  name: string;
  family: ModelFamily;
  /** File name inside the model directory. */
  file: string;
  /** False for generated models: their predictions are meaningless. */
  trained: boolean;
  source:
    | { kind: 'fetch'; url: string | null; sha256: string; bytes: number }
    | { kind: 'generated'; arch: GeneratedArch; seed: number };
  /** NCHW float32 input; the batch dimension is dynamic. */
  input: { name: string; channels: 3; height: number; width: number };
  /** Raw logits [batch, classes]. */
  output: { name: string; classes: number };
  preprocess: PreprocessSpec;
  /** 'untrained': label i is `untrained-class-<i>`, so nothing can pass it off as a prediction. */
  labels: { kind: 'file'; file: string } | { kind: 'untrained' };
  /** Expected cost per query relative to vit-tiny = 1 (see MEASURED_COST below). */
  relativeCost: number;
  description: string;
}

const IMAGENET_CLASSES = 1000;

/** timm ViT AugReg preprocessing, per shared/models/MANIFEST.md (crop_pct 0.9, mean/std 0.5). */
const VIT_PREPROCESS: PreprocessSpec = {
  resizeShorter: 248,
  crop: 224,
  interpolation: 'bicubic',
  mean: [0.5, 0.5, 0.5],
  std: [0.5, 0.5, 0.5],
};

/** torchvision / ONNX Model Zoo ImageNet preprocessing. */
const RESNET_PREPROCESS: PreprocessSpec = {
  resizeShorter: 256,
  crop: 224,
  interpolation: 'bilinear',
  mean: [0.485, 0.456, 0.406],
  std: [0.229, 0.224, 0.225],
};

const TINY_PREPROCESS: PreprocessSpec = { ...RESNET_PREPROCESS, resizeShorter: 32, crop: 32 };

const IMAGE_224 = { name: 'input', channels: 3, height: 224, width: 224 } as const;
const LOGITS = { name: 'logits', classes: IMAGENET_CLASSES } as const;
const IMAGENET_LABELS = { kind: 'file', file: 'imagenet_classes.txt' } as const;
const UNTRAINED = { kind: 'untrained' } as const;

/**
 * Measured cost per query relative to vit-tiny (= 1), batch 8.
 *
 * How: `node models/dist/bench-cost.js` (src/bench-cost.ts) on the 2-vCPU dev machine, Node 20,
 * onnxruntime-node 1.30.0 CPU EP, graphOptimizationLevel 'all', intraOpNumThreads 1, random input
 * [8,3,H,W]; models run round-robin (2 warm-up rounds, then 9 timed rounds) and ratio = median
 * run() time of the model / median of vit-tiny (the real file from the mirror). The machine was
 * shared with other builds, so two runs were taken and averaged; they differed by up to 30 %
 * (vit-base 15 and 13, resnet18 1.1 and 0.99, resnet50 3.4 and 2.5, tiny 0.0005 and 0.00075,
 * vit-tiny-untrained 1.1 both times). Absolute times: vit-tiny 465-655 ms per batch of 8 on one
 * contended thread. resnet50-v1-7 was not measured (not downloadable here): it reuses resnet50's
 * value (same network; v1 strides in the 1x1 conv, ~6 % fewer FLOPs).
 * For comparison, the published MAC counts (vit-tiny 1.1 G, vit-base 17.6 G, resnet18 1.8 G,
 * resnet50 4.1 G) give ratios of 16, 1.6 and 3.7: ORT's convolutions run closer to peak than attention.
 */
const MEASURED_COST = {
  'vit-tiny': 1,
  'vit-tiny-untrained': 1.1,
  'vit-base': 14,
  resnet18: 1.0,
  resnet50: 2.9,
  'resnet50-v1-7': 2.9,
  tiny: 0.0006,
} as const;

const MODELS: readonly ModelSpec[] = [
  {
    name: 'vit-tiny',
    family: 'vit',
    file: 'vit_tiny_patch16_224.onnx',
    trained: true,
    source: {
      kind: 'fetch',
      url: null,
      sha256: 'f3ecfb99c846183831a28645bb7b7a8c9022fd50125ed3707751ffd81fb5b869',
      bytes: 22_896_291,
    },
    input: IMAGE_224,
    output: LOGITS,
    preprocess: VIT_PREPROCESS,
    labels: IMAGENET_LABELS,
    relativeCost: MEASURED_COST['vit-tiny'],
    description:
      'ViT-Tiny/16 @224 with real trained ImageNet-1k weights (timm vit_tiny_patch16_224 layout). ' +
      'Mirror only: no public URL hosts this exact file, so set IDUNNO_MODEL_MIRROR to a directory ' +
      'holding it (see shared/models/MANIFEST.md).',
  },
  {
    name: 'vit-tiny-untrained',
    family: 'vit',
    file: 'vit-tiny-untrained.onnx',
    trained: false,
    source: { kind: 'generated', arch: 'vit-ti', seed: 1 },
    input: IMAGE_224,
    output: LOGITS,
    preprocess: VIT_PREPROCESS,
    labels: UNTRAINED,
    relativeCost: MEASURED_COST['vit-tiny-untrained'],
    description:
      'UNTRAINED generated ViT-Ti/16 (embed 192, depth 12, heads 3, MLP 768): same layout and cost as ' +
      'vit-tiny, for machines without the mirror. Predictions are meaningless.',
  },
  {
    name: 'vit-base',
    family: 'vit',
    file: 'vit-base.untrained.onnx',
    trained: false,
    source: { kind: 'generated', arch: 'vit-b', seed: 1 },
    input: IMAGE_224,
    output: LOGITS,
    preprocess: VIT_PREPROCESS,
    labels: UNTRAINED,
    relativeCost: MEASURED_COST['vit-base'],
    description:
      'UNTRAINED generated ViT-B/16 (embed 768, depth 12, heads 12, MLP 3072, ~86M params, ~345 MB). ' +
      'For benchmarks only; predictions are meaningless.',
  },
  {
    name: 'resnet18',
    family: 'resnet',
    file: 'resnet18.untrained.onnx',
    trained: false,
    source: { kind: 'generated', arch: 'resnet18', seed: 1 },
    input: IMAGE_224,
    output: LOGITS,
    preprocess: RESNET_PREPROCESS,
    labels: UNTRAINED,
    relativeCost: MEASURED_COST.resnet18,
    description:
      'UNTRAINED generated ResNet-18 (torchvision layout, BN folded into conv). For benchmarks, load ' +
      'and failure tests; predictions are meaningless.',
  },
  {
    name: 'resnet50',
    family: 'resnet',
    file: 'resnet50.untrained.onnx',
    trained: false,
    source: { kind: 'generated', arch: 'resnet50', seed: 1 },
    input: IMAGE_224,
    output: LOGITS,
    preprocess: RESNET_PREPROCESS,
    labels: UNTRAINED,
    relativeCost: MEASURED_COST.resnet50,
    description:
      'UNTRAINED generated ResNet-50 (torchvision v1.5 Bottleneck layout, BN folded into conv). For ' +
      'benchmarks, load and failure tests; predictions are meaningless.',
  },
  {
    // Checksum provenance: the onnx/models Git LFS pointer for this file is not in the index this
    // was written from. The sha256 is the one pinned (and checked by curl+sha256sum scripts) by an
    // independent project downloading this exact URL; the byte count matches two other independent
    // records (a xet mirror pointer of onnx/models and a wget log). fetch verifies it, so a wrong
    // value fails loudly with ChecksumMismatchError rather than accepting another file.
    name: 'resnet50-v1-7',
    family: 'resnet',
    file: 'resnet50-v1-7.onnx',
    trained: true,
    source: {
      kind: 'fetch',
      url: 'https://github.com/onnx/models/raw/main/validated/vision/classification/resnet/model/resnet50-v1-7.onnx',
      sha256: 'af16a04a6ec48ac494065d4439fe9dea590d337b9ca6dc328160ccf04a217b9c',
      bytes: 102_583_340,
    },
    input: { ...IMAGE_224, name: 'data' },
    output: { name: 'resnetv17_dense0_fwd', classes: IMAGENET_CLASSES },
    preprocess: RESNET_PREPROCESS,
    labels: IMAGENET_LABELS,
    relativeCost: MEASURED_COST['resnet50-v1-7'],
    description:
      'ResNet-50 v1 with real trained ImageNet-1k weights from the ONNX Model Zoo (MXNet export, opset 7). ' +
      'Downloaded from its pinned URL; labels come from the mirror.',
  },
  {
    name: 'tiny',
    family: 'tiny',
    file: 'tiny.untrained.onnx',
    trained: false,
    source: { kind: 'generated', arch: 'tiny', seed: 1 },
    input: { name: 'input', channels: 3, height: 32, width: 32 },
    output: LOGITS,
    preprocess: TINY_PREPROCESS,
    labels: UNTRAINED,
    relativeCost: MEASURED_COST.tiny,
    description:
      'UNTRAINED near-free model (GlobalAveragePool, Flatten, Gemm to 1000 classes on a 32x32 input) for ' +
      'load-testing the control plane without being bound by inference.',
  },
];

const BY_NAME: ReadonlyMap<string, ModelSpec> = new Map(MODELS.map((m) => [m.name, m]));

/** Every registered model, in a stable order. */
export function listModels(): readonly ModelSpec[] {
  return MODELS;
}

/** The model called `name`; throws UnknownModelError listing the known names otherwise. */
export function getModel(name: string): ModelSpec {
  const spec = BY_NAME.get(name);
  if (spec === undefined) throw new UnknownModelError(name, [...BY_NAME.keys()]);
  return spec;
}

/** Default model directory: `<repo>/models/files` (gitignored). Same depth from src/ and dist/. */
const DEFAULT_MODEL_DIR = fileURLToPath(new URL('../files/', import.meta.url));

/**
 * Directory holding model files: env IDUNNO_MODEL_DIR, else `<repo>/models/files`.
 * Read on every call so tests (and CLIs) can point it elsewhere.
 */
export function modelDir(): string {
  const fromEnv = process.env.IDUNNO_MODEL_DIR;
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : DEFAULT_MODEL_DIR;
}

/** Absolute path of `spec`'s file inside `dir` (default `modelDir()`). */
export function modelPath(spec: ModelSpec, dir: string = modelDir()): string {
  return join(dir, spec.file);
}

/** The mirror directory from env IDUNNO_MODEL_MIRROR, if set and non-empty. */
export function mirrorFromEnv(): string | undefined {
  const fromEnv = process.env.IDUNNO_MODEL_MIRROR;
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : undefined;
}
