/** An option is out of range or inconsistent with another one. */
export class InvalidOptionsError extends Error {
  override readonly name = 'InvalidOptionsError' as const;
  constructor(
    readonly field: string,
    readonly value: unknown,
    reason: string,
  ) {
    super(`membership option ${field}=${JSON.stringify(value)}: ${reason}`);
  }
}

/** Member metadata is malformed (unknown role, non-string label…). */
export class InvalidMetaError extends Error {
  override readonly name = 'InvalidMetaError' as const;
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(`member metadata ${field}: ${reason}`);
  }
}

/** A seed or advertise address is not `host:port`. */
export class InvalidAddressError extends Error {
  override readonly name = 'InvalidAddressError' as const;
  constructor(readonly address: string) {
    super(`gossip address ${JSON.stringify(address)} is not host:port (e.g. 10.0.0.5:7946)`);
  }
}

/** The UDP socket could not be bound. */
export class BindError extends Error {
  override readonly name = 'BindError' as const;
  constructor(
    readonly host: string,
    readonly port: number,
    options?: { cause?: unknown },
  ) {
    super(
      `cannot bind gossip UDP socket on ${host}:${port}; is the port in use? pass bindPort 0 for a free one`,
      options,
    );
  }
}

/** An operation was called on a node that has stopped. */
export class MembershipStoppedError extends Error {
  override readonly name = 'MembershipStoppedError' as const;
  constructor(
    readonly nodeId: string,
    readonly operation: string,
  ) {
    super(`membership node ${nodeId} is stopped; cannot ${operation}. Start a new node instead`);
  }
}
