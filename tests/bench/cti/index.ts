/**
 * The `cti` bench group (issue 10, DESIGN.md §9): caller-ID lookup at 200k residents (cti.lookup_p95_ms), the screen
 * pop from the local hook (cti.pop_p95_ms) and from the Zammad-compatible webhook via the server
 * (cti.pop_central_p95_ms), and the webhook events the server takes a second (cti.events_per_s, and .postgres).
 * Each bench prepares its own data, in its own file; the pop and events benches share one demo server and signed-in
 * profile (./desk-fixture), made by the first of them that runs and disposed with the group.
 */
import type { BenchGroup } from '../types';
import { disposeCtiFixture } from './desk-fixture';
import { eventsBench, eventsPostgresBench } from './events';
import { lookupBench } from './lookup';
import { disposePopSession, popBench, popCentralBench } from './pop';

/** The pop benches' browser and host go before the events bench loads the server (the desk would get its calls). */
const closeConsole = {
  name: 'close the console of the pop benches',
  keys: [] as const,
  async run() {
    await disposePopSession();
    return [];
  },
};

export const ctiGroup: BenchGroup = {
  name: 'cti',
  description: 'phone: caller-ID lookup, screen pops (local hook, webhook via the server), webhook events/s (issue 10)',
  setup() {
    return Promise.resolve({
      benches: [lookupBench(), popBench(), popCentralBench(), closeConsole, eventsBench(), eventsPostgresBench()],
      async dispose() {
        await disposePopSession();
        await disposeCtiFixture();
      },
    });
  },
};
