import { mulberry32 } from '@idunno/random';
import { describe, expect, it } from 'vitest';
import { Codec, type Packet, PROTOCOL_VERSION } from './codec.js';
import { Simulation } from './sim.js';

const meta = {
  role: 'worker' as const,
  grpcAddress: '10.0.0.1:50051',
  models: ['vit-tiny'],
  labels: { zone: 'a' },
};

const samples: Packet[] = [
  { from: 'a', body: { type: 'ping', seq: 1, target: 'b' }, updates: [] },
  { from: 'a', body: { type: 'ack', seq: 4_294_967_295 }, updates: [] },
  { from: 'a', body: { type: 'nack', seq: 7 }, updates: [] },
  { from: 'a', body: { type: 'pingReq', seq: 9, target: 'c', targetAddress: '10.0.0.3:7946' }, updates: [] },
  {
    from: 'a',
    body: {
      type: 'pushPull',
      join: true,
      reply: true,
      members: [{ id: 'a', address: '10.0.0.1:7946', state: 'alive', incarnation: 3, meta, from: 'a' }],
    },
    updates: [],
  },
  {
    from: 'a',
    body: { type: 'gossip' },
    updates: [
      { id: 'b', address: '10.0.0.2:7946', state: 'suspect', incarnation: 2, meta: undefined, from: 'a' },
      { id: 'c', address: '10.0.0.3:7946', state: 'dead', incarnation: 5, meta: undefined, from: 'd' },
      { id: 'e', address: '10.0.0.5:7946', state: 'left', incarnation: 1, meta: undefined, from: 'e' },
      { id: 'f', address: '10.0.0.6:7946', state: 'alive', incarnation: 0, meta, from: 'f' },
    ],
  },
];

describe('codec', () => {
  it('round-trips every packet kind, with and without a cluster key', () => {
    for (const codec of [new Codec(), new Codec({ clusterKey: 'secret' })]) {
      for (const packet of samples) {
        const result = codec.decode(codec.encode(packet));
        expect(result).toEqual({ ok: true, packet });
      }
    }
  });

  it('never throws on random bytes', () => {
    const codec = new Codec();
    const random = mulberry32(42);
    for (let i = 0; i < 5000; i++) {
      const bytes = new Uint8Array(Math.floor(random() * 200));
      for (let j = 0; j < bytes.length; j++) bytes[j] = Math.floor(random() * 256);
      const result = codec.decode(bytes);
      if (result.ok) expect(typeof result.packet.from).toBe('string');
    }
  });

  it('never throws on truncations and bit flips of valid datagrams', () => {
    const random = mulberry32(7);
    for (const codec of [new Codec(), new Codec({ clusterKey: 'k' })]) {
      for (const packet of samples) {
        const bytes = codec.encode(packet);
        for (let len = 0; len < bytes.length; len++) codec.decode(bytes.subarray(0, len));
        for (let i = 0; i < 300; i++) {
          const copy = Uint8Array.from(bytes);
          const bit = Math.floor(random() * copy.length * 8);
          copy[bit >> 3] = (copy[bit >> 3] as number) ^ (1 << (bit & 7));
          const result = codec.decode(copy);
          // With a key, any flip inside the authenticated packet must be caught.
          if (codec.authenticated && result.ok) expect(result.packet).toEqual(packet);
        }
      }
    }
  });

  it('rejects oversized datagrams unread', () => {
    const codec = new Codec({ maxDatagramBytes: 1000 });
    expect(codec.decode(new Uint8Array(1001))).toMatchObject({ ok: false, reason: 'oversized' });
  });

  it('rejects a datagram with a wrong or missing HMAC', () => {
    const sender = new Codec({ clusterKey: 'wrong' });
    const plain = new Codec();
    const receiver = new Codec({ clusterKey: 'right' });
    const packet = samples[0] as Packet;
    expect(receiver.decode(sender.encode(packet))).toMatchObject({ ok: false, reason: 'unauthenticated' });
    expect(receiver.decode(plain.encode(packet))).toMatchObject({ ok: false, reason: 'unauthenticated' });
  });

  it('rejects another protocol version', () => {
    // Envelope{version=2, packet=""}: field 1 varint 2, field 2 length 0.
    const bytes = Uint8Array.from([0x08, PROTOCOL_VERSION + 1, 0x12, 0x00]);
    expect(new Codec().decode(bytes)).toMatchObject({ ok: false, reason: 'version' });
  });

  it('a node with the wrong cluster key is never let in, and its datagrams are counted', () => {
    const sim = new Simulation({ clusterKey: 'right', profile: 'local' });
    const a = sim.addNode('a');
    sim.addNode('b', ['a']);
    sim.runUntil(() => sim.converged(), 5000);
    const bytes = new Codec({ clusterKey: 'wrong' }).encode(samples[0] as Packet);
    // Deliver a forged datagram straight to a's receive handler.
    sim.node('a').handler?.(bytes, 'evil:1');
    sim.node('a').handler?.(Uint8Array.from([1, 2, 3]), 'evil:1');
    const c = a.snapshotCounters();
    expect(c.droppedUnauthenticated).toBe(1);
    expect(c.droppedMalformed).toBe(1);
    expect(c.dropped).toBe(2);
    expect(a.members().map((m) => m.id)).toEqual(['a', 'b']);
  });
});
