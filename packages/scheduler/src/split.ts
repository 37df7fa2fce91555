/**
 * The equal-rate split: given each worker's capacity for each job (queries/s if the worker spent all
 * its busy time on that job), choose time fractions so that every job gets the same rate R, with R
 * as large as possible.
 *
 * Method: lay the workers out in the given order and the jobs in the given order, then fill job 0
 * from the front of the line until it reaches R, then job 1 from where job 0 stopped, and so on
 * ("contiguous fill"). The largest feasible R is found by bisection (time needed grows with R).
 *
 * Invariants of the result:
 * - `fractions[w][j] ≥ 0` and `Σ_j fractions[w][j] = 1` for every worker (when there is ≥ 1 job);
 * - every job has positive total time whenever every capacity is positive (no job starves);
 * - at most `jobs − 1` workers serve more than one job (segment boundaries), so models switch
 *   rarely. For two jobs, with workers sorted by comparative advantage (capacity for job 0 over
 *   capacity for job 1, descending), the contiguous fill is optimal: it is the classical
 *   exchange-argument solution of the two-commodity fractional assignment.
 */

/** Result of {@link equalRateSplit}. */
export interface Split {
  /** `fractions[w][j]`: share of worker w's busy time for job j. */
  readonly fractions: number[][];
  /** The common predicted rate, queries/s. */
  readonly rate: number;
}

const MIN_CAPACITY = 1e-12;

/** `capacity[w][j]` > 0: worker w's queries/s on job j if it did nothing else. */
export function equalRateSplit(capacity: readonly (readonly number[])[], jobs: number): Split {
  const workers = capacity.length;
  if (jobs === 0 || workers === 0) return { fractions: capacity.map(() => []), rate: 0 };
  const cap = (w: number, j: number): number => {
    const c = capacity[w]?.[j] ?? 0;
    return Number.isFinite(c) && c > MIN_CAPACITY ? c : MIN_CAPACITY;
  };
  if (jobs === 1) return { fractions: capacity.map(() => [1]), rate: sum(capacity.map((_, w) => cap(w, 0))) };

  let hi = Number.POSITIVE_INFINITY;
  for (let j = 0; j < jobs; j++) {
    let total = 0;
    for (let w = 0; w < workers; w++) total += cap(w, j);
    hi = Math.min(hi, total);
  }
  let lo = 0;
  for (let i = 0; i < 60 && hi - lo > 1e-10 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (fill(mid, workers, jobs, cap) !== undefined) lo = mid;
    else hi = mid;
  }
  const fractions = fill(lo, workers, jobs, cap) ?? uniform(workers, jobs);
  // Time left over by the bisection's tolerance goes to the last job, whose segment ends the line.
  for (const row of fractions) {
    const used = sum(row);
    if (used < 1) row[jobs - 1] = (row[jobs - 1] ?? 0) + (1 - used);
  }
  return { fractions, rate: lo };
}

/** Contiguous fill at rate `rate`; undefined when the workers' time does not suffice. */
function fill(
  rate: number,
  workers: number,
  jobs: number,
  cap: (w: number, j: number) => number,
): number[][] | undefined {
  const fractions = Array.from({ length: workers }, () => new Array<number>(jobs).fill(0));
  let w = 0;
  let free = 1; // unused time fraction of worker w
  for (let j = 0; j < jobs; j++) {
    let need = rate;
    while (need > 0) {
      if (w >= workers) return need <= rate * 1e-12 ? fractions : undefined;
      const c = cap(w, j);
      const row = fractions[w]!;
      if (free * c >= need) {
        const f = need / c;
        row[j] = (row[j] ?? 0) + f;
        free -= f;
        need = 0;
        if (free <= 1e-15) {
          w++;
          free = 1;
        }
      } else {
        row[j] = (row[j] ?? 0) + free;
        need -= free * c;
        w++;
        free = 1;
      }
    }
  }
  return fractions;
}

function uniform(workers: number, jobs: number): number[][] {
  return Array.from({ length: workers }, () => new Array<number>(jobs).fill(1 / jobs));
}

function sum(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}
