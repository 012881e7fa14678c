/** The dashboard's text in the UI language (renderer/src/i18n/kpi.ts) and the metrics' names and definitions. */
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { KpiDefinition } from '../../../../common/kpi';
import { kpiText, type KpiTextKey } from '../../i18n/kpi';

export type KpiLanguage = keyof typeof kpiText;
export type KpiT = (key: KpiTextKey, vars?: Record<string, string | number>) => string;

export function useKpiText(): { t: KpiT; language: KpiLanguage } {
  const { i18n } = useTranslation();
  const language: KpiLanguage = i18n.language === 'en' ? 'en' : 'zh-CN';
  return useMemo(() => {
    const messages: Record<KpiTextKey, string> = kpiText[language];
    const t: KpiT = (key, vars = {}) =>
      messages[key].replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(vars[name] ?? ''));
    return { t, language };
  }, [language]);
}

export const metricName = (k: KpiDefinition, language: KpiLanguage) => (language === 'en' ? k.nameEn : k.nameZh);
export const metricDefinition = (k: KpiDefinition, language: KpiLanguage) =>
  language === 'en' ? k.definitionEn : k.definitionZh;
