/** One button that flips between 中文 and English; labelled with the language it switches *to*. */
import { useTranslation } from 'react-i18next';
import { currentLanguage, setLanguage } from '../../i18n';

export function LanguageSwitch() {
  const { t } = useTranslation();
  const target = currentLanguage() === 'en' ? 'zh-CN' : 'en';
  return (
    <button
      type="button"
      className="link-button"
      lang={target}
      title={t('app.switchLanguageHint')}
      onClick={() => setLanguage(target)}
    >
      {t('app.switchLanguage')}
    </button>
  );
}
