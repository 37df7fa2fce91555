/**
 * Can the workers read a job's inputs? A local path is read by the worker that runs the query, on
 * its own machine: fine when every worker runs where the coordinator does (one machine, or paths
 * mounted everywhere), a job that can never finish otherwise. URLs (http, https, synthetic) are
 * read the same from anywhere.
 */
import { networkInterfaces } from 'node:os';
import type { Query } from '@idunno/state';
import type { WorkerInfo } from './workers.js';

/** True for an input a worker reads from its own filesystem (a path or a file:// URL). */
export function isLocalInput(uri: string): boolean {
  return !/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(uri) || /^file:\/\//i.test(uri);
}

/** The host part of `host:port` (brackets of an IPv6 address removed). */
export function hostOf(address: string): string {
  const m = /^\[([^\]]+)\]:\d+$/.exec(address) ?? /^(.*):\d+$/.exec(address);
  return (m?.[1] ?? address).toLowerCase();
}

/** Whether an address names this machine: loopback, or one of its interfaces' addresses. */
export type ThisMachine = (host: string) => boolean;

/** This process's view of its machine: loopback names and every address of its interfaces. */
export function thisMachine(): ThisMachine {
  const own = new Set(['localhost', '::1']);
  for (const list of Object.values(networkInterfaces()))
    for (const a of list ?? []) own.add(a.address.toLowerCase());
  return (host) => own.has(host) || host.startsWith('127.');
}

/** Workers whose address is on another machine than this one. */
export function remoteWorkers(workers: readonly WorkerInfo[], isThisMachine: ThisMachine): WorkerInfo[] {
  return workers.filter((w) => !isThisMachine(hostOf(w.address)));
}

/**
 * Why workers elsewhere could not read these queries, or undefined when they can: the first local
 * input and the workers on other hosts, in words a user acts on.
 */
export function unreachableInputs(
  queries: readonly Query[],
  remote: readonly WorkerInfo[],
): string | undefined {
  if (remote.length === 0) return undefined;
  const local = queries.find((q) => isLocalInput(q.uri));
  if (!local) return undefined;
  const names = remote
    .slice(0, 3)
    .map((w) => `${w.id} (${hostOf(w.address)})`)
    .join(', ');
  const more = remote.length > 3 ? ` and ${remote.length - 3} more` : '';
  return (
    `the inputs are local paths on the coordinator's machine (e.g. ${JSON.stringify(local.uri.slice(0, 120))}), ` +
    `but workers ${names}${more} run on other hosts and cannot read them: serve the files over http(s) ` +
    `and add the URLs, or pass --shared-filesystem if these paths are mounted on every worker`
  );
}
