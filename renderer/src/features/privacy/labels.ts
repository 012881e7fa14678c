/** Names of audited acts in the agent's language; an action without one (written before this list) shows as is. */
import { en } from '../../i18n/en';
import { zhCN } from '../../i18n/zh-CN';

type ActionLabels = Readonly<Record<string, string>>;

/** The actions the screen offers as filters: every one with a name. */
export const LABELLED_AUDIT_ACTIONS: readonly string[] = Object.keys(zhCN.privacy.actions);

export function auditActionLabel(action: string, language: string): string {
  const labels: ActionLabels = language === 'en' ? en.privacy.actions : zhCN.privacy.actions;
  return Object.hasOwn(labels, action) ? (labels[action] ?? action) : action;
}
