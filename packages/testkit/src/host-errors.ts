/** Test hosts cannot be made on this machine (not root, `ip` or `nft` missing, namespaces refused). */
export class TestNetworkUnsupportedError extends Error {
  override readonly name = 'TestNetworkUnsupportedError';
  constructor(readonly reason: string) {
    super(`cannot create test hosts here: ${reason} (check testNetworkSupport() first and skip the test)`);
  }
}

/** An `ip`, `nft` or `tc` command that builds, faults or removes test hosts failed. */
export class TestNetworkCommandError extends Error {
  override readonly name = 'TestNetworkCommandError';
  constructor(
    readonly command: readonly string[],
    readonly code: number | null,
    readonly stderr: string,
    options?: ErrorOptions,
  ) {
    super(`${command.join(' ')} failed (exit ${code}): ${stderr.trim() || '(no output)'}`, options);
  }
}

/** A {@link createTestNetwork} option that cannot work; fails before anything is created. */
export class InvalidTestNetworkOptionError extends Error {
  override readonly name = 'InvalidTestNetworkOptionError';
  constructor(
    readonly option: string,
    readonly value: unknown,
    reason: string,
  ) {
    super(`${option} ${reason}, got ${JSON.stringify(value)}`);
  }
}

/** A host name (or host) that is not one of this network's. */
export class UnknownTestHostError extends Error {
  override readonly name = 'UnknownTestHostError';
  constructor(
    readonly host: string,
    readonly known: readonly string[],
  ) {
    super(`no test host "${host}" in this network (hosts: ${known.join(', ')})`);
  }
}

/** A fault asked for with arguments that make no sense (a loss over 100 %, a host blocked from itself). */
export class InvalidFaultError extends Error {
  override readonly name = 'InvalidFaultError';
  constructor(
    readonly fault: string,
    readonly option: string,
    readonly value: unknown,
    reason: string,
  ) {
    super(`${fault}: ${option} ${reason}, got ${JSON.stringify(value)}`);
  }
}

/**
 * A fault this machine (or the kit) cannot inject. `feature` names what is missing, e.g. the
 * kernel's netem qdisc for `delay`.
 */
export class FaultNotSupportedError extends Error {
  override readonly name = 'FaultNotSupportedError';
  constructor(
    readonly fault: string,
    readonly feature: string,
    detail: string,
  ) {
    super(`${fault} is not supported here: it needs ${feature}; ${detail}`);
  }
}

/** Every /24 of the test range is routed already (other test networks, or the machine's own). */
export class NoFreeSubnetError extends Error {
  override readonly name = 'NoFreeSubnetError';
  constructor(readonly range: string) {
    super(
      `no free /24 in ${range} for a test network: remove stale ones (sweepStaleTestNetworks) or the routes that cover it`,
    );
  }
}

/** A network used after `destroy()`. */
export class TestNetworkDestroyedError extends Error {
  override readonly name = 'TestNetworkDestroyedError';
  constructor(readonly id: string) {
    super(`test network ${id} was destroyed; create a new one`);
  }
}
