/**
 * The command line that runs `command args…` inside the network namespace `netns` (one made by
 * `ip netns add`), or as given when `netns` is undefined. `ip netns exec` switches namespace and
 * then execs the command, so the child's pid is the command's own and signals sent to it reach it.
 */
export function inNetns(
  netns: string | undefined,
  command: string,
  args: readonly string[],
): { command: string; args: string[] } {
  if (netns === undefined) return { command, args: [...args] };
  return { command: 'ip', args: ['netns', 'exec', netns, command, ...args] };
}
