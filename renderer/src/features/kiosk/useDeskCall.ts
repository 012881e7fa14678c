/** One desk call at a time for a kiosk screen: busy while it runs, then its result or its refusal. */
import { useCallback, useState } from 'react';

export type CallState<T> =
  { state: 'idle' } | { state: 'busy' } | { state: 'done'; value: T } | { state: 'failed'; error: unknown };

export function useDeskCall<A extends unknown[], T>(call: (...args: A) => Promise<T>) {
  const [status, setStatus] = useState<CallState<T>>({ state: 'idle' });
  const run = useCallback(
    async (...args: A) => {
      setStatus({ state: 'busy' });
      try {
        setStatus({ state: 'done', value: await call(...args) });
      } catch (error) {
        setStatus({ state: 'failed', error });
      }
    },
    [call],
  );
  const reset = useCallback(() => setStatus({ state: 'idle' }), []);
  return { status, run, reset };
}
