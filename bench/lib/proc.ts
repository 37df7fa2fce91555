// What the benches read from /proc about the processes they start (Linux only, like the benches).
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';

/** USER_HZ: the unit of /proc/<pid>/stat's CPU times, 100 on Linux. */
const TICK_S = 0.01;

/**
 * CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat; NaN when the
 * process is gone or unknown (pid −1), so that a cell prints "–" instead of ending the run.
 */
export function procCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name in parentheses may hold spaces: the fields start after its ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_S; // utime, stime
  } catch {
    return Number.NaN;
  }
}

/** CPU seconds (user + system) this process has used so far. */
export function selfCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** A `kB` field of /proc/<pid>/status (VmRSS, VmHWM, …) in bytes; NaN when absent or unreadable. */
export function procStatusBytes(pid: number, key: string): number {
  try {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** The 1-minute load average with two decimals, as every report's "load" column has it. */
export function load1(): string {
  return loadavg()[0]!.toFixed(2);
}

/** The 1-, 5- and 15-minute load averages with two decimals. */
export function loadAverages(): string[] {
  return loadavg().map((x) => x.toFixed(2));
}
