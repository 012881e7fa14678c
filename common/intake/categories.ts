/**
 * What intake suggests once the category is known (issue 4 item 5): ticket type, priority class and team.
 * Data, not code, so the service desk can review it; the agent can always override the suggestion.
 * Keyword hints raise the priority when the caller's words say it is worse (e.g. someone trapped in a lift).
 */
import type { Category, Priority, TEAM_IDS, TicketType } from '../domain';

export type TeamId = (typeof TEAM_IDS)[number];

export interface KeywordHint {
  /** Any of these in the title or description… */
  keywords: readonly string[];
  /** …suggests this priority class instead (only ever a more urgent one). */
  priority: Priority;
}

export interface CategoryRule {
  type: TicketType;
  priority: Priority;
  teamId: TeamId;
  hints: readonly KeywordHint[];
}

/** Life safety in any category: gas, fire, someone trapped or hurt (DESIGN.md §4, P0). */
const LIFE_SAFETY: KeywordHint = {
  keywords: ['燃气', '煤气', '着火', '起火', '火灾', '冒烟', '触电', '受伤', 'gas leak', 'fire', 'smoke'],
  priority: 0,
};

// prettier-ignore
export const CATEGORY_RULES: Readonly<Record<Category, CategoryRule>> = {
  lift: { type: 'repair', priority: 1, teamId: 'lift', hints: [
    { keywords: ['困', '被关', '关人', 'trapped', 'stuck inside'], priority: 0 },
  ] },
  plumbing: { type: 'repair', priority: 2, teamId: 'plumbing', hints: [
    { keywords: ['爆管', '水管爆', '爆裂', '跑水', '淹', 'burst', 'flood'], priority: 1 },
  ] },
  electrical: { type: 'repair', priority: 2, teamId: 'electrical', hints: [
    { keywords: ['漏电', '火花', '整栋停电', '整层停电', 'sparks', 'shock'], priority: 1 },
  ] },
  access: { type: 'repair', priority: 3, teamId: 'security', hints: [
    { keywords: ['进不去', '出不去', '锁在', 'locked out'], priority: 2 },
  ] },
  cleaning: { type: 'complaint', priority: 3, teamId: 'cleaning', hints: [] },
  security: { type: 'complaint', priority: 2, teamId: 'security', hints: [
    { keywords: ['盗', '打架', '闯入', 'break-in', 'fight'], priority: 1 },
  ] },
  noise: { type: 'complaint', priority: 3, teamId: 'cs', hints: [] },
  parking: { type: 'complaint', priority: 3, teamId: 'security', hints: [
    { keywords: ['堵住消防通道', '占用消防通道', 'fire lane'], priority: 2 },
  ] },
  fees: { type: 'fee', priority: 3, teamId: 'finance', hints: [] },
  other: { type: 'enquiry', priority: 3, teamId: 'cs', hints: [] },
};

export interface IntakeSuggestion {
  type: TicketType;
  priority: Priority;
  teamId: TeamId;
  /** The keyword that raised the priority, to show the agent why. */
  keyword: string | null;
}

/** The suggestion for a category, raised by the most urgent keyword found in `text` (title + description). */
export function suggestIntake(category: Category, text = ''): IntakeSuggestion {
  const rule = CATEGORY_RULES[category];
  const haystack = text.toLowerCase();
  let priority = rule.priority;
  let keyword: string | null = null;
  for (const hint of [...rule.hints, LIFE_SAFETY]) {
    if (hint.priority >= priority) continue;
    const hit = hint.keywords.find((k) => haystack.includes(k.toLowerCase()));
    if (hit) {
      priority = hint.priority;
      keyword = hit;
    }
  }
  return { type: rule.type, priority, teamId: rule.teamId, keyword };
}
