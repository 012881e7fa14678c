/**
 * i18next set-up: zh-CN by default, English on request; the choice survives reloads (localStorage) and
 * keeps `<html lang>` in step so screen readers and fonts pick the right language.
 */
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { assignText } from './assign';
import { en } from './en';
import { registerKioskTexts } from './kiosk';
import { registerLeadText } from './lead';
import { kpiText } from './kpi';
import { zhCN, type Messages } from './zh-CN';

export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

const STORAGE_KEY = 'desk.language';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: Messages };
  }
}

function storedLanguage(): Language {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return LANGUAGES.find((language) => language === value) ?? 'zh-CN';
  } catch {
    return 'zh-CN'; // storage can be disabled (e.g. a locked-down kiosk profile)
  }
}

export function initI18n(): typeof i18next {
  const lng = storedLanguage();
  document.documentElement.lang = lng;
  i18next.on('languageChanged', (language) => {
    document.documentElement.lang = language;
  });
  void i18next.use(initReactI18next).init({
    resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } },
    lng,
    fallbackLng: 'zh-CN',
    interpolation: { escapeValue: false }, // React escapes already
  });
  registerKioskTexts(i18next);
  for (const lng of LANGUAGES) i18next.addResourceBundle(lng, 'assign', assignText[lng]);
  registerLeadText(i18next);
  for (const lng of LANGUAGES) i18next.addResourceBundle(lng, 'kpi', kpiText[lng]);
  return i18next;
}

export function setLanguage(language: Language): void {
  try {
    localStorage.setItem(STORAGE_KEY, language);
  } catch {
    // not persisted, still switched for this session
  }
  void i18next.changeLanguage(language);
}

export function currentLanguage(): Language {
  return i18next.language === 'en' ? 'en' : 'zh-CN';
}
