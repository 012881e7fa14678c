/** The host's event fan-out: every contract event to every subscriber; one failing listener harms no other. */
import type { EventName, EventPayload } from '../common/contract';
import type { DeskEventListener } from './host';

export type Emit = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

export interface EventHub {
  emit: Emit;
  subscribe(listener: DeskEventListener): () => void;
}

export function createEventHub(onListenerError: (err: unknown) => void = () => {}): EventHub {
  const listeners = new Set<DeskEventListener>();
  return {
    emit(event, payload) {
      for (const listener of [...listeners]) {
        try {
          listener(event, payload);
        } catch (err) {
          onListenerError(err);
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}
