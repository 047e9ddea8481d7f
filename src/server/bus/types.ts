/** The bus fans stored events out to the stream hub: in process, or through Redis across nodes. */
import type { AttackEvent } from '../../event/schema.js';

export interface Bus {
  /** Publishes stored events, in id order. */
  publish(events: AttackEvent[]): void;
  /** Calls `fn` with every published batch; returns the unsubscribe function. */
  subscribe(fn: (events: AttackEvent[]) => void): () => void;
  close(): Promise<void>;
}
