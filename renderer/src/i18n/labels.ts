/** Localized labels for domain values (statuses, types, …), re-rendered when the language changes. */
import { useTranslation } from 'react-i18next';
import type { ViewId } from '../../../common/contract';
import type { Category, Channel, Role, Team, TicketStatus, TicketType } from '../../../common/domain';
import { en } from './en';
import { zhCN, type Messages } from './zh-CN';

export interface Labels {
  status(type: TicketType, status: TicketStatus): string;
  type(type: TicketType): string;
  category(category: Category): string;
  channel(channel: Channel): string;
  /** Long form, e.g. "P1 紧急". */
  priority(priority: number): string;
  role(role: Role): string;
  view(view: ViewId): string;
  team(team: Team): string;
}

function labelsFor(messages: Messages, english: boolean): Labels {
  return {
    status: (type, status) => messages.statusForType[type]?.[status] ?? messages.status[status],
    type: (type) => messages.type[type],
    category: (category) => messages.category[category],
    channel: (channel) => messages.channel[channel],
    priority: (priority) => messages.priority[String(priority) as keyof Messages['priority']] ?? `P${priority}`,
    role: (role) => messages.role[role],
    view: (view) =>
      view.startsWith('team.')
        ? messages.views.team[view.slice(5) as keyof Messages['views']['team']]
        : messages.views[view as Exclude<ViewId, `team.${string}`>],
    team: (team) => (english ? team.nameEn : team.nameZh),
  };
}

const zhLabels = labelsFor(zhCN, false);
const enLabels = labelsFor(en, true);

export function useLabels(): Labels {
  const { i18n } = useTranslation();
  return i18n.language === 'en' ? enLabels : zhLabels;
}
