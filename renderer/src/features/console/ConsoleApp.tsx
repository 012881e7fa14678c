/** The console's root: wires host events, then shows the login screen or the console by session state. */
import { useTranslation } from 'react-i18next';
import { deskErrorMessage } from '../../api/errors';
import { useDeskEvents, useSession } from '../../api/queries';
import { ConsoleLayout } from './ConsoleLayout';
import { LoginScreen } from './LoginScreen';
import { SiteTimeZoneSync } from './SiteTimeZoneSync';

export function ConsoleApp() {
  const { t } = useTranslation();
  useDeskEvents();
  const session = useSession();

  if (session.isPending) {
    return (
      <p className="app-message" role="status">
        {t('app.loading')}
      </p>
    );
  }
  if (session.isError) {
    return (
      <div className="app-message">
        <p role="alert">{t('app.connectFailed', { message: deskErrorMessage(session.error) })}</p>
        <button type="button" onClick={() => void session.refetch()}>
          {t('app.retry')}
        </button>
      </div>
    );
  }
  const user = session.data.user;
  return user ? (
    <>
      <SiteTimeZoneSync />
      <ConsoleLayout user={user} />
    </>
  ) : (
    <LoginScreen />
  );
}
