// The in-process side of section 2: the same images classified one at a time in one process.
import { Classifier } from '@idunno/inference';

/** Environment variable that carries local-probe.js's request, as JSON (a long input list). */
export const LOCAL_PROBE_ENV = 'IDUNNO_BENCH_LOCAL_PROBE';

export interface LocalTimesRequest {
  model: string;
  inputs: string[];
  /** Intra-op threads of the one session thread, as the section's worker has. */
  intraOp: number;
  mirror?: string;
}

/**
 * One image at a time through a fresh `Classifier` (1 × `intraOp` threads), loaded and warmed with
 * one untimed pass, so that this process and the child with the workers' glibc settings are
 * measured the same way. Milliseconds per image, in input order.
 */
export async function timeLocally(req: LocalTimesRequest): Promise<number[]> {
  const classifier = new Classifier({
    pool: { threads: 1, intraOpThreads: req.intraOp },
    maxRunBatch: 1,
    ...(req.mirror !== undefined ? { mirror: req.mirror } : {}),
  });
  try {
    await classifier.load(req.model);
    const pass = async (): Promise<number[]> => {
      const ms: number[] = [];
      for (const uri of req.inputs) {
        const c0 = performance.now();
        await classifier.classify(req.model, [{ id: '0', uri }], 5);
        ms.push(performance.now() - c0);
      }
      return ms;
    };
    await pass();
    return await pass();
  } finally {
    await classifier.pool.close();
  }
}
