import type { ChildProcess } from 'node:child_process';

const live = new Set<ChildProcess>();
let hooked = false;

/**
 * Registers a child to be SIGKILLed if this process exits before it. Children must not outlive
 * their owner, even when a caller forgets `stop()` or a test runner kills its fork. SIGKILL because
 * a SIGSTOPped child ignores SIGTERM until continued. An 'exit' handler must be synchronous, so
 * this is the one place that cannot wait for a graceful stop.
 */
export function killOnExit(child: ChildProcess): void {
  if (!hooked) {
    hooked = true;
    process.on('exit', () => {
      for (const c of live) {
        try {
          c.kill('SIGKILL');
        } catch {
          // already gone
        }
      }
    });
  }
  live.add(child);
  const forget = () => live.delete(child);
  child.once('exit', forget);
  // A spawn that fails (missing binary) emits 'error' and never 'exit'.
  child.once('error', forget);
}

/** True until the child has exited (or was killed by a signal). */
export function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}
