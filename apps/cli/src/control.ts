/** What every cluster command shares: the client's lifecycle, its failures as one line and an exit code. */
import { ClusterClient, ControlError } from '@idunno/client';

/** Exit codes of every cluster command and where it finds the coordinators, for the help texts. */
export const EXIT_CODES = `exit codes: 0 ok, 1 the coordinator refused the request (unknown job or model,
  job exists, bad input, two jobs already running, job completed), 2 bad usage,
  3 no cluster found or no coordinator answers (the cluster is down or a takeover
  did not finish in 5 s).
coordinators: ${'$'}IDUNNO_COORDINATORS (host:port,...) or .idunno/cluster.json
  here or in a parent (pnpm idunno up).`;

/**
 * The CLI's handling of a failed command: one `idunno: <message>` line on stderr, and the exit
 * code of the condition (1 refused, 3 no cluster/coordinator/leader). Other errors are rethrown
 * for main's handler (UsageError → 2).
 */
export function reportControlError(err: unknown, stderr: NodeJS.WritableStream = process.stderr): number {
  if (!(err instanceof ControlError)) throw err;
  stderr.write(`idunno: ${err.message.replace(/\s*\n\s*/g, ' ')}\n`);
  return err.exitCode;
}

/** Runs a command against the cluster found from the environment; ControlErrors become one line and an exit code. */
export async function withControl(run: (client: ClusterClient) => Promise<number>): Promise<number> {
  let client: ClusterClient | undefined;
  try {
    client = ClusterClient.fromEnvironment();
    return await run(client);
  } catch (err) {
    return reportControlError(err);
  } finally {
    client?.close();
  }
}

/** Writes one JSON document and a newline. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
