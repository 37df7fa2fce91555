// The benches' one way to reach a cluster they started: @idunno/client's ClusterClient, which finds
// the leader and follows it through takeovers.
import { ClusterClient, type CoordinatorConnection } from '@idunno/client';
import { type TestCluster, waitFor } from '@idunno/testkit';

export interface ControlOptions {
  /** Deadline of each `Leader()` probe. @default 1000 ms */
  probeTimeoutMs: number;
  /** Pause between ClusterClient's discovery rounds while a change waits for a new leader. @default 100 ms */
  retryIntervalMs: number;
  /** How often `leader()` asks again while no coordinator leads. @default 50 ms */
  leaderPollMs: number;
  /** How long `leader()` waits for a coordinator to lead. @default 30 s */
  leaderTimeoutMs: number;
}

export const DEFAULT_PROBE_TIMEOUT_MS = 1_000;
export const DEFAULT_RETRY_INTERVAL_MS = 100;
export const DEFAULT_LEADER_POLL_MS = 50;
export const DEFAULT_LEADER_TIMEOUT_MS = 30_000;

export function defaultControlOptions(): ControlOptions {
  return {
    probeTimeoutMs: DEFAULT_PROBE_TIMEOUT_MS,
    retryIntervalMs: DEFAULT_RETRY_INTERVAL_MS,
    leaderPollMs: DEFAULT_LEADER_POLL_MS,
    leaderTimeoutMs: DEFAULT_LEADER_TIMEOUT_MS,
  };
}

/**
 * The cluster's control API through whichever coordinator leads now. On a loaded machine the
 * lease can move between the pair mid-run; a change refused by a standby or sent to an
 * unreachable coordinator is retried on the new leader (ClusterClient's policy), and takeovers
 * are counted from the coordinators' `role` events.
 */
export class Control {
  readonly client: ClusterClient;
  private readonly options: ControlOptions;
  private leaderAddress = '';

  constructor(
    readonly cluster: TestCluster,
    options: Partial<ControlOptions> = {},
  ) {
    this.options = { ...defaultControlOptions(), ...options };
    this.client = new ClusterClient(() => cluster.controlAddresses(), {
      probeTimeoutMs: this.options.probeTimeoutMs,
      retryIntervalMs: this.options.retryIntervalMs,
    });
  }

  /** A connection to the coordinator that leads now, waiting for one to lead. */
  async leader(): Promise<CoordinatorConnection> {
    const ref = await waitFor(() => this.client.leader(), {
      timeoutMs: this.options.leaderTimeoutMs,
      intervalMs: this.options.leaderPollMs,
      message: 'a coordinator that leads',
    });
    this.leaderAddress = ref.connection.address;
    return ref.connection;
  }

  /** A call on the leader, retried on the new one after a takeover. */
  async call<T>(fn: (c: CoordinatorConnection) => Promise<T>): Promise<T> {
    return this.client.change(async (c) => {
      this.leaderAddress = c.address;
      return fn(c);
    });
  }

  /** Times a coordinator became primary after the first one did. */
  takeovers(): number {
    const n = this.cluster.coordinators
      .flatMap((c) => c.events)
      .filter((e) => e.event === 'role' && e.role === 'primary').length;
    return Math.max(0, n - 1);
  }

  /** Pid of the coordinator the last call went to; −1 before any. */
  leaderPid(): number {
    return this.cluster.coordinators.find((c) => String(c.ready.address) === this.leaderAddress)?.pid ?? -1;
  }

  close(): void {
    this.client.close();
  }
}
