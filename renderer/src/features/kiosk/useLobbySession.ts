/** Whether the lobby screen's desk is signed in (a kiosk account), following sign-ins and sign-outs. */
import { useEffect, useState } from 'react';
import type { Session } from '../../../../common/contract';
import { desk } from '../../api/desk';

export function useLobbySession(): { session: Session | null; setSession: (s: Session) => void } {
  const [session, setSession] = useState<Session | null>(null);
  useEffect(() => {
    let live = true;
    void desk.session.me().then(
      (s) => live && setSession(s),
      () => {},
    );
    const off = desk.on('session.changed', setSession);
    return () => {
      live = false;
      off();
    };
  }, []);
  return { session, setSession };
}
