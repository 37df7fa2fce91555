import { createHmac, timingSafeEqual } from 'node:crypto';
import { join } from 'node:path';
import { PROTO_DIR } from '@idunno/proto';
import protobuf from 'protobufjs';
import type { MemberMeta, MemberState, Role } from './types.js';

/** Wire protocol version carried by every datagram; receivers drop other versions. */
export const PROTOCOL_VERSION = 1;

/** Longest node id, address, model name or label accepted from the wire. */
export const MAX_WIRE_STRING = 512;

/** One member's state as it travels (piggybacked updates, push-pull). */
export interface WireUpdate {
  id: string;
  address: string;
  state: MemberState;
  incarnation: number;
  /** Carried by alive updates only. */
  meta: MemberMeta | undefined;
  /** Who raised the suspicion or declared the death; the member itself for alive and left. */
  from: string;
}

export type PacketBody =
  | { type: 'ping'; seq: number; target: string }
  | { type: 'ack'; seq: number }
  | { type: 'nack'; seq: number }
  | { type: 'pingReq'; seq: number; target: string; targetAddress: string }
  | { type: 'pushPull'; join: boolean; reply: boolean; members: WireUpdate[] }
  | { type: 'gossip' };

export interface Packet {
  from: string;
  body: PacketBody;
  updates: WireUpdate[];
}

export type DropReason = 'malformed' | 'version' | 'unauthenticated' | 'oversized';

export type DecodeResult = { ok: true; packet: Packet } | { ok: false; reason: DropReason; detail: string };

export interface CodecOptions {
  /** Shared secret; when set every datagram carries HMAC-SHA256 and others are rejected. */
  clusterKey?: string | Uint8Array | undefined;
  /** @default 65507 bytes */
  maxDatagramBytes?: number;
}

const STATE_TO_WIRE: Record<MemberState, number> = { alive: 1, suspect: 2, dead: 3, left: 4 };
const WIRE_TO_STATE: readonly (MemberState | undefined)[] = [undefined, 'alive', 'suspect', 'dead', 'left'];
const ROLE_TO_WIRE: Record<Role, number> = { coordinator: 1, worker: 2 };
const WIRE_TO_ROLE: readonly (Role | undefined)[] = [undefined, 'coordinator', 'worker'];

interface Types {
  envelope: protobuf.Type;
  packet: protobuf.Type;
  update: protobuf.Type;
}

let types: Types | undefined;

function loadTypes(): Types {
  if (!types) {
    const root = protobuf.loadSync(join(PROTO_DIR, 'membership.proto'));
    types = {
      envelope: root.lookupType('idunno.membership.v1.Envelope'),
      packet: root.lookupType('idunno.membership.v1.Packet'),
      update: root.lookupType('idunno.membership.v1.Update'),
    };
  }
  return types;
}

type Plain = Record<string, unknown>;

function updateToWire(u: WireUpdate): Plain {
  const out: Plain = {
    id: u.id,
    address: u.address,
    state: STATE_TO_WIRE[u.state],
    incarnation: u.incarnation,
    from: u.from,
  };
  if (u.meta) {
    out.meta = {
      role: ROLE_TO_WIRE[u.meta.role],
      grpcAddress: u.meta.grpcAddress,
      models: u.meta.models,
      labels: u.meta.labels,
    };
  }
  return out;
}

function bodyToWire(body: PacketBody): Plain {
  switch (body.type) {
    case 'ping':
      return { ping: { seq: body.seq, target: body.target } };
    case 'ack':
      return { ack: { seq: body.seq } };
    case 'nack':
      return { nack: { seq: body.seq } };
    case 'pingReq':
      return { pingReq: { seq: body.seq, target: body.target, targetAddress: body.targetAddress } };
    case 'pushPull':
      return { pushPull: { join: body.join, reply: body.reply, members: body.members.map(updateToWire) } };
    case 'gossip':
      return {};
  }
}

/** Thrown inside decode only, turned into a `malformed` result. */
class WireError extends Error {}

function str(value: unknown, field: string, allowEmpty = true): string {
  if (value === undefined || value === null) value = '';
  if (typeof value !== 'string') throw new WireError(`${field} is not a string`);
  if (value.length > MAX_WIRE_STRING) throw new WireError(`${field} longer than ${MAX_WIRE_STRING}`);
  if (!allowEmpty && value.length === 0) throw new WireError(`${field} is empty`);
  return value;
}

function u32(value: unknown, field: string): number {
  if (value === undefined || value === null) return 0;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 0xffff_ffff) {
    throw new WireError(`${field} is not a uint32`);
  }
  return value;
}

function obj(value: unknown, field: string): Plain {
  if (typeof value !== 'object' || value === null) throw new WireError(`${field} is not a message`);
  return value as Plain;
}

function metaFromWire(value: Plain): MemberMeta {
  const role = WIRE_TO_ROLE[u32(value.role, 'meta.role')];
  if (!role) throw new WireError('meta.role is unknown');
  const models = value.models ?? [];
  if (!Array.isArray(models)) throw new WireError('meta.models is not a list');
  const labelsIn = obj(value.labels ?? {}, 'meta.labels');
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(labelsIn)) labels[str(k, 'label key')] = str(v, `label ${k}`);
  return {
    role,
    grpcAddress: str(value.grpcAddress, 'meta.grpcAddress'),
    models: models.map((m, i) => str(m, `meta.models[${i}]`)),
    labels,
  };
}

function updateFromWire(value: unknown): WireUpdate {
  const u = obj(value, 'update');
  const state = WIRE_TO_STATE[u32(u.state, 'update.state')];
  if (!state) throw new WireError('update.state is unknown');
  const meta = u.meta ? metaFromWire(obj(u.meta, 'update.meta')) : undefined;
  if (state === 'alive' && !meta) throw new WireError('alive update without meta');
  return {
    id: str(u.id, 'update.id', false),
    address: str(u.address, 'update.address'),
    state,
    incarnation: u32(u.incarnation, 'update.incarnation'),
    meta,
    from: str(u.from, 'update.from'),
  };
}

function updatesFromWire(value: unknown, field: string): WireUpdate[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new WireError(`${field} is not a list`);
  return value.map(updateFromWire);
}

function bodyFromWire(p: Plain): PacketBody {
  if (p.ping) {
    const b = obj(p.ping, 'ping');
    return { type: 'ping', seq: u32(b.seq, 'ping.seq'), target: str(b.target, 'ping.target', false) };
  }
  if (p.ack) return { type: 'ack', seq: u32(obj(p.ack, 'ack').seq, 'ack.seq') };
  if (p.nack) return { type: 'nack', seq: u32(obj(p.nack, 'nack').seq, 'nack.seq') };
  if (p.pingReq) {
    const b = obj(p.pingReq, 'pingReq');
    return {
      type: 'pingReq',
      seq: u32(b.seq, 'pingReq.seq'),
      target: str(b.target, 'pingReq.target', false),
      targetAddress: str(b.targetAddress, 'pingReq.targetAddress', false),
    };
  }
  if (p.pushPull) {
    const b = obj(p.pushPull, 'pushPull');
    return {
      type: 'pushPull',
      join: b.join === true,
      reply: b.reply === true,
      members: updatesFromWire(b.members, 'pushPull.members'),
    };
  }
  return { type: 'gossip' };
}

function versionBytes(version: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(version >>> 0);
  return b;
}

/** What the protocol core needs from a codec (the simulation can skip serialization). */
export interface PacketCodec {
  encode(packet: Packet): Uint8Array;
  decode(bytes: Uint8Array): DecodeResult;
  /** Encoded size of one update inside a packet. */
  updateSize(update: WireUpdate): number;
}

/**
 * Encodes and decodes gossip datagrams. Pure apart from HMAC computation; `decode` never throws:
 * every failure is a typed `{ ok: false, reason }` the caller counts.
 */
export class Codec implements PacketCodec {
  private readonly key: Buffer | undefined;
  private readonly maxDatagramBytes: number;
  private readonly t: Types;

  constructor(options: CodecOptions = {}) {
    const key = options.clusterKey;
    this.key =
      key === undefined || (typeof key === 'string' && key.length === 0)
        ? undefined
        : typeof key === 'string'
          ? Buffer.from(key, 'utf8')
          : Buffer.from(key);
    this.maxDatagramBytes = options.maxDatagramBytes ?? 65_507;
    this.t = loadTypes();
  }

  get authenticated(): boolean {
    return this.key !== undefined;
  }

  private mac(version: number, packet: Uint8Array): Buffer {
    // Key presence is checked by callers.
    return createHmac('sha256', this.key as Buffer)
      .update(versionBytes(version))
      .update(packet)
      .digest();
  }

  encode(packet: Packet): Uint8Array {
    const wire: Plain = { from: packet.from, ...bodyToWire(packet.body) };
    if (packet.updates.length > 0) wire.updates = packet.updates.map(updateToWire);
    const bytes = this.t.packet.encode(wire).finish();
    const envelope: Plain = { version: PROTOCOL_VERSION, packet: bytes };
    if (this.key) envelope.mac = this.mac(PROTOCOL_VERSION, bytes);
    return this.t.envelope.encode(envelope).finish();
  }

  /** Encoded size of one update inside a packet (field tag and length prefix included). */
  updateSize(update: WireUpdate): number {
    const n = this.t.update.encode(updateToWire(update)).finish().length;
    return n + 1 + (n < 128 ? 1 : n < 16_384 ? 2 : 3);
  }

  /** Size of a packet with this body and no updates, HMAC included. */
  overheadSize(from: string, body: PacketBody): number {
    return this.encode({ from, body, updates: [] }).length + 4;
  }

  decode(bytes: Uint8Array): DecodeResult {
    if (bytes.length > this.maxDatagramBytes) {
      return { ok: false, reason: 'oversized', detail: `${bytes.length} bytes` };
    }
    try {
      const env = this.t.envelope.decode(bytes) as unknown as Plain;
      const version = u32(env.version, 'version');
      if (version !== PROTOCOL_VERSION) {
        return { ok: false, reason: 'version', detail: `version ${version}, expected ${PROTOCOL_VERSION}` };
      }
      const inner = env.packet;
      if (!(inner instanceof Uint8Array)) throw new WireError('no packet');
      if (this.key) {
        const mac = env.mac;
        if (!(mac instanceof Uint8Array) || mac.length !== 32) {
          return { ok: false, reason: 'unauthenticated', detail: 'missing HMAC' };
        }
        if (!timingSafeEqual(mac, this.mac(version, inner))) {
          return { ok: false, reason: 'unauthenticated', detail: 'wrong HMAC' };
        }
      }
      const p = this.t.packet.decode(inner) as unknown as Plain;
      return {
        ok: true,
        packet: {
          from: str(p.from, 'from', false),
          body: bodyFromWire(p),
          updates: updatesFromWire(p.updates, 'updates'),
        },
      };
    } catch (err) {
      return { ok: false, reason: 'malformed', detail: err instanceof Error ? err.message : String(err) };
    }
  }
}

/**
 * Simulation-only codec: a packet travels as a 1-byte token that maps back to the (never mutated)
 * packet object, skipping protobuf. Sizes are estimates. Use `Codec` to measure bytes.
 */
export class ObjectCodec implements PacketCodec {
  private readonly packets = new WeakMap<Uint8Array, Packet>();

  encode(packet: Packet): Uint8Array {
    const token = new Uint8Array(1);
    this.packets.set(token, packet);
    return token;
  }

  decode(bytes: Uint8Array): DecodeResult {
    const packet = this.packets.get(bytes);
    return packet ? { ok: true, packet } : { ok: false, reason: 'malformed', detail: 'unknown token' };
  }

  updateSize(update: WireUpdate): number {
    return 16 + update.id.length + update.address.length + update.from.length + (update.meta ? 24 : 0);
  }
}
