import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { MemberState } from './types.js';

/** The built standalone node (dist/bin/node.js). */
// Resolves to dist/ whether this module runs from src/ (vitest) or dist/.
export const NODE_BIN = fileURLToPath(new URL('../dist/bin/node.js', import.meta.url));

export interface NodeLine {
  t: number;
  id: string;
  event: string;
  member?: string;
  state?: MemberState;
  incarnation?: number;
  address?: string;
}

/** One `dist/bin/node.js` child and what it has reported. */
export class NodeProcess {
  readonly lines: NodeLine[] = [];
  /** Latest reported view: member id → state and incarnation. */
  readonly view = new Map<string, { state: MemberState; incarnation: number; at: number }>();
  address = '';
  exited = false;
  stderr = '';

  constructor(
    readonly id: string,
    readonly child: ChildProcess,
  ) {
    let buffer = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      buffer += chunk;
      for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
        const text = buffer.slice(0, i);
        buffer = buffer.slice(i + 1);
        this.onLine(text);
      }
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-4000);
    });
    child.on('exit', () => {
      this.exited = true;
    });
  }

  private onLine(text: string): void {
    let line: NodeLine;
    try {
      line = JSON.parse(text) as NodeLine;
    } catch {
      return;
    }
    this.lines.push(line);
    if (line.event === 'listening' && line.address) this.address = line.address;
    if (line.member && line.state && line.incarnation !== undefined) {
      this.view.set(line.member, { state: line.state, incarnation: line.incarnation, at: performance.now() });
    }
  }

  sees(id: string): MemberState | undefined {
    return this.view.get(id)?.state;
  }

  signal(sig: NodeJS.Signals): void {
    if (!this.exited) this.child.kill(sig);
  }
}

export interface SpawnClusterOptions {
  /** @default 'local' */
  profile?: 'lan' | 'local';
  clusterKey?: string;
  /** Node ids are `${prefix}${i}`. @default 'n' */
  prefix?: string;
  /** @default 30000 ms */
  startTimeoutMs?: number;
}

/** A cluster of real node processes on 127.0.0.1. Always call `close()` (afterAll/finally). */
export class ProcessCluster {
  readonly nodes: NodeProcess[] = [];

  constructor(private readonly options: SpawnClusterOptions = {}) {}

  spawnNode(id: string, seeds: string[]): NodeProcess {
    const args = [NODE_BIN, '--id', id, '--port', '0', '--profile', this.options.profile ?? 'local'];
    if (seeds.length > 0) args.push('--seeds', seeds.join(','));
    if (this.options.clusterKey) args.push('--key', this.options.clusterKey);
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const node = new NodeProcess(id, child);
    this.nodes.push(node);
    return node;
  }

  /** Starts n nodes (the first is every other's seed) and waits until each sees all others alive. */
  async start(n: number): Promise<void> {
    const prefix = this.options.prefix ?? 'n';
    const timeout = this.options.startTimeoutMs ?? 30_000;
    const first = this.spawnNode(`${prefix}0`, []);
    await waitFor(
      () => first.address !== '',
      timeout,
      () => `${first.id} to listen: ${first.stderr}`,
    );
    for (let i = 1; i < n; i++) this.spawnNode(`${prefix}${i}`, [first.address]);
    await waitFor(
      () => this.nodes.every((o) => this.nodes.every((t) => t === o || o.sees(t.id) === 'alive')),
      timeout,
      () => `cluster of ${n} to converge`,
    );
  }

  node(id: string): NodeProcess {
    const node = this.nodes.find((n) => n.id === id);
    if (!node) throw new Error(`no node ${id}`);
    return node;
  }

  /** Every running node other than `id` reports `id` in one of `states`. */
  allSee(id: string, states: readonly MemberState[]): boolean {
    return this.nodes
      .filter((n) => n.id !== id && !n.exited)
      .every((n) => {
        const s = n.sees(id);
        return s !== undefined && states.includes(s);
      });
  }

  /** SIGKILLs every child and waits for them to exit. */
  async close(): Promise<void> {
    for (const n of this.nodes) {
      if (!n.exited) {
        n.child.kill('SIGCONT');
        n.child.kill('SIGKILL');
      }
    }
    await waitFor(
      () => this.nodes.every((n) => n.exited),
      10_000,
      () => 'children to exit',
    ).catch(() => {});
  }
}

/** Polls `done` every 20 ms; rejects after `timeoutMs` with what it was waiting for. */
export async function waitFor(done: () => boolean, timeoutMs: number, what: () => string): Promise<number> {
  const start = performance.now();
  while (!done()) {
    if (performance.now() - start > timeoutMs)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return performance.now() - start;
}
