// Runs inside a worker_thread: onnxruntime-node's run() is a synchronous native call that would
// block the event loop (and with it gossip acks and gRPC) if it ran on the main thread.
import { parentPort } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import type { ThreadReply, ThreadRequest } from './thread-protocol.js';

if (!parentPort) throw new Error('session-thread must run as a worker_thread');
const port = parentPort;
const sessions = new Map<string, { session: ort.InferenceSession; input: string; output: string }>();

function fail(id: number, err: unknown): void {
  const e = err instanceof Error ? err : new Error(String(err));
  port.postMessage({ id, ok: false, error: { name: e.name, message: e.message } } satisfies ThreadReply);
}

port.on('message', (msg: ThreadRequest) => {
  void handle(msg).catch((err: unknown) => fail(msg.id, err));
});
// onnxruntime's native module is loaded (the import above): the pool may now terminate this thread
// safely. Terminated while that import still runs, the addon throws a C++ exception that aborts
// the whole process.
port.postMessage({ id: 0, ok: true, op: 'started' } satisfies ThreadReply);

async function handle(msg: ThreadRequest): Promise<void> {
  switch (msg.op) {
    case 'load': {
      if (sessions.has(msg.model)) {
        port.postMessage({
          id: msg.id,
          ok: true,
          op: 'load',
          loadMs: 0,
          inputs: [],
          outputs: [],
        } satisfies ThreadReply);
        return;
      }
      const t0 = performance.now();
      const session = await ort.InferenceSession.create(msg.path, {
        intraOpNumThreads: msg.intraOpThreads,
        interOpNumThreads: 1,
        graphOptimizationLevel: 'all',
        executionMode: 'sequential',
        // Measured on 2 cores (docs/BENCHMARKS.md): spinning intra-op threads burn ~40% more CPU per
        // image while they wait, stealing it from sharp and the other session; the CPU arena keeps
        // tens of MiB per batch shape for the life of the process.
        enableCpuMemArena: false,
        extra: { session: { intra_op: { allow_spinning: '0' } } },
      });
      const inputs = [...session.inputNames];
      const outputs = [...session.outputNames];
      if (!inputs.includes(msg.input) || !outputs.includes(msg.output)) {
        await session.release();
        throw new Error(
          `expected input "${msg.input}" and output "${msg.output}", the file has inputs [${inputs.join(', ')}] and outputs [${outputs.join(', ')}]`,
        );
      }
      sessions.set(msg.model, { session, input: msg.input, output: msg.output });
      port.postMessage({
        id: msg.id,
        ok: true,
        op: 'load',
        loadMs: performance.now() - t0,
        inputs,
        outputs,
      } satisfies ThreadReply);
      return;
    }
    case 'run': {
      const entry = sessions.get(msg.model);
      if (!entry) throw new Error(`model ${msg.model} is not loaded in this thread`);
      const t0 = performance.now();
      const tensor = new ort.Tensor('float32', msg.data, msg.dims);
      const out = await entry.session.run({ [entry.input]: tensor });
      const logits = out[entry.output];
      if (!logits || !(logits.data instanceof Float32Array))
        throw new Error(`output ${entry.output} is not float32`);
      // Copy into a buffer we own so it can be transferred instead of cloned.
      const data = new Float32Array(logits.data);
      const reply: ThreadReply = {
        id: msg.id,
        ok: true,
        op: 'run',
        logits: data,
        dims: logits.dims.map(Number),
        inferMs: performance.now() - t0,
      };
      port.postMessage(reply, [data.buffer]);
      return;
    }
    case 'unload': {
      const entry = sessions.get(msg.model);
      sessions.delete(msg.model);
      await entry?.session.release();
      port.postMessage({ id: msg.id, ok: true, op: 'unload' } satisfies ThreadReply);
      return;
    }
  }
}
