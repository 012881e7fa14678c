/**
 * The lobby display (叫号屏, a TV): the numbers being called, newest first and largest, and the next ones on each
 * line — live, as the desk host hears "queue changed" on the central server's live socket. Each new call is
 * announced politely to screen readers. Numbers and counters only: nothing about who took them.
 */
import { useCallback, useEffect, useState } from 'react';
import type { QueueBoard } from '../../../../common/kiosk/api';
import { LINE_INFO } from '../../../../common/kiosk/lines';
import { desk } from '../../api/desk';
import { kioskText } from '../../i18n/kiosk';
import { Bi, both } from './Bi';
import { KioskClock } from './KioskClock';
import { LobbySignIn } from './LobbySignIn';
import { useLobbySession } from './useLobbySession';
import { useLockdown } from './useLockdown';

function useBoard(enabled: boolean): QueueBoard | null {
  const [board, setBoard] = useState<QueueBoard | null>(null);
  const refresh = useCallback(() => {
    desk.queue.board().then(setBoard, () => {}); // offline: keep showing the last board until the next change
  }, []);
  useEffect(() => {
    if (!enabled) return;
    refresh();
    return desk.on('queue.changed', refresh);
  }, [enabled, refresh]);
  return board;
}

export function DisplayApp() {
  useLockdown();
  const { session, setSession } = useLobbySession();
  const board = useBoard(Boolean(session?.user));
  if (session === null) return null;
  if (!session.user) return <LobbySignIn onSignedIn={setSession} />;
  const [latest, ...earlier] = board?.called ?? [];
  return (
    <main className="kiosk kiosk-display" aria-label={both(kioskText('displayTitle'))}>
      <header className="kiosk-header">
        <h1 className="kiosk-company">
          <Bi text={kioskText('displayTitle')} />
        </h1>
        <KioskClock />
      </header>
      <section className="display-calling" aria-labelledby="display-calling-title">
        <h2 id="display-calling-title">
          <Bi text={kioskText('nowCalling')} />
        </h2>
        {/* Polite: the announcement waits for the screen reader to finish what it is saying. */}
        <div aria-live="polite" aria-atomic="true" className="display-latest">
          {latest && (
            <p>
              <span className="kiosk-number">{latest.label}</span>
              <Bi text={kioskText('counter', { counter: latest.counter })} className="display-counter" />
              <span className="visually-hidden">
                {both(kioskText('announce', { label: latest.label, counter: latest.counter }))}
              </span>
            </p>
          )}
        </div>
        <ul className="display-earlier" aria-label={both(kioskText('nowCalling'))}>
          {earlier.map((c) => (
            <li key={c.id}>
              <span className="display-label">{c.label}</span>{' '}
              <Bi text={kioskText('counter', { counter: c.counter })} />
            </li>
          ))}
        </ul>
      </section>
      <section className="display-next" aria-labelledby="display-next-title">
        <h2 id="display-next-title">
          <Bi text={kioskText('nextUp')} />
        </h2>
        <div className="display-lines">
          {(board?.next ?? []).map((line) => (
            <div key={line.line} className="display-line">
              <h3>
                <Bi
                  text={{
                    zh: `${line.line} · ${LINE_INFO[line.line].zh}`,
                    en: `${line.line} · ${LINE_INFO[line.line].en}`,
                  }}
                />
              </h3>
              {line.labels.length === 0 ? (
                <p>
                  <Bi text={kioskText('nobodyWaiting')} />
                </p>
              ) : (
                <ol aria-label={both(kioskText('waitingCount', { n: line.waiting }))}>
                  {line.labels.map((label) => (
                    <li key={label}>{label}</li>
                  ))}
                </ol>
              )}
            </div>
          ))}
        </div>
      </section>
    </main>
  );
}
