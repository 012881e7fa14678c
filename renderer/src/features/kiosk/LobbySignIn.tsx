/** The lobby screen's sign-in, for staff setting the device up: a kiosk account only (the host refuses others). */
import { useCallback, useState, type FormEvent } from 'react';
import type { Session } from '../../../../common/contract';
import { desk } from '../../api/desk';
import { deskErrorMessage } from '../../api/errors';
import { kioskText } from '../../i18n/kiosk';
import { Bi } from './Bi';
import { BigButton, KioskField } from './KioskParts';
import { useDeskCall } from './useDeskCall';

export function LobbySignIn({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const signIn = useCallback(
    async (u: string, p: string) => {
      const session = await desk.kiosk.signIn({ username: u, password: p });
      onSignedIn(session);
      return session;
    },
    [onSignedIn],
  );
  const { status, run } = useDeskCall(signIn);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(username, password);
  };
  return (
    <main className="kiosk">
      <section className="kiosk-screen" aria-labelledby="lobby-signin-title">
        <h1 id="lobby-signin-title" className="kiosk-screen-title">
          <Bi text={kioskText('signInTitle')} />
        </h1>
        <p className="kiosk-hint">
          <Bi text={kioskText('signInHint')} />
        </p>
        <form className="kiosk-form" onSubmit={submit}>
          <KioskField
            id="lobby-username"
            label={kioskText('username')}
            value={username}
            onChange={setUsername}
            maxLength={64}
          />
          <div className="kiosk-field">
            <label htmlFor="lobby-password" aria-hidden="true">
              <Bi text={kioskText('password')} />
            </label>
            <input
              id="lobby-password"
              type="password"
              className="kiosk-input"
              aria-label={`${kioskText('password').zh} / ${kioskText('password').en}`}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </div>
          <BigButton
            type="submit"
            text={kioskText('signIn')}
            disabled={status.state === 'busy'}
            className="kiosk-primary"
          />
          {status.state === 'failed' && (
            <p role="alert" className="kiosk-error">
              <Bi text={kioskText('signInFailed', { reason: deskErrorMessage(status.error) })} />
            </p>
          )}
        </form>
      </section>
    </main>
  );
}
