/**
 * The assignment screens' text in the console's language (renderer/src/i18n/assign.ts). Keys are flat with dots
 * in them (`mode.manual`), which i18next would read as nesting, so the lookup is direct; `{{name}}` is filled in.
 */
import { useTranslation } from 'react-i18next';
import { assignText, type AssignTextKey } from '../../../i18n/assign';

export type AssignT = (key: AssignTextKey, vars?: Readonly<Record<string, string | number>>) => string;

export function assignTextIn(language: string): AssignT {
  const table = assignText[language === 'en' ? 'en' : 'zh-CN'];
  return (key, vars = {}) => table[key].replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(vars[name] ?? ''));
}

export function useAssignText(): AssignT {
  const { i18n } = useTranslation();
  return assignTextIn(i18n.language);
}
