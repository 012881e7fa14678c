/** While `open`, remembers what had focus before; when it closes, puts focus back there (if still in the page). */
import { useLayoutEffect } from 'react';

export function useReturnFocus(open: boolean): void {
  // A layout effect: it runs before the dialog's own effects move the focus.
  useLayoutEffect(() => {
    if (!open) return;
    const target = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    return () => {
      if (target?.isConnected) target.focus();
    };
  }, [open]);
}
