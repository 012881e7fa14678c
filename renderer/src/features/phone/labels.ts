/** Names of the phone's coded values: a known disposition code in the agent's language, any other as its code. */
import { useTranslation } from 'react-i18next';
import type { DEFAULT_DISPOSITIONS } from '../../../../common/calls/dispositions';
import type { Messages } from '../../i18n/zh-CN';
import { en } from '../../i18n/en';
import { zhCN } from '../../i18n/zh-CN';

type Known = (typeof DEFAULT_DISPOSITIONS)[number];

export function dispositionLabelIn(language: string): (code: string) => string {
  const names: Messages['phone']['disposition'] = language === 'en' ? en.phone.disposition : zhCN.phone.disposition;
  // Admins may add codes the console has no words for: those show as written.
  return (code) => (Object.hasOwn(names, code) ? names[code as Known] : code);
}

export function useDispositionLabel(): (code: string) => string {
  const { i18n } = useTranslation();
  return dispositionLabelIn(i18n.language);
}
