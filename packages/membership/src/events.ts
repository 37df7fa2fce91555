import type { MembershipEvent, MembershipEventKind } from './types.js';

export type MembershipListener = (event: MembershipEvent) => void;

/**
 * A tiny typed event stream: listen to one kind, or to `change` for all of them. Listener errors
 * are reported to `onListenerError` and never reach the protocol.
 */
export class MembershipEvents {
  private readonly listeners = new Map<MembershipEventKind | 'change', Set<MembershipListener>>();

  constructor(private readonly onListenerError: (err: unknown) => void) {}

  /** Subscribes; returns the unsubscribe function. */
  on(kind: MembershipEventKind | 'change', listener: MembershipListener): () => void {
    let set = this.listeners.get(kind);
    if (!set) {
      set = new Set();
      this.listeners.set(kind, set);
    }
    set.add(listener);
    return () => this.off(kind, listener);
  }

  off(kind: MembershipEventKind | 'change', listener: MembershipListener): void {
    this.listeners.get(kind)?.delete(listener);
  }

  emit(event: MembershipEvent): void {
    for (const key of [event.kind, 'change'] as const) {
      const set = this.listeners.get(key);
      if (!set) continue;
      for (const listener of set) {
        try {
          listener(event);
        } catch (err) {
          this.onListenerError(err);
        }
      }
    }
  }
}
