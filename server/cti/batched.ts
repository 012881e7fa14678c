/**
 * Lookups asked for in the same turn of the event loop, answered by one `load` of all of them: a group's requests
 * plan side by side (./ingest-group), and each one's lookup (is this caller blocked?) would otherwise be a statement
 * of its own. `load` answers the asks in their order.
 */
export function batched<A, V>(load: (asks: A[]) => Promise<V[]>): (ask: A) => Promise<V> {
  let waiting: Array<{ ask: A; resolve: (v: V) => void; reject: (err: unknown) => void }> = [];
  const flush = () => {
    const batch = waiting;
    waiting = [];
    load(batch.map((w) => w.ask)).then(
      (values) => batch.forEach((w, i) => w.resolve(values[i] as V)),
      (err: unknown) => batch.forEach((w) => w.reject(err)),
    );
  };
  return (ask) =>
    new Promise<V>((resolve, reject) => {
      // After every promise callback of this turn: the other plans reach their lookups in those.
      if (waiting.length === 0) setImmediate(flush);
      waiting.push({ ask, resolve, reject });
    });
}
