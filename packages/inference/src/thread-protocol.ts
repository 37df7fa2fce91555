/** Messages between the SessionPool and its session threads. */
export type ThreadRequest =
  | {
      id: number;
      op: 'load';
      model: string;
      path: string;
      input: string;
      output: string;
      intraOpThreads: number;
    }
  | { id: number; op: 'run'; model: string; data: Float32Array; dims: number[] }
  | { id: number; op: 'unload'; model: string };

export type ThreadReply =
  /** Sent once, unasked, when the thread has loaded onnxruntime and listens (id 0). */
  | { id: 0; ok: true; op: 'started' }
  | { id: number; ok: true; op: 'load'; loadMs: number; inputs: string[]; outputs: string[] }
  | { id: number; ok: true; op: 'run'; logits: Float32Array; dims: number[]; inferMs: number }
  | { id: number; ok: true; op: 'unload' }
  | { id: number; ok: false; error: { name: string; message: string } };
