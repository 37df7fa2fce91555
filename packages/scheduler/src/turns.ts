/**
 * Weighted turns for one worker: stride scheduling on busy time.
 *
 * Each job the worker serves has a virtual time `pass`; serving it for `busyMs` advances its pass by
 * `busyMs / weight`. The next free slot serves the active job with the smallest pass, so over any
 * long interval the worker's busy time splits by its weights (error bounded by one batch per job).
 *
 * Batches are charged twice: an estimate when the turn is handed out (so a worker with two slots
 * does not give both to the same job before either reports), then the estimate is replaced by the
 * measured `busyMs` when the batch completes (FIFO per job).
 *
 * Invariants: only jobs with weight > 0 are handed out; a job that becomes active joins at the
 * smallest active pass (no burst of stale credit, no starvation of the others).
 */
export class WeightedTurns {
  #weights = new Map<string, number>();
  #pass = new Map<string, number>();
  #pending = new Map<string, { estimateMs: number; weight: number }[]>();

  /** Replaces the weights; jobs absent or with weight 0 are no longer handed out. */
  setWeights(weights: ReadonlyMap<string, number>): void {
    const continuing: number[] = [];
    for (const [jobId, w] of weights) {
      const p = this.#pass.get(jobId);
      if (w > 0 && this.#weights.has(jobId) && p !== undefined) continuing.push(p);
    }
    const base = continuing.length > 0 ? Math.min(...continuing) : 0;
    const next = new Map<string, number>();
    const pass = new Map<string, number>();
    for (const [jobId, w] of weights) {
      if (!(w > 0)) continue;
      next.set(jobId, w);
      const p = this.#weights.has(jobId) ? this.#pass.get(jobId) : undefined;
      // Rebase so numbers stay small; a newcomer starts level with the furthest-behind job.
      pass.set(jobId, p === undefined ? 0 : p - base);
    }
    this.#weights = next;
    this.#pass = pass;
    for (const jobId of this.#pending.keys()) {
      if (!weights.has(jobId)) this.#pending.delete(jobId);
    }
  }

  /** Job for the next free slot, charged `estimateMs(job)` in advance; undefined when none is active. */
  next(estimateMs: (jobId: string) => number): string | undefined {
    let best: string | undefined;
    let bestPass = Number.POSITIVE_INFINITY;
    for (const jobId of this.#weights.keys()) {
      const p = this.#pass.get(jobId) ?? 0;
      if (p < bestPass) {
        best = jobId;
        bestPass = p;
      }
    }
    if (best === undefined) return undefined;
    const weight = this.#weights.get(best)!;
    const est = estimateMs(best);
    const estimate = Number.isFinite(est) && est > 0 ? est : 1;
    this.#pass.set(best, bestPass + estimate / weight);
    let queue = this.#pending.get(best);
    if (queue === undefined) {
      queue = [];
      this.#pending.set(best, queue);
    }
    // Bounded: a coordinator that never reports would otherwise grow this forever.
    if (queue.length >= 64) queue.shift();
    queue.push({ estimateMs: estimate, weight });
    return best;
  }

  /** A batch of `jobId` took `busyMs`: replaces its advance estimate with the measurement. */
  complete(jobId: string, busyMs: number): void {
    const entry = this.#pending.get(jobId)?.shift();
    const p = this.#pass.get(jobId);
    if (p === undefined) return;
    if (entry !== undefined) {
      this.#pass.set(jobId, p + (busyMs - entry.estimateMs) / entry.weight);
    } else {
      this.#pass.set(jobId, p + busyMs / (this.#weights.get(jobId) ?? 1));
    }
  }
}
