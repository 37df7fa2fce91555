/** A worker the coordinator may dispatch to. */
export interface WorkerInfo {
  id: string;
  /** gRPC address host:port. */
  address: string;
}

/**
 * Where the coordinator learns which workers are alive: gossip membership in production, a fixed
 * list in some tests and benchmarks.
 */
export interface WorkerDirectory {
  /** The workers alive now. */
  workers(): WorkerInfo[];
  /** Called whenever the alive set may have changed (joined, died, left). */
  onChange(listener: () => void): void;
}

/** A directory that never changes by itself; `set` replaces the list. */
export class StaticWorkerDirectory implements WorkerDirectory {
  private list: WorkerInfo[];
  private readonly listeners: (() => void)[] = [];
  constructor(workers: readonly WorkerInfo[] = []) {
    this.list = [...workers];
  }
  workers(): WorkerInfo[] {
    return [...this.list];
  }
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }
  set(workers: readonly WorkerInfo[]): void {
    this.list = [...workers];
    for (const l of this.listeners) l();
  }
}
