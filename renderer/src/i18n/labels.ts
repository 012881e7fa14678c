/** Localized labels for domain values (statuses, types, tags, …), re-rendered when the language changes. */
import { useTranslation } from 'react-i18next';
import type { ViewId } from '../../../common/contract';
import {
  RESIDENT_TAGS,
  STATUSES,
  TICKET_TYPES,
  type Category,
  type Channel,
  type ResidentTag,
  type Role,
  type Team,
  type TicketStatus,
  type TicketType,
} from '../../../common/domain';
import { WORKFLOW_DEFS } from '../../../common/workflows/definitions';
import { en } from './en';
import { zhCN, type Messages } from './zh-CN';

export interface Labels {
  /** The workflow step's name (common/workflows): the one name of a state, on the chip, the SOP card and menus. */
  status(type: TicketType, status: TicketStatus): string;
  type(type: TicketType): string;
  category(category: Category): string;
  channel(channel: Channel): string;
  /** A known tag's label; any other tag (free text) as it was typed. */
  tag(tag: string): string;
  /** Long form, e.g. "P1 紧急". */
  priority(priority: number): string;
  role(role: Role): string;
  view(view: ViewId): string;
  team(team: Team): string;
}

type StepLanguage = 'zh' | 'en';

/**
 * Status names by type, from the workflow steps. A status its type's workflow has no step for (data from an older
 * table) takes the name of the first workflow that has one, so every status has a name in every type.
 */
function statusNames(language: StepLanguage): Record<TicketType, Record<TicketStatus, string>> {
  const anyType = {} as Record<TicketStatus, string>;
  for (const type of TICKET_TYPES) {
    for (const step of WORKFLOW_DEFS[type].steps) anyType[step.status] ??= step.label[language];
  }
  const out = {} as Record<TicketType, Record<TicketStatus, string>>;
  for (const type of TICKET_TYPES) {
    const names = {} as Record<TicketStatus, string>;
    for (const status of STATUSES) names[status] = anyType[status] ?? status;
    for (const step of WORKFLOW_DEFS[type].steps) names[step.status] = step.label[language];
    out[type] = names;
  }
  return out;
}

const isKnownTag = (tag: string): tag is ResidentTag => (RESIDENT_TAGS as readonly string[]).includes(tag);

function labelsFor(messages: Messages, english: boolean): Labels {
  const statuses = statusNames(english ? 'en' : 'zh');
  return {
    status: (type, status) => statuses[type]?.[status] ?? status,
    type: (type) => messages.type[type],
    category: (category) => messages.category[category],
    channel: (channel) => messages.channel[channel],
    tag: (tag) => (isKnownTag(tag) ? messages.tag[tag] : tag),
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

/** The labels of a language, outside React (tests, code that already knows the language). */
export function labelsIn(language: string): Labels {
  return language === 'en' ? enLabels : zhLabels;
}

export function useLabels(): Labels {
  const { i18n } = useTranslation();
  return labelsIn(i18n.language);
}
