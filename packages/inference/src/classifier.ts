import { ensureModel, getModel, loadLabels, type ModelSpec } from '@idunno/models';
import { errorMessage, InferenceFailedError, type QueryErrorCode, QueryFailure } from './errors.js';
import { type FetchOptions, fetchInput } from './input.js';
import { SessionPool, type SessionPoolOptions } from './pool.js';
import { imageElements, preprocessInto } from './preprocess.js';
import { fillSynthetic, isSynthetic } from './synthetic.js';
import { type Classification, topK } from './topk.js';

export interface QueryInput {
  id: string;
  /** Local path, file:// URI or http(s):// URL. */
  uri: string;
}

export interface QueryTimings {
  fetchMs: number;
  preprocessMs: number;
  /** Time the batch waited for a free inference thread. */
  queueMs: number;
  /** The batch's native inference time divided by the images in it (amortised per query). */
  inferenceMs: number;
}

export interface QueryOutcome {
  id: string;
  uri: string;
  topK?: Classification[];
  error?: { code: QueryErrorCode; message: string };
  timings: QueryTimings;
}

export interface ClassifierOptions {
  pool: Partial<SessionPoolOptions>;
  fetch: Partial<FetchOptions>;
  /** Images per native run; a task larger than this is split, and the next chunk is
   * preprocessed while the current one infers. @default 16 */
  maxRunBatch: number;
  /** Model mirror passed to ensureModel (else IDUNNO_MODEL_MIRROR). */
  mirror?: string;
}

export const DEFAULT_MAX_RUN_BATCH = 16;

export interface ClassifyOptions {
  /** Whose queries these are (a worker passes the job id); the session pool shares its threads
   * round robin between lanes. @default DEFAULT_LANE */
  lane?: string;
}

export interface LoadedModel {
  spec: ModelSpec;
  labels: string[];
  path: string;
  loadMs: number;
}

/**
 * fetch → preprocess → infer → softmax/top-k for batches of queries. The single-process
 * `idunno classify` and the worker's gRPC service both run this same code, which is what makes
 * the cluster's answers equal a single process's.
 */
export class Classifier {
  readonly pool: SessionPool;
  private readonly options: ClassifierOptions;
  private readonly models = new Map<string, Promise<LoadedModel>>();

  constructor(options: Partial<ClassifierOptions> = {}) {
    this.options = {
      pool: options.pool ?? {},
      fetch: options.fetch ?? {},
      maxRunBatch: options.maxRunBatch ?? DEFAULT_MAX_RUN_BATCH,
      ...(options.mirror !== undefined ? { mirror: options.mirror } : {}),
    };
    if (!Number.isInteger(this.options.maxRunBatch) || this.options.maxRunBatch < 1) {
      throw new RangeError(`maxRunBatch must be a positive integer, got ${this.options.maxRunBatch}`);
    }
    this.pool = new SessionPool(this.options.pool);
  }

  /** Called once each time a model finishes loading, whoever asked for it (LoadModel, a task). */
  onModelLoaded: ((name: string) => void) | undefined;

  /** Loads a model (fetching or generating its file if needed) and keeps it warm. */
  load(name: string): Promise<LoadedModel> {
    let loading = this.models.get(name);
    if (!loading) {
      loading = this.doLoad(name);
      this.models.set(name, loading);
      // A failed load is not cached: the next request retries (e.g. after models:fetch).
      loading.catch(() => this.models.delete(name));
    }
    return loading;
  }

  private async doLoad(name: string): Promise<LoadedModel> {
    const spec = getModel(name);
    const mirror = this.options.mirror !== undefined ? { mirror: this.options.mirror } : {};
    const path = await ensureModel(name, mirror);
    const [labels, { loadMs }] = await Promise.all([
      loadLabels(spec, mirror),
      this.pool.load(name, path, { input: spec.input.name, output: spec.output.name }),
    ]);
    this.onModelLoaded?.(name);
    return { spec, labels, path, loadMs };
  }

  loadedModels(): string[] {
    return this.pool.models();
  }

  /** Classifies every query; a failing query gets an error outcome, the rest are unaffected. */
  async classify(
    model: string,
    queries: readonly QueryInput[],
    k = 5,
    options: ClassifyOptions = {},
  ): Promise<QueryOutcome[]> {
    const loaded = await this.load(model);
    const chunks: QueryInput[][] = [];
    for (let i = 0; i < queries.length; i += this.options.maxRunBatch) {
      chunks.push(queries.slice(i, i + this.options.maxRunBatch));
    }
    const results: QueryOutcome[] = [];
    // Pipeline: preprocess chunk i+1 while chunk i infers.
    let prepared = chunks.length > 0 ? this.prepare(loaded, chunks[0]!) : undefined;
    for (let i = 0; i < chunks.length; i++) {
      const batch = await prepared!;
      prepared = i + 1 < chunks.length ? this.prepare(loaded, chunks[i + 1]!) : undefined;
      results.push(...(await this.infer(loaded, batch, k, options.lane)));
    }
    return results;
  }

  private async prepare(loaded: LoadedModel, queries: readonly QueryInput[]): Promise<PreparedBatch> {
    const spec = loaded.spec.preprocess;
    const per = imageElements(spec);
    const staging = new Float32Array(per * queries.length);
    const items = await Promise.all(
      queries.map(async (q, slot): Promise<PreparedItem> => {
        const t0 = performance.now();
        let fetchMs = 0;
        try {
          if (isSynthetic(q.uri)) {
            fillSynthetic(q.uri, staging, slot * per, per);
            return { q, slot, fetchMs: 0, preprocessMs: performance.now() - t0 };
          }
          const bytes = await fetchInput(q.uri, this.options.fetch);
          fetchMs = performance.now() - t0;
          await preprocessInto(bytes, spec, staging, slot * per, q.uri);
          return { q, slot, fetchMs, preprocessMs: performance.now() - t0 - fetchMs };
        } catch (err) {
          const failure =
            err instanceof QueryFailure
              ? err
              : new InferenceFailedError(q.uri, errorMessage(err), { cause: err });
          return {
            q,
            slot,
            fetchMs,
            preprocessMs: 0,
            error: { code: failure.code, message: failure.message },
          };
        }
      }),
    );
    const good = items.filter((it) => !it.error);
    let data = staging;
    if (good.length !== items.length) {
      // Compact the good images to the front so the batch holds no holes.
      data = new Float32Array(per * good.length);
      for (const [i, it] of good.entries())
        data.set(staging.subarray(it.slot * per, (it.slot + 1) * per), i * per);
    }
    return { items, good, data };
  }

  private async infer(
    loaded: LoadedModel,
    batch: PreparedBatch,
    k: number,
    lane: string | undefined,
  ): Promise<QueryOutcome[]> {
    const { spec, labels } = loaded;
    const byId = new Map<PreparedItem, QueryOutcome>();
    if (batch.good.length > 0) {
      const dims = [batch.good.length, 3, spec.preprocess.crop, spec.preprocess.crop];
      try {
        const run = await this.pool.run(spec.name, batch.data, dims, lane);
        const classes = run.dims[1] ?? spec.output.classes;
        batch.good.forEach((it, row) => {
          byId.set(it, {
            id: it.q.id,
            uri: it.q.uri,
            topK: topK(run.logits, row, classes, k, labels),
            timings: {
              fetchMs: it.fetchMs,
              preprocessMs: it.preprocessMs,
              queueMs: run.queueMs,
              inferenceMs: run.inferMs / batch.good.length,
            },
          });
        });
      } catch (err) {
        for (const it of batch.good) {
          byId.set(it, {
            id: it.q.id,
            uri: it.q.uri,
            error: { code: 'INFERENCE_FAILED', message: errorMessage(err) },
            timings: { fetchMs: it.fetchMs, preprocessMs: it.preprocessMs, queueMs: 0, inferenceMs: 0 },
          });
        }
      }
    }
    return batch.items.map(
      (it) =>
        byId.get(it) ?? {
          id: it.q.id,
          uri: it.q.uri,
          ...(it.error ? { error: it.error } : {}),
          timings: { fetchMs: it.fetchMs, preprocessMs: it.preprocessMs, queueMs: 0, inferenceMs: 0 },
        },
    );
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}

interface PreparedItem {
  q: QueryInput;
  slot: number;
  fetchMs: number;
  preprocessMs: number;
  error?: { code: QueryErrorCode; message: string };
}

interface PreparedBatch {
  items: PreparedItem[];
  good: PreparedItem[];
  data: Float32Array;
}
