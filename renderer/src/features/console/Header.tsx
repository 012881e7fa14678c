/** Top bar: product name, who is signed in, their presence, language switch, sign-out. */
import { useTranslation } from 'react-i18next';
import type { User } from '../../../../common/domain';
import { useLogout } from '../../api/queries';
import { useLabels } from '../../i18n/labels';
import { PhoneSettings } from '../phone/PhoneSettings';
import { PresenceMenu } from '../phone/PresenceMenu';
import { LanguageSwitch } from './LanguageSwitch';
import { CalendarButton, WeatherToggle } from './sla/SlaControls';

export function Header({ user }: { user: User }) {
  const { t } = useTranslation();
  const labels = useLabels();
  const logout = useLogout();
  return (
    <header className="header">
      <h1 className="brand-name">{t('app.name')}</h1>
      <div className="header-user" role="group" aria-label={t('header.userLabel')}>
        <span className="user-name">{user.name}</span>
        <span className="user-role">{labels.role(user.role)}</span>
        {user.extension && <span className="user-extension">#{user.extension}</span>}
      </div>
      <PresenceMenu />
      <PhoneSettings />
      <WeatherToggle user={user} />
      <CalendarButton user={user} />
      <LanguageSwitch />
      <button type="button" className="link-button" disabled={logout.isPending} onClick={() => logout.mutate()}>
        {t('header.signOut')}
      </button>
    </header>
  );
}
