import * as grpc from '@grpc/grpc-js';
import { fromServiceError, NotLeaderError, RemoteError } from '@idunno/client';
import type { Member } from '@idunno/membership';
import { TooManyJobsError } from '@idunno/scheduler';
import { JobNotFoundError } from '@idunno/state';
import { describe, expect, it } from 'vitest';
import { toStatus } from './control-service.js';
import {
  gossipPeerView,
  gossipWorkerDirectory,
  type MembershipView,
  memberViews,
} from './gossip-directory.js';

const member = (
  id: string,
  role: 'worker' | 'coordinator',
  state: Member['state'],
  grpcAddress = `${id}:50051`,
): Member => ({
  id,
  address: `${id}:7946`,
  state,
  incarnation: 3,
  meta: {
    role,
    grpcAddress,
    models: role === 'worker' ? ['tiny'] : [],
    labels: { dashboard: `http://${id}` },
  },
  since: 0,
});

/** A membership's current view: the adapters only read it, so a list stands in for the node. */
function view(members: Member[]): MembershipView & { changed: () => void } {
  const listeners: (() => void)[] = [];
  return {
    members: () => members,
    member: (id) => members.find((m) => m.id === id),
    on: (_kind, listener) => {
      listeners.push(() => listener({ kind: 'updated', member: members[0]! } as never));
      return () => {};
    },
    changed: () => {
      for (const l of listeners) l();
    },
  };
}

describe('gossip as the coordinator reads it', () => {
  const members = [
    member('w-alive', 'worker', 'alive'),
    member('w-suspect', 'worker', 'suspect'),
    member('w-dead', 'worker', 'dead'),
    member('w-left', 'worker', 'left'),
    member('w-nogrpc', 'worker', 'alive', ''),
    member('c1', 'coordinator', 'alive'),
    member('c2', 'coordinator', 'dead'),
  ];

  it('dispatches to alive and suspect workers that serve gRPC, not to dead, left or coordinators', () => {
    const dir = gossipWorkerDirectory(view(members));
    expect(dir.workers()).toEqual([
      { id: 'w-alive', address: 'w-alive:50051' },
      { id: 'w-suspect', address: 'w-suspect:50051' },
    ]);
  });

  it('tells the directory’s listener about every membership change', () => {
    const v = view(members);
    let calls = 0;
    gossipWorkerDirectory(v).onChange(() => calls++);
    v.changed();
    v.changed();
    expect(calls).toBe(2);
  });

  it('names a peer’s control address and since when it is dead or left', () => {
    const peers = gossipPeerView(view(members));
    expect(peers.controlAddress('c1')).toBe('c1:50051');
    expect(peers.controlAddress('nobody')).toBeUndefined();
    expect(peers.deadSince('c1')).toBeUndefined();
    expect(peers.deadSince('c2')).toBe(0);
    expect(peers.deadSince('w-left')).toBe(0);
    expect(peers.deadSince('nobody')).toBeUndefined();
  });

  it('lists members once for the control API and the dashboard: gRPC address first, labels kept', () => {
    const rows = memberViews(view([member('w1', 'worker', 'alive'), member('w2', 'worker', 'alive', '')]));
    expect(rows[0]).toEqual({
      id: 'w1',
      role: 'worker',
      state: 'alive',
      address: 'w1:50051',
      models: ['tiny'],
      incarnation: 3,
      labels: { dashboard: 'http://w1' },
    });
    expect(rows[1]?.address).toBe('w2:7946');
  });
});

describe('control-service refusals', () => {
  it('carry the error class and fields, so a client rebuilds NotLeaderError without reading text', () => {
    const err = toStatus(new NotLeaderError('c2', 'c1'));
    expect(err.code).toBe(grpc.status.FAILED_PRECONDITION);
    const rebuilt = fromServiceError(err);
    expect(rebuilt).toBeInstanceOf(NotLeaderError);
    expect(rebuilt).toMatchObject({ nodeId: 'c2', leaderId: 'c1' });
  });

  it('map each class to its status and keep the CLI hint for two jobs already running', () => {
    const missing = toStatus(new JobNotFoundError('j'));
    expect(missing.code).toBe(grpc.status.NOT_FOUND);
    expect(fromServiceError(missing)).toMatchObject({
      remoteName: 'JobNotFoundError',
      fields: { jobId: 'j' },
    });
    expect(fromServiceError(missing)).toBeInstanceOf(RemoteError);
    const busy = toStatus(new TooManyJobsError(2, 2));
    expect(busy.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(busy.details).toMatch(/stop one \(idunno stop-job <job>\)/);
    expect(toStatus(new Error('unexpected')).code).toBe(grpc.status.INTERNAL);
  });
});
