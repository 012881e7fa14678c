/**
 * At most one call per window: the first trigger fires at once, triggers inside the window collapse into one
 * trailing call at its end. A burst of commits thus costs a console two pokes, and the last one always follows
 * the last commit (nothing is left unannounced).
 */
export interface Coalescer {
  trigger(): void;
  /** Drops a pending trailing call and stops the timer. */
  cancel(): void;
}

export function createCoalescer(fire: () => void, windowMs: number): Coalescer {
  let timer: NodeJS.Timeout | null = null;
  let pending = false;

  const open = () => {
    timer = setTimeout(() => {
      timer = null;
      if (!pending) return;
      pending = false;
      fire();
      open();
    }, windowMs);
    timer.unref();
  };

  return {
    trigger() {
      if (timer) {
        pending = true;
        return;
      }
      fire();
      open();
    },
    cancel() {
      if (timer) clearTimeout(timer);
      timer = null;
      pending = false;
    },
  };
}
