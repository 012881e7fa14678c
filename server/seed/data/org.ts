/** Teams and staff of the demo property-management company. */
import type { Category, TicketType } from '../../../common/domain';

type TeamId = 'cs' | 'plumbing' | 'electrical' | 'lift' | 'cleaning' | 'security' | 'finance';

export const TEAMS: readonly { id: TeamId; nameZh: string; nameEn: string }[] = [
  { id: 'cs', nameZh: '客服中心', nameEn: 'Customer Service' },
  { id: 'plumbing', nameZh: '给排水维修', nameEn: 'Plumbing' },
  { id: 'electrical', nameZh: '电工', nameEn: 'Electrical' },
  { id: 'lift', nameZh: '电梯', nameEn: 'Lifts' },
  { id: 'cleaning', nameZh: '保洁', nameEn: 'Cleaning' },
  { id: 'security', nameZh: '安保秩序', nameEn: 'Security' },
  { id: 'finance', nameZh: '财务', nameEn: 'Finance' },
];

/** Technicians per trade team, numbered tech01… in this order. */
export const TECHNICIANS_PER_TEAM: readonly (readonly [TeamId, number])[] = [
  ['plumbing', 4],
  ['electrical', 4],
  ['lift', 2],
  ['cleaning', 3],
  ['security', 4],
];

export const AGENT_COUNT = 20;
export const LEAD_COUNT = 3;

/** The team that works a ticket of this category (repairs and complaints). */
export const TEAM_BY_CATEGORY: Record<Category, TeamId> = {
  plumbing: 'plumbing',
  electrical: 'electrical',
  lift: 'lift',
  access: 'electrical',
  cleaning: 'cleaning',
  security: 'security',
  noise: 'security',
  parking: 'security',
  fees: 'finance',
  other: 'cs',
};

export function teamFor(type: TicketType, category: Category): TeamId {
  if (type === 'fee') return 'finance';
  // Building-fabric repairs (外墙、屋面渗水) go to the waterproofing crew of the plumbing team.
  if (type === 'repair' && category === 'other') return 'plumbing';
  if (type === 'repair' || type === 'complaint') return TEAM_BY_CATEGORY[category];
  return 'cs';
}
