/** Sign-in form. The desk host talks to the central server; we only pass the credentials through. */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { deskErrorCode, deskErrorMessage } from '../../api/errors';
import { useLogin } from '../../api/queries';
import { LanguageSwitch } from './LanguageSwitch';

/** Host error codes that mean "wrong username or password" rather than "something broke". */
const BAD_CREDENTIALS = /credential|unauthori[sz]ed|forbidden|401|auth/i;

export function LoginScreen() {
  const { t } = useTranslation();
  const login = useLogin();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');

  function submit(event: FormEvent) {
    event.preventDefault();
    if (login.isPending) return;
    login.mutate({ username, password }, { onError: () => setPassword('') });
  }

  const error = login.error;
  const errorText = error
    ? BAD_CREDENTIALS.test(deskErrorCode(error) ?? '')
      ? t('login.badCredentials')
      : t('login.failed', { message: deskErrorMessage(error) })
    : null;

  return (
    <main className="login">
      <form className="login-card" onSubmit={submit} aria-busy={login.isPending} aria-labelledby="login-title">
        <div className="login-brand">
          <span className="brand-name">{t('app.name')}</span>
          <LanguageSwitch />
        </div>
        <h1 id="login-title">{t('login.title')}</h1>
        <label htmlFor="login-username">{t('login.username')}</label>
        <input
          id="login-username"
          name="username"
          autoComplete="username"
          autoFocus
          required
          value={username}
          onChange={(e) => setUsername(e.target.value)}
        />
        <label htmlFor="login-password">{t('login.password')}</label>
        <input
          id="login-password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        {errorText && (
          <p className="form-error" role="alert">
            {errorText}
          </p>
        )}
        <button type="submit" className="primary" disabled={login.isPending}>
          {login.isPending ? t('login.busy') : t('login.submit')}
        </button>
      </form>
    </main>
  );
}
