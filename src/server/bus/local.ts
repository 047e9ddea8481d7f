import type { AttackEvent } from '../../event/schema.js';
import type { Bus } from './types.js';

/** The in-process bus: synchronous fan-out to subscribers. */
export function createLocalBus(): Bus {
  const subs = new Set<(events: AttackEvent[]) => void>();
  return {
    publish(events) {
      for (const fn of subs) fn(events);
    },
    subscribe(fn) {
      subs.add(fn);
      return () => subs.delete(fn);
    },
    async close() {
      subs.clear();
    },
  };
}
