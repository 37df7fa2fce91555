// Child process of section 2: `timeLocally` for the request in the environment variable, run in
// a process the latency section starts with the workers' glibc settings; prints the per-image
// times as one JSON array on stdout.
import { LOCAL_PROBE_ENV, type LocalTimesRequest, timeLocally } from './local-times.js';

async function main(): Promise<void> {
  const raw = process.env[LOCAL_PROBE_ENV];
  if (raw === undefined)
    throw new Error(`${LOCAL_PROBE_ENV} is not set: this script is started by the cluster bench`);
  const req = JSON.parse(raw) as LocalTimesRequest;
  process.stdout.write(`${JSON.stringify(await timeLocally(req))}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(
      `local probe failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  },
);
