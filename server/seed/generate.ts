/**
 * Deterministic demo data for the central server (issue 2, item 3): a property-management company with projects,
 * buildings, units, residents and their phones, staff, two years of tickets with their event histories, and calls.
 *
 * Pure: the same {seed, size, now} gives byte-identical data (JSON.stringify), with no clock or Math.random.
 * Passwords are not here: the loader hashes them.
 */
import {
  CODE_PREFIX,
  NO_SLA,
  TICKET_TYPES,
  formatTicketCode,
  shanghaiDate,
  type Category,
  type Channel,
  type Role,
  type SlaMilestone,
  type TicketSla,
  type TicketStatus,
  type TicketType,
} from '../../common/domain';
import {
  computeDeadline,
  slaPolicy,
  ticketSla,
  type Pause,
  type SlaSubject,
  type TicketSlaContext,
} from '../../common/sla';
import { canTransition, isOpen } from '../../common/workflows';
import {
  CHARS_FEMALE,
  CHARS_MALE,
  FOREIGN_NAMES,
  GIVEN_ELDER_FEMALE,
  GIVEN_ELDER_MALE,
  GIVEN_YOUNG_FEMALE,
  GIVEN_YOUNG_MALE,
  SURNAMES,
} from './data/names';
import { AGENT_COUNT, LEAD_COUNT, TEAMS, TECHNICIANS_PER_TEAM, teamFor } from './data/org';
import { MOBILE_PREFIXES, PROJECTS, type ProjectSeed } from './data/places';
import {
  CALL_NOTES,
  CHANNELS_BY_TYPE,
  SLOTS,
  TEMPLATES,
  HOLDS,
  TYPE_WEIGHTS,
  WORKLOG,
  type TicketTemplate,
} from './data/tickets';
import { Rng, Sampler, type Weighted } from './prng';

export type DemoSize = 'small' | 'medium' | 'large';

export interface GenerateOptions {
  seed: number;
  size: DemoSize;
  now: Date;
}

export interface SizeProfile {
  projects: number;
  units: number;
  residents: number;
  tickets: number;
}

export const SIZES: Record<DemoSize, SizeProfile> = {
  small: { projects: 3, units: 8_000, residents: 15_000, tickets: 5_000 },
  // Half the large company: the initial-sync bench's 100k tickets (with their events and calls) and residents.
  medium: { projects: 6, units: 52_500, residents: 100_000, tickets: 100_000 },
  large: { projects: 12, units: 105_000, residents: 200_000, tickets: 200_000 },
};

export interface TeamRow {
  id: string;
  nameZh: string;
  nameEn: string;
}
export interface UserRow {
  id: string;
  username: string;
  name: string;
  role: Role;
  extension: string | null;
  teamId: string | null;
  createdAt: string;
}
export interface ProjectRow {
  id: string;
  name: string;
}
export interface BuildingRow {
  id: string;
  projectId: string;
  number: number;
  name: string;
}
export interface UnitRow {
  id: string;
  projectId: string;
  buildingId: string;
  code: string;
  areaM2: number;
}
export interface ResidentRow {
  id: string;
  name: string;
  tags: string[];
  createdAt: string;
}
export interface ResidentPhoneRow {
  residentId: string;
  raw: string;
  e164: string | null;
}
export type Relation = 'owner' | 'tenant' | 'family';
export interface ResidentUnitRow {
  residentId: string;
  unitId: string;
  relation: Relation;
}
export interface TicketRow {
  id: string;
  code: string;
  type: TicketType;
  category: Category;
  channel: Channel;
  priority: number;
  status: TicketStatus;
  title: string;
  description: string;
  unitId: string | null;
  unitCode: string | null;
  residentId: string | null;
  residentName: string | null;
  phone: string | null;
  teamId: string | null;
  assigneeId: string | null;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  version: number;
  /** SLA fields replayed over the history with the shared clock (common/sla/ticket-sla.ts), default policy. */
  sla: TicketSla;
}
export interface TicketCodeCounterRow {
  /** Code prefix and Shanghai date, e.g. "BX-2026-11-26": the key server/tickets/codes.ts allocates from. */
  prefixDay: string;
  last: number;
}
export type TicketEventKind = 'created' | 'comment' | 'status' | 'assign';
export interface TicketEventRow {
  id: string;
  ticketId: string;
  kind: TicketEventKind;
  body: string;
  data: Record<string, string | number | null>;
  authorId: string | null;
  createdAt: string;
}
export interface CallRow {
  id: string;
  callId: string;
  direction: 'inbound' | 'outbound';
  fromRaw: string | null;
  fromE164: string | null;
  toRaw: string | null;
  agentId: string | null;
  residentId: string | null;
  startedAt: string;
  answeredAt: string | null;
  endedAt: string | null;
  missed: boolean;
  disposition: string | null;
  notes: string;
  ticketId: string | null;
}

export interface DemoData {
  seed: number;
  size: DemoSize;
  now: string;
  teams: TeamRow[];
  users: UserRow[];
  projects: ProjectRow[];
  buildings: BuildingRow[];
  units: UnitRow[];
  residents: ResidentRow[];
  residentPhones: ResidentPhoneRow[];
  residentUnits: ResidentUnitRow[];
  tickets: TicketRow[];
  ticketCodeCounters: TicketCodeCounterRow[];
  ticketEvents: TicketEventRow[];
  calls: CallRow[];
}

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const SHANGHAI_OFFSET = 8 * HOUR;
/** Tickets and calls span this many days before `now`. */
const SPAN_DAYS = 730;

const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const isoDays = new Map<number, string>();
/** Same as `new Date(ms).toISOString()`, without a Date per call (millions of timestamps for the large size). */
function iso(instant: number): string {
  const ms = Math.floor(instant);
  const day = Math.floor(ms / DAY);
  let prefix = isoDays.get(day);
  if (prefix === undefined) {
    prefix = new Date(day * DAY).toISOString().slice(0, 11);
    isoDays.set(day, prefix);
  }
  const rest = ms - day * DAY;
  const millis = rest % 1000;
  const secs = Math.floor(rest / 1000);
  return `${prefix}${TWO_DIGITS[Math.floor(secs / 3600)]}:${TWO_DIGITS[Math.floor(secs / 60) % 60]}:${TWO_DIGITS[secs % 60]}.${String(millis).padStart(3, '0')}Z`;
}
const pad = (n: number, width: number) => String(n).padStart(width, '0');

function at<T>(items: readonly T[], i: number): T {
  const v = items[i];
  if (v === undefined) throw new Error(`index ${i} out of range (${items.length})`);
  return v;
}

// ———————————————————————————————————————— names and phones ————————————————————————————————————————

type AgeGroup = 'elder' | 'middle' | 'young';

class NameMaker {
  private readonly surnames = Sampler.of(SURNAMES);
  constructor(private readonly rng: Rng) {}

  surname(): string {
    return this.surnames.sample(this.rng);
  }

  given(age: AgeGroup, female: boolean): string {
    const r = this.rng;
    if (age === 'elder') return r.pick(female ? GIVEN_ELDER_FEMALE : GIVEN_ELDER_MALE);
    if (age === 'young' && r.chance(0.7)) return r.pick(female ? GIVEN_YOUNG_FEMALE : GIVEN_YOUNG_MALE);
    const pool = female ? CHARS_FEMALE : CHARS_MALE;
    if (r.chance(0.3)) return r.pick(pool);
    const first = r.pick(pool);
    let second = r.pick(pool);
    while (second === first) second = r.pick(pool);
    return first + second;
  }

  full(age: AgeGroup, female: boolean, surname = this.surname()): string {
    return surname + this.given(age, female);
  }
}

interface Phone {
  raw: string;
  e164: string;
}

class PhoneMaker {
  private readonly used = new Set<string>();
  private readonly prefixes = Sampler.of(MOBILE_PREFIXES);
  constructor(private readonly rng: Rng) {}

  /** A mainland mobile (11 digits), unique within the data set, written the way people type it. */
  mobile(): Phone {
    let national: string;
    do national = this.prefixes.sample(this.rng) + this.rng.digits(8);
    while (this.used.has(national));
    this.used.add(national);
    const a = national.slice(0, 3);
    const b = national.slice(3, 7);
    const c = national.slice(7);
    const raw = this.rng.weighted<string>([
      [national, 45],
      [`${a} ${b} ${c}`, 20],
      [`${a}-${b}-${c}`, 10],
      [`+86 ${a} ${b} ${c}`, 8],
      [`+86 ${a}-${b}-${c}`, 5],
      [`+86${national}`, 7],
      [`86-${national}`, 5],
    ]);
    return { raw, e164: `+86${national}` };
  }

  /** A landline with its area code, e.g. "021-6234 5678" → "+862162345678". */
  landline(project: ProjectSeed): Phone {
    let local: string;
    do local = String(this.rng.int(2, 8)) + this.rng.digits(project.localDigits - 1);
    while (this.used.has(project.areaCode + local));
    this.used.add(project.areaCode + local);
    const area = project.areaCode;
    const half = local.length - 4;
    const raw = this.rng.weighted<string>([
      [`${area}-${local}`, 45],
      [`(${area}) ${local.slice(0, half)} ${local.slice(half)}`, 20],
      [`${area} ${local.slice(0, half)}-${local.slice(half)}`, 15],
      [`${area}${local}`, 10],
      [`+86 ${area.slice(1)} ${local}`, 10],
    ]);
    return { raw, e164: `+86${area.slice(1)}${local}` };
  }
}

/** The number as dialled inside China: mobiles as 11 digits, landlines with the trunk 0 and area code. */
function nationalDigits(e164: string): string {
  const national = e164.slice(3);
  return national.startsWith('1') ? national : '0' + national;
}

/** How a phone number shows as caller id on the PBX: national digits, sometimes E.164 for mobiles. */
function callerId(e164: string, rng: Rng): string {
  const national = nationalDigits(e164);
  return national.startsWith('1') && rng.chance(0.2) ? e164 : national;
}

// ———————————————————————————————————————— staff ————————————————————————————————————————

interface Staff {
  agents: UserRow[];
  leads: UserRow[];
  techsByTeam: Map<string, UserRow[]>;
  kiosk: UserRow;
  admin: UserRow;
  all: UserRow[];
}

/** The demo PBX service account's id. */
export const PBX_USER_ID = 'c7100000-0000-4000-8000-000000000001';

function makeStaff(rng: Rng, createdAt: string): Staff {
  const names = new NameMaker(rng);
  const taken = new Set<string>();
  const uniqueName = () => {
    let n: string;
    do n = names.full('middle', rng.chance(0.55));
    while (taken.has(n));
    taken.add(n);
    return n;
  };
  const user = (username: string, role: Role, extension: string | null, teamId: string | null, name: string) => ({
    id: rng.uuid(),
    username,
    name,
    role,
    extension,
    teamId,
    createdAt,
  });
  const agents: UserRow[] = [];
  for (let i = 1; i <= AGENT_COUNT; i++)
    agents.push(user(`agent${pad(i, 2)}`, 'agent', `${8000 + i}`, 'cs', uniqueName()));
  const leads: UserRow[] = [];
  for (let i = 1; i <= LEAD_COUNT; i++) leads.push(user(`lead${pad(i, 2)}`, 'lead', `${8100 + i}`, 'cs', uniqueName()));
  const techsByTeam = new Map<string, UserRow[]>();
  let t = 0;
  for (const [team, count] of TECHNICIANS_PER_TEAM) {
    const list: UserRow[] = [];
    for (let i = 0; i < count; i++) list.push(user(`tech${pad(++t, 2)}`, 'technician', null, team, uniqueName()));
    techsByTeam.set(team, list);
  }
  const kiosk = user('kiosk01', 'kiosk', null, 'cs', '自助服务终端');
  const admin = user('admin', 'admin', null, null, '系统管理员');
  // The PBX's service account (role integration: it may only post call events). A fixed id, so adding it drew
  // nothing from the generator and left the rest of the demo as it was.
  const pbx: UserRow = {
    id: PBX_USER_ID,
    username: 'pbx',
    name: '电话交换机',
    role: 'integration',
    extension: null,
    teamId: null,
    createdAt,
  };
  const all = [...agents, ...leads, ...[...techsByTeam.values()].flat(), kiosk, admin, pbx];
  return { agents, leads, techsByTeam, kiosk, admin, all };
}

// ———————————————————————————————————————— property ————————————————————————————————————————

interface UnitInfo {
  row: UnitRow;
  project: number;
  building: number;
  entrance: number;
  floor: number;
  floors: number;
  room: number;
}

function unitCode(building: number, entrance: number, floor: number, room: number): string {
  return `${building}-${entrance}-${floor}${pad(room, 2)}`;
}

function makeProperty(rng: Rng, profile: SizeProfile) {
  const projects: ProjectRow[] = [];
  const buildings: BuildingRow[] = [];
  const units: UnitInfo[] = [];
  const perProject = profile.units / profile.projects;
  for (let p = 0; p < profile.projects; p++) {
    const seed = at(PROJECTS, p % PROJECTS.length);
    const projectId = `P${pad(p + 1, 2)}`;
    const cycle = Math.floor(p / PROJECTS.length);
    projects.push({ id: projectId, name: cycle === 0 ? seed.name : `${seed.name}${cycle + 1}期` });
    const target = Math.round(perProject * rng.real(0.92, 1.04));
    let count = 0;
    for (let b = 1; count < target; b++) {
      // Mostly high-rise (18–33 floors); a few low-rise walk-ups (6 floors, 3 entrances, 2 rooms a floor).
      const lowRise = rng.chance(0.06);
      const floors = lowRise ? 6 : rng.int(18, 33);
      const entrances = lowRise ? 3 : rng.int(2, 3);
      const rooms = lowRise
        ? 2
        : rng.weighted([
            [2, 2],
            [3, 3],
            [4, 4],
          ]);
      const buildingId = `${projectId}-B${pad(b, 2)}`;
      buildings.push({ id: buildingId, projectId, number: b, name: `${b}号楼` });
      const baseArea = rooms === 2 ? 120 : rooms === 3 ? 98 : 82;
      for (let e = 1; e <= entrances; e++) {
        for (let f = 1; f <= floors; f++) {
          for (let r = 1; r <= rooms; r++) {
            const code = unitCode(b, e, f, r);
            const area = Math.round(baseArea * rng.real(0.7, 1.35) * 100) / 100;
            units.push({
              row: { id: `${projectId}-${code}`, projectId, buildingId, code, areaM2: area },
              project: p,
              building: b,
              entrance: e,
              floor: f,
              floors,
              room: r,
            });
            count++;
          }
        }
      }
    }
  }
  return { projects, buildings, units };
}

// ———————————————————————————————————————— residents ————————————————————————————————————————

interface Occupancy {
  owner: number;
  /** Other residents living there (family or tenants), resident indexes. */
  others: number[];
  rented: boolean;
}

interface ResidentInfo {
  row: ResidentRow;
  phones: Phone[];
}

function makeResidents(rng: Rng, units: UnitInfo[], profile: SizeProfile, createdAtBase: number) {
  const names = new NameMaker(rng);
  const phones = new PhoneMaker(rng);
  const residents: ResidentInfo[] = [];
  const links: ResidentUnitRow[] = [];
  const occupancy: Occupancy[] = [];

  // Investors: ~2% of units belong to an owner of an earlier unit in the same project.
  const reuse = units.map((u, i) => i > 0 && at(units, i - 1).project === u.project && rng.chance(0.02));
  const newOwners = reuse.filter((x) => !x).length;
  const extraTotal = Math.max(0, profile.residents - newOwners);
  const extras = new Uint8Array(units.length);
  for (let placed = 0; placed < extraTotal;) {
    const i = rng.int(0, units.length - 1);
    if ((extras[i] as number) < 5) {
      extras[i] = (extras[i] as number) + 1;
      placed++;
    }
  }

  const add = (name: string, tags: string[], ph: Phone[]) => {
    const id = `R${pad(residents.length + 1, 7)}`;
    const createdAt = iso(createdAtBase + rng.int(0, 30 * 24) * HOUR);
    residents.push({ row: { id, name, tags, createdAt }, phones: ph });
    return residents.length - 1;
  };
  const tagsFor = (age: AgeGroup, owner: boolean) => {
    const tags: string[] = [];
    if (age === 'elder' && rng.chance(0.3)) tags.push('elderly');
    if (owner && rng.chance(0.015)) tags.push('vip');
    if (rng.chance(0.008)) tags.push('disabled');
    return tags;
  };

  const ownersByProject = new Map<number, number[]>();
  for (let i = 0; i < units.length; i++) {
    const unit = at(units, i);
    const project = at(PROJECTS, unit.project % PROJECTS.length);
    const projectOwners = ownersByProject.get(unit.project) ?? [];
    ownersByProject.set(unit.project, projectOwners);
    let owner: number;
    let ownerSurname = '';
    let ownerAge: AgeGroup = 'middle';
    if (reuse[i] && projectOwners.length > 0) {
      owner = rng.pick(projectOwners);
    } else {
      ownerAge = rng.chance(0.25) ? 'elder' : 'middle';
      const language = rng.chance(0.006);
      ownerSurname = names.surname();
      const name =
        language && rng.chance(0.5) ? rng.pick(FOREIGN_NAMES) : names.full(ownerAge, rng.chance(0.45), ownerSurname);
      const tags = tagsFor(ownerAge, true);
      if (language) tags.push('language');
      const ph = [phones.mobile()];
      if (rng.chance(0.08)) ph.push(phones.mobile());
      if (rng.chance(0.1)) ph.push(phones.landline(project));
      owner = add(name, tags, ph);
      projectOwners.push(owner);
    }
    links.push({ residentId: at(residents, owner).row.id, unitId: unit.row.id, relation: 'owner' });

    const n = extras[i] as number;
    const rented = n > 0 && rng.chance(0.15);
    const others: number[] = [];
    const tenantSurname = names.surname();
    for (let k = 0; k < n; k++) {
      let age: AgeGroup;
      let surname: string;
      let relation: Relation;
      if (rented) {
        relation = 'tenant';
        age = k >= 2 && rng.chance(0.5) ? 'young' : 'middle';
        surname = k === 0 || rng.chance(0.4) ? names.surname() : tenantSurname;
      } else {
        relation = 'family';
        age =
          ownerAge === 'elder'
            ? k === 0
              ? 'elder'
              : 'middle'
            : rng.weighted<AgeGroup>([
                ['middle', 4],
                ['young', 4],
                ['elder', 2],
              ]);
        // Spouses keep their own surname; children and parents mostly share the owner's.
        surname = k > 0 && ownerSurname && rng.chance(0.85) ? ownerSurname : names.surname();
      }
      const ph: Phone[] = [];
      const hasMobile = relation === 'tenant' || rng.chance(age === 'young' ? 0.4 : age === 'elder' ? 0.7 : 0.9);
      if (hasMobile) ph.push(phones.mobile());
      const idx = add(names.full(age, rng.chance(0.5), surname), tagsFor(age, false), ph);
      others.push(idx);
      links.push({ residentId: at(residents, idx).row.id, unitId: unit.row.id, relation });
    }
    occupancy.push({ owner, others, rented });
  }
  return { residents, links, occupancy, phones };
}

// ———————————————————————————————————————— ticket texts ————————————————————————————————————————

const CN_NUM = ['一', '两', '三'];

/** Fills `{slot}`s; a slot drawn from SLOTS is remembered in ctx so the whole ticket tells one story. */
function fill(text: string, ctx: Record<string, string>, rng: Rng): string {
  let out = '';
  let from = 0;
  for (let open = text.indexOf('{'); open >= 0; open = text.indexOf('{', from)) {
    const close = text.indexOf('}', open);
    if (close < 0) break;
    const key = text.slice(open + 1, close);
    let value = ctx[key];
    if (value === undefined) {
      const options = SLOTS[key];
      if (!options) throw new Error(`unknown template slot {${key}}`);
      value = rng.pick(options);
      ctx[key] = value;
    }
    out += text.slice(from, open) + value;
    from = close + 1;
  }
  return out + text.slice(from);
}

function money(rng: Rng, min: number, max: number): string {
  const cents = rng.int(min * 100, max * 100);
  const whole = String(Math.floor(cents / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${whole}.${pad(cents % 100, 2)}`;
}

// ———————————————————————————————————————— workflows ————————————————————————————————————————

const REPAIR_HAPPY: TicketStatus[] = [
  'new',
  'accepted',
  'dispatched',
  'acknowledged',
  'on_site',
  'done',
  'confirmed',
  'closed',
];
const REPAIR_REDO: TicketStatus[] = [
  'reopened',
  'dispatched',
  'acknowledged',
  'on_site',
  'done',
  'confirmed',
  'closed',
];

function insertHold(path: TicketStatus[], candidates: readonly TicketStatus[], rng: Rng): void {
  const x = rng.pick(candidates);
  const i = path.indexOf(x);
  if (i >= 0) path.splice(i + 1, 0, 'on_hold', x);
}

// prettier-ignore
const REPAIR_CANCEL_AFTER: Weighted<number> = [[1, 5], [2, 3], [3, 2]];
const FEE_PATHS: Weighted<readonly TicketStatus[]> = [
  [['new', 'contacted', 'paid', 'closed'], 35],
  [['new', 'contacted', 'promised', 'paid', 'closed'], 40],
  [['new', 'contacted', 'promised', 'contacted', 'promised', 'paid', 'closed'], 8],
  [['new', 'contacted', 'escalated', 'closed'], 5],
  [['new', 'contacted', 'promised', 'escalated', 'paid', 'closed'], 8],
  [['new', 'contacted', 'escalated', 'paid', 'closed'], 4],
];

/** A complete history from 'new' to a terminal status, following the type's workflow. */
function fullPath(type: TicketType, rng: Rng, allowCancel: boolean): TicketStatus[] {
  switch (type) {
    case 'repair': {
      if (allowCancel && rng.chance(0.06)) {
        // Cancelled by the resident or the desk after new, accepted or dispatched.
        return [...REPAIR_HAPPY.slice(0, rng.weighted(REPAIR_CANCEL_AFTER)), 'cancelled'];
      }
      const path = [...REPAIR_HAPPY];
      if (rng.chance(0.07)) insertHold(path, ['accepted', 'dispatched', 'acknowledged', 'on_site'], rng);
      if (rng.chance(0.04)) {
        const from = rng.pick<TicketStatus>(['done', 'confirmed', 'closed']);
        return [...path.slice(0, path.lastIndexOf(from) + 1), ...REPAIR_REDO];
      }
      return path;
    }
    case 'complaint': {
      if (allowCancel && rng.chance(0.05)) return ['new', 'cancelled'];
      const path: TicketStatus[] = ['new', 'accepted', 'investigating', 'replied', 'closed'];
      if (rng.chance(0.06)) insertHold(path, ['accepted', 'investigating'], rng);
      if (rng.chance(0.1)) path.splice(path.lastIndexOf('replied') + 1, 0, 'investigating', 'replied');
      if (rng.chance(0.03)) path.push('reopened', 'investigating', 'replied', 'closed');
      return path;
    }
    case 'fee': {
      if (allowCancel && rng.chance(0.04)) return ['new', 'cancelled'];
      return [...rng.weighted(FEE_PATHS)];
    }
    default:
      return allowCancel && rng.chance(0.03) ? ['new', 'cancelled'] : ['new', 'closed'];
  }
}

interface StepPlan {
  /** at[i]: when the ticket reaches path[i] (at[0]: its creation). */
  at: number[];
  /** holds[i]: the HOLDS entry of the hold that step i enters or leaves (-1 elsewhere). */
  holds: number[];
  /** promiseDays[i]: for a step into 'promised', days until the date the resident promised to pay (0 elsewhere). */
  promiseDays: number[];
  /** Whether the path goes through on_hold. */
  held: boolean;
  /** The holds so far, as SLA pauses (for deadlines that depend on them). */
  pauses: Pause[];
}

/** Shanghai wall-clock minutes [from, to) of a day in which some work is done. */
type Shift = readonly [number, number];
/** Technicians and back-office staff (P3+ repairs and complaints, fee reminders): day shift, weekends on a rota. */
const DAY_SHIFT: Shift = [8.5 * 60, 17.5 * 60];
/** Follow-up calls (回访) to residents: not before nine, not after eight in the evening. */
const CALLING_HOURS: Shift = [9 * 60, 20 * 60];

/**
 * Who does the step into `to`, as far as it limits when: P0–P2 repairs and complaints are worked round the clock
 * (their SLA clocks run 24/7), P3+ ones by day like the business clock that times them; follow-up calls are made
 * at decent hours. null: any time (the desk takes calls day and night; residents confirm and pay when they like).
 */
function shiftFor(type: TicketType, priority: number, from: TicketStatus, to: TicketStatus): Shift | null {
  // The follow-up call: it closes the ticket or finds the resident unsatisfied.
  if (from === 'done' || from === 'confirmed' || from === 'replied') {
    if (to === 'closed' || to === 'reopened' || to === 'investigating') return CALLING_HOURS;
  }
  // Holding and resuming work is the back office's call.
  if (to === 'on_hold' || from === 'on_hold') return priority >= 3 ? DAY_SHIFT : null;
  if (type === 'repair') {
    if (priority >= 3 && (to === 'dispatched' || to === 'acknowledged' || to === 'on_site' || to === 'done')) {
      return DAY_SHIFT;
    }
  } else if (type === 'complaint') {
    if (priority >= 3 && (to === 'investigating' || to === 'replied')) return DAY_SHIFT;
  } else if (type === 'fee' && (to === 'contacted' || to === 'escalated')) return DAY_SHIFT;
  return null;
}

/** `ms` if it falls in the shift; otherwise the next shift's start, plus up to an hour and a half of queue. */
function inShift(ms: number, [from, to]: Shift, rng: Rng): number {
  const dayStart = Math.floor((ms + SHANGHAI_OFFSET) / DAY) * DAY - SHANGHAI_OFFSET;
  const minute = (ms - dayStart) / MIN;
  if (minute >= from && minute < to) return ms;
  return (minute < from ? dayStart : dayStart + DAY) + from * MIN + rng.int(0, 90) * MIN;
}

/**
 * When each step of `path` happens (into `plan`'s arrays): typical durations from stepDelay, moved into the shift
 * of whoever does the step. A hold lasts as long as its reason takes; a promise to pay ends on its date: paid by
 * then, or a new reminder or an escalation a few days after it passed.
 */
function planSteps(
  plan: StepPlan,
  type: TicketType,
  path: readonly TicketStatus[],
  priority: number,
  channel: Channel,
  createdMs: number,
  rng: Rng,
): void {
  plan.at.length = 0;
  plan.holds.length = 0;
  plan.promiseDays.length = 0;
  plan.held = false;
  plan.pauses.length = 0;
  plan.at.push(createdMs);
  plan.holds.push(-1);
  plan.promiseDays.push(0);
  let t = createdMs;
  let hold = -1;
  let promise = 0;
  let followUpFrom = createdMs;
  let cycleStart = createdMs;
  let replyStart = createdMs;
  for (let i = 1; i < path.length; i++) {
    const from = at(path, i - 1);
    const to = at(path, i);
    if (!canTransition(type, from, to)) throw new Error(`demo generator produced ${type} ${from} → ${to}`);
    if (from === 'on_hold') {
      const [min, max] = at(HOLDS, hold).days;
      t += between(rng, min * DAY, max * DAY);
    } else if (from === 'promised') {
      const due = t + promise * DAY;
      if (to === 'paid') t = Math.max(t + 2 * HOUR, due - between(rng, 0, 2 * DAY));
      else if (to === 'contacted') t = due + between(rng, 1 * DAY, 3 * DAY);
      else t = due + between(rng, 2 * DAY, 5 * DAY);
    } else if (to === 'on_hold') {
      // Held instead of taking the next step, when that step turns out blocked: within the time it would take.
      const next = path[i + 2] ?? from;
      t += Math.round(stepDelay(type, from, next, priority, channel, rng) * rng.real(0.3, 0.9));
    } else if (from === 'replied' || ((from === 'done' || from === 'confirmed') && to !== 'confirmed')) {
      // The follow-up call closes the ticket, or finds the resident unsatisfied: repaired again, or looked into again.
      t = Math.max(t + 20 * MIN, byDeadline(type, priority, 'followUp', followUpFrom, [], 0.6, rng));
    } else if (type === 'repair' && to === 'on_site' && priority === 3) {
      // A routine repair is fixed by appointment (≤ 2 working days): the visit is booked within that window.
      t = Math.max(t + 30 * MIN, byDeadline(type, priority, 'fix', cycleStart, plan.pauses, 0.4, rng));
    } else if (type === 'complaint' && to === 'replied') {
      // The written reply (≤ 7 days): often drafted, checked and sent close to the limit.
      t = Math.max(t + 2 * HOUR, byDeadline(type, priority, 'reply', replyStart, plan.pauses, 0.3, rng, 7 * DAY));
    } else t += stepDelay(type, from, to, priority, channel, rng);
    const shift = shiftFor(type, priority, from, to);
    if (shift) t = inShift(t, shift, rng);
    if (to === 'on_hold') {
      hold = rng.int(0, HOLDS.length - 1);
      plan.held = true;
    }
    promise = to === 'promised' ? rng.int(3, 20) : 0;
    if (to === 'done' || to === 'replied') followUpFrom = t;
    if (to === 'reopened') cycleStart = replyStart = t;
    else if (from === 'replied' && to === 'investigating') replyStart = t;
    if (to === 'on_hold') plan.pauses.push({ start: new Date(t), end: null });
    else if (from === 'on_hold') (plan.pauses.at(-1) as Pause).end = new Date(t);
    plan.at.push(t);
    plan.holds.push(to === 'on_hold' || from === 'on_hold' ? hold : -1);
    plan.promiseDays.push(promise);
  }
}

/**
 * However much time a clock allows, the work is done within this many days (over a long holiday, by the rota), and
 * late work no later than this after its deadline.
 */
const WORK_WITHIN = 3 * DAY;

/**
 * When a step that ends an SLA clock is done (the follow-up call, a routine repair's visit, a complaint's written
 * reply), the clock having started at `startMs`: from `earliest` of the way to its deadline to just before it (but
 * within `within`). One time in four it is late (the resident could not be reached, the visit slipped): by up to two
 * days of the clock's own time — office time for P3+, so what slips on a Friday is still late on Monday morning —
 * and never by more than WORK_WITHIN.
 */
function byDeadline(
  type: TicketType,
  priority: number,
  milestone: SlaMilestone,
  startMs: number,
  pauses: readonly Pause[],
  earliest: number,
  rng: Rng,
  within = WORK_WITHIN,
): number {
  const { policy } = seedSlaContext();
  const deadline = policy.deadline({ type, priority, milestone, start: new Date(startMs), pauses });
  const due = deadline ? deadline.due.getTime() : startMs + DAY;
  const end = Math.min(due, startMs + within);
  if (due > end || !rng.chance(0.25)) return startMs + rng.real(earliest, 0.98) * (end - startMs);
  const calendar = policy.clockFor(priority);
  const lateMinutes = rng.int(10, calendar === 'always' ? 48 * 60 : 2 * policy.calendar.officeDayMinutes);
  const late = computeDeadline({
    start: new Date(due),
    limitMinutes: lateMinutes,
    calendar,
    schedule: policy.calendar,
  });
  return Math.min(late.due.getTime(), due + WORK_WITHIN);
}

/** A typical duration, spread ×0.4–1.8. */
function jitter(rng: Rng, ms: number): number {
  return Math.round(ms * rng.real(0.4, 1.8));
}
function between(rng: Rng, a: number, b: number): number {
  return Math.round(rng.real(a, b));
}

/**
 * How long the step into `to` typically takes (ms). Holds, promises, follow-up calls, routine repair visits and
 * complaint replies are timed in planSteps.
 */
function stepDelay(
  type: TicketType,
  from: TicketStatus,
  to: TicketStatus,
  priority: number,
  channel: Channel,
  rng: Rng,
) {
  const j = jitter;
  const range = between;
  // Withdrawn before the desk accepts or dispatches it; after dispatch, perhaps once the technician has called.
  if (to === 'cancelled') return from === 'dispatched' ? range(rng, 30 * MIN, 1 * DAY) : range(rng, 5 * MIN, 90 * MIN);
  if (type === 'repair') {
    const p = priority;
    switch (to) {
      case 'accepted':
        return j(rng, [1, 3, 10, 40, 120][p] ?? 40) * MIN;
      case 'dispatched':
        return j(rng, [1, 5, 20, 90, 1440][p] ?? 90) * MIN;
      case 'acknowledged':
        return p === 0 ? j(rng, 2 * MIN) : range(rng, 5 * MIN, 30 * MIN);
      case 'on_site':
        return j(rng, [12, 40, 180, 1440, 2160][p] ?? 1440) * MIN;
      case 'done':
        return p === 4 ? range(rng, 1 * DAY, 4 * DAY) : range(rng, 20 * MIN, 3 * HOUR);
      case 'confirmed':
        return range(rng, 1 * HOUR, 24 * HOUR);
      case 'reopened':
        return range(rng, 1 * DAY, 7 * DAY);
      default:
        return range(rng, 30 * MIN, 4 * HOUR);
    }
  }
  if (type === 'complaint') {
    switch (to) {
      case 'accepted':
        return range(rng, 10 * MIN, 4 * HOUR);
      case 'investigating':
        return range(rng, 1 * HOUR, 24 * HOUR);
      case 'reopened':
        return range(rng, 2 * DAY, 10 * DAY);
      default:
        return range(rng, 1 * HOUR, 1 * DAY);
    }
  }
  if (type === 'fee') {
    switch (to) {
      case 'contacted':
        return range(rng, 2 * HOUR, 3 * DAY);
      case 'promised':
        return range(rng, 2 * MIN, 30 * MIN);
      case 'paid':
        // After a reminder most pay within days; an escalated case takes a little longer.
        return from === 'escalated' ? range(rng, 2 * DAY, 8 * DAY) : range(rng, 1 * DAY, 7 * DAY);
      case 'escalated':
        // About a week of silence before a reminder goes to the project manager.
        return range(rng, 5 * DAY, 10 * DAY);
      case 'closed':
        // Closed once the payment shows in the accounts, or once the project manager has dealt with the case.
        return from === 'paid' ? range(rng, 1 * HOUR, 12 * HOUR) : range(rng, 1 * DAY, 3 * DAY);
      default:
        return range(rng, 1 * HOUR, 2 * DAY);
    }
  }
  // Enquiry, suggestion, praise: closed at first contact, or after a short look-up for online channels.
  return channel === 'wechat' || channel === 'app' ? range(rng, 15 * MIN, 6 * HOUR) : range(rng, 2 * MIN, 15 * MIN);
}

// ———————————————————————————————————————— the generator ————————————————————————————————————————

// prettier-ignore
const HOUR_WEIGHTS = [0.4, 0.3, 0.2, 0.2, 0.2, 0.3, 0.8, 2, 4, 7, 8, 7, 4, 5, 7, 7, 6, 5, 4, 4, 3.5, 2.5, 1.5, 0.8];

export function generateDemo(opts: GenerateOptions): DemoData {
  const { seed, size } = opts;
  const profile = SIZES[size];
  const nowMs = opts.now.getTime();
  if (!Number.isFinite(nowMs)) throw new Error('generateDemo: invalid now');
  const root = new Rng(seed);
  const startMs = nowMs - SPAN_DAYS * DAY;

  const teams: TeamRow[] = TEAMS.map((t) => ({ ...t }));
  const staff = makeStaff(root.fork('staff'), iso(startMs - 30 * DAY));
  const property = makeProperty(root.fork('property'), profile);
  const people = makeResidents(root.fork('residents'), property.units, profile, startMs - 60 * DAY);

  const tickets = makeTickets(root.fork('tickets'), profile, nowMs, staff, property.units, people);
  const calls = makeCalls(root.fork('calls'), profile, nowMs, staff, tickets, property.units, people);

  return {
    seed,
    size,
    now: iso(nowMs),
    teams,
    users: staff.all,
    projects: property.projects,
    buildings: property.buildings,
    units: property.units.map((u) => u.row),
    residents: people.residents.map((r) => r.row),
    residentPhones: people.residents.flatMap((r) =>
      r.phones.map((p) => ({ residentId: r.row.id, raw: p.raw, e164: p.e164 })),
    ),
    residentUnits: people.links,
    tickets: tickets.rows,
    ticketCodeCounters: tickets.counters,
    ticketEvents: tickets.events,
    calls,
  };
}

type People = ReturnType<typeof makeResidents>;

/**
 * Creation instants over the span, oldest first: more recent days busier (the company grew), weekends quieter,
 * the hours of a day by HOUR_WEIGHTS. Today counts only up to a few minutes before now, and has at least one.
 * Each day gets its expected share rounded down or up (systematic sampling), so no day is empty or doubled by
 * chance and the total is exactly `count`.
 */
function creationTimes(rng: Rng, count: number, nowMs: number): number[] {
  const todayStart = Math.floor((nowMs + SHANGHAI_OFFSET) / DAY) * DAY - SHANGHAI_OFFSET;
  const latest = nowMs - 5 * MIN;
  // Today's hours so far, the current one in part.
  const todayHours = HOUR_WEIGHTS.map((w, h) => w * Math.min(1, Math.max(0, (latest - todayStart) / HOUR - h)));
  const dayShare = todayHours.reduce((a, b) => a + b, 0) / HOUR_WEIGHTS.reduce((a, b) => a + b, 0);
  const weights: number[] = [];
  for (let d = 0; d < SPAN_DAYS; d++) {
    const weekday = new Date(todayStart - d * DAY + SHANGHAI_OFFSET).getUTCDay();
    const w = (0.35 + 0.65 * (1 - d / SPAN_DAYS)) * (weekday === 0 || weekday === 6 ? 0.85 : 1);
    weights.push(d === 0 ? w * dayShare : w);
  }
  const total = weights.reduce((a, b) => a + b, 0);
  const today = dayShare > 0 ? Math.min(count, Math.max(1, Math.round((count * (weights[0] as number)) / total))) : 0;
  const rest = total - (weights[0] as number);
  const perDay: number[] = [today];
  let cumulative = rng.next();
  let placed = 0;
  for (let d = 1; d < SPAN_DAYS; d++) {
    cumulative += ((count - today) * (weights[d] as number)) / rest;
    const upTo = d === SPAN_DAYS - 1 ? count - today : Math.min(count - today, Math.floor(cumulative));
    perDay.push(upTo - placed);
    placed = upTo;
  }

  const hourSampler = new Sampler(
    HOUR_WEIGHTS.map((_, h) => h),
    HOUR_WEIGHTS,
  );
  const todaySampler =
    today > 0
      ? new Sampler(
          todayHours.map((_, h) => h),
          todayHours,
        )
      : hourSampler;
  const out: number[] = [];
  for (let d = SPAN_DAYS - 1; d >= 0; d--) {
    const dayStart = todayStart - d * DAY;
    for (let n = perDay[d] as number; n > 0; n--) {
      const hour = (d === 0 ? todaySampler : hourSampler).sample(rng);
      const seconds = d === 0 ? Math.min(3600, Math.floor((latest - dayStart) / 1000) - hour * 3600) : 3600;
      out.push(dayStart + hour * HOUR + rng.int(0, seconds - 1) * 1000);
    }
  }
  return out.sort((a, b) => a - b);
}

interface TicketMeta {
  row: TicketRow;
  unit: UnitInfo | null;
  /** Time and author of the final close, for follow-up calls. */
  closed: { at: number; by: string | null } | null;
  contacted: { at: number; by: string | null }[];
  endMs: number;
}

/**
 * Writes one ticket's events at a time (reused across tickets: no closures per ticket). Timestamps strictly
 * increase and never pass a minute before now.
 */
class History {
  ticketId = '';
  teamId: string | null = null;
  ctx: Record<string, string> = {};
  last = 0;
  assignee: string | null = null;
  version = 1;

  constructor(
    private readonly rng: Rng,
    private readonly nowMs: number,
    readonly events: TicketEventRow[],
  ) {}

  begin(ticketId: string, createdMs: number, teamId: string | null, ctx: Record<string, string>): void {
    this.ticketId = ticketId;
    this.teamId = teamId;
    this.ctx = ctx;
    this.last = createdMs - 1000;
    this.assignee = null;
    this.version = 1;
  }

  emit(kind: TicketEventKind, planned: number, authorId: string | null, body = '', data: TicketEventRow['data'] = {}) {
    this.last = Math.max(Math.min(planned, this.nowMs - MIN), this.last + 1000);
    this.events.push({
      id: this.rng.uuid(),
      ticketId: this.ticketId,
      kind,
      body,
      data,
      authorId,
      createdAt: iso(this.last),
    });
    return this.last;
  }

  status(from: TicketStatus, to: TicketStatus, planned: number, actor: string | null, reason: string): number {
    const data: TicketEventRow['data'] = reason ? { from, to, reason } : { from, to };
    this.version++;
    return this.emit('status', planned, actor, reason, data);
  }

  assign(to: string | null, planned: number, by: string | null): void {
    if (!to || this.assignee === to) return;
    this.emit('assign', planned, by, '', { from: this.assignee, to, teamId: this.teamId });
    this.assignee = to;
    this.version++;
  }

  /** A work-log comment with probability p, a few minutes after the last event; none if that is not yet past. */
  comment(p: number, options: readonly string[], by: string | null, planned = this.last): void {
    if (!this.rng.chance(p)) return;
    const at = planned + this.rng.int(1, 20) * MIN;
    if (at > this.nowMs - MIN) return;
    const text = fill(this.rng.pick(options), this.ctx, this.rng);
    this.emit('comment', at, by, text);
  }
}

type TradeKey = 'plumbing' | 'electrical' | 'lift' | 'access' | 'other';
function tradeKey(category: Category): TradeKey {
  return category === 'plumbing' || category === 'electrical' || category === 'lift' || category === 'access'
    ? category
    : 'other';
}

let seedSla: TicketSlaContext | undefined;
/** The DESIGN.md §4 defaults, no weather alert: what a fresh server computes. */
const seedSlaContext = () => (seedSla ??= { policy: slaPolicy({}), weatherAlert: false });

function slaStart(type: TicketType, priority: number, createdMs: number): SlaSubject {
  const subject: SlaSubject = { type, priority, status: 'new', createdAt: iso(createdMs), ...NO_SLA };
  return { ...subject, ...ticketSla(subject, undefined, new Date(createdMs), seedSlaContext()) };
}

function slaStep(before: SlaSubject, status: TicketStatus, atMs: number): SlaSubject {
  const next: SlaSubject = { ...before, status };
  return { ...next, ...ticketSla(next, before, new Date(atMs), seedSlaContext()) };
}

function slaFields(s: SlaSubject): TicketSla {
  const fields = {} as Record<keyof TicketSla, unknown>;
  for (const key of Object.keys(NO_SLA) as (keyof TicketSla)[]) fields[key] = s[key];
  return fields as TicketSla;
}

function makeTickets(rng: Rng, profile: SizeProfile, nowMs: number, staff: Staff, units: UnitInfo[], people: People) {
  const names = new NameMaker(rng);
  const typeSampler = Sampler.of(TYPE_WEIGHTS);
  const templatesByType = new Map<TicketType, Sampler<TicketTemplate>>();
  for (const [type] of TYPE_WEIGHTS) {
    const list = TEMPLATES.filter((t) => t.type === type);
    templatesByType.set(type, Sampler.of(list.map((t) => [t, t.weight] as const)));
  }
  const channelSamplers = new Map(TICKET_TYPES.map((type) => [type, Sampler.of(CHANNELS_BY_TYPE[type])]));
  // A few households call far more often than the rest.
  const frequent: number[] = [];
  for (let i = Math.max(10, Math.round(units.length * 0.03)); i > 0; i--) frequent.push(rng.int(0, units.length - 1));
  const agent01 = at(staff.agents, 0);
  // Open work leans towards agent01, so whoever logs in as agent01 finds a queue.
  const openOwners = Sampler.of(staff.agents.map((a) => [a, a === agent01 ? 8 : 1] as const));
  const securityTechs = staff.techsByTeam.get('security') ?? [];
  const praisableTechs = [...(staff.techsByTeam.get('plumbing') ?? []), ...(staff.techsByTeam.get('electrical') ?? [])];

  const rows: TicketRow[] = [];
  const metas: TicketMeta[] = [];
  const counters = new Map<string, number>();
  const h = new History(rng, nowMs, []);
  const plan: StepPlan = { at: [], holds: [], promiseDays: [], held: false, pauses: [] };
  // Nothing happens in the last two minutes before now: the demo starts on a settled desk.
  const latestMs = nowMs - 2 * MIN;

  for (const createdMs of creationTimes(rng, profile.tickets, nowMs)) {
    const type = typeSampler.sample(rng);
    const template = (templatesByType.get(type) as Sampler<TicketTemplate>).sample(rng);
    const priority = rng.weighted(template.priority);
    let channel: Channel = priority === 0 ? 'phone' : (channelSamplers.get(type) as Sampler<Channel>).sample(rng);
    if (channel === 'patrol' && !template.common) channel = 'phone';
    const ageDays = (nowMs - createdMs) / DAY;
    const teamId = teamFor(type, template.category);
    const day = shanghaiDate(new Date(createdMs));

    // Who and where. Patrol finds public-area faults: no unit, no resident.
    let unit: UnitInfo | null = null;
    let residentId: string | null = null;
    let residentName: string | null = null;
    let phone: string | null = null;
    if (channel !== 'patrol') {
      const unitIdx = rng.chance(0.25) ? rng.pick(frequent) : rng.int(0, units.length - 1);
      unit = at(units, unitIdx);
      const occ = at(people.occupancy, unitIdx);
      let who = occ.owner;
      if (type !== 'fee' && occ.others.length > 0) {
        if (occ.rented ? rng.chance(0.8) : rng.chance(0.4)) who = rng.pick(occ.others);
      }
      let resident = at(people.residents, who);
      if (resident.phones.length === 0) resident = at(people.residents, occ.owner);
      if (channel === 'phone' && rng.chance(0.02)) {
        // An unknown caller (a visitor, a new tenant not yet registered).
        residentName = `${names.surname()}${rng.chance(0.5) ? '先生' : '女士'}`;
        phone = people.phones.mobile().e164;
      } else {
        residentId = resident.row.id;
        residentName = resident.row.name;
        phone = resident.phones[0]?.e164 ?? null;
      }
    }

    // Texts.
    const u = unit ?? at(units, rng.int(0, units.length - 1));
    const year = Number(day.slice(0, 4));
    const month = rng.int(1, 12);
    const billYear = String(month > 6 ? year - 1 : year);
    const ctx: Record<string, string> = {
      unit: u.row.code,
      building: `${u.building}号楼`,
      entrance: String(u.entrance),
      floor: String(u.floor),
      upUnit: unitCode(u.building, u.entrance, Math.min(u.floor + 1, u.floors), u.room),
      downUnit: unitCode(u.building, u.entrance, Math.max(u.floor - 1, 1), u.room),
      n: rng.pick(CN_NUM),
      tech: praisableTechs.length > 0 ? rng.pick(praisableTechs).name.slice(0, 1) : '王',
      year: billYear,
      month: `${billYear}年${month}月`,
      amount: money(rng, 300, 8000),
    };
    const [titleText, descriptionText] = rng.pick(template.variants);
    const title = fill(titleText, ctx, rng);
    let description = fill(descriptionText, ctx, rng);
    if (type === 'repair' && !template.common && rng.chance(0.3)) {
      description += fill('业主{avail}在家，可以上门。', ctx, rng);
    }

    // Human code: per prefix and Shanghai day, in creation order.
    const prefixDay = `${CODE_PREFIX[type]}-${day}`;
    const seq = (counters.get(prefixDay) ?? 0) + 1;
    counters.set(prefixDay, seq);
    const code = formatTicketCode(type, day, seq);

    // People involved.
    let createdBy: string | null = null;
    let deskAgent = rng.pick(staff.agents).id;
    if (channel === 'phone' || channel === 'walk_in') createdBy = deskAgent;
    else if (channel === 'kiosk') createdBy = staff.kiosk.id;
    else if (channel === 'patrol' && securityTechs.length > 0) createdBy = rng.pick(securityTechs).id;
    if (createdBy === null) deskAgent = rng.pick(staff.agents).id;
    // History: a complete workflow path with typical step durations, played forward from creation. The ticket
    // stands where `now` finds it: closed (or cancelled) when its whole path fits before now, else open at the step
    // it has reached. So old tickets are closed with their full history, and open ones sit in a step no longer
    // than that step takes.
    const path = fullPath(type, rng, true);
    planSteps(plan, type, path, priority, channel, createdMs, rng);
    let reach = 0;
    while (reach < path.length - 1 && at(plan.at, reach + 1) <= latestMs) reach++;
    const open = reach < path.length - 1;
    const owner = open ? openOwners.sample(rng).id : rng.pick(staff.agents).id;
    const techs = staff.techsByTeam.get(teamId) ?? staff.techsByTeam.get('plumbing') ?? [];
    const trade = tradeKey(template.category);

    const id = rng.uuid();
    h.begin(id, createdMs, teamId, ctx);
    h.emit('created', createdMs, createdBy, '', { channel });
    let tech: string | null = null;
    let closed: TicketMeta['closed'] = null;
    let closedAt: number | null = null;
    const contacted: TicketMeta['contacted'] = [];

    // The history is replayed through the SLA clock where its result is not plain NO_SLA: open tickets, and closed
    // ones that were on hold (their pause spans stay on record).
    let sla: SlaSubject | null = open || plan.held ? slaStart(type, priority, createdMs) : null;
    let status: TicketStatus = 'new';
    for (let i = 1; i <= reach; i++) {
      const from = at(path, i - 1);
      const to = at(path, i);
      let t = at(plan.at, i);
      status = to;
      let actor: string | null = deskAgent;
      if (type === 'repair') {
        if (to === 'dispatched') {
          if (!tech || rng.chance(0.3)) tech = techs.length > 0 ? rng.pick(techs).id : null;
          actor = rng.chance(0.2) ? rng.pick(staff.leads).id : deskAgent;
          h.assign(tech, t, actor);
        } else if (to === 'acknowledged' || to === 'on_site' || to === 'done') actor = tech;
        else if (to === 'on_hold') actor = from === 'acknowledged' || from === 'on_site' ? tech : deskAgent;
        else if (from === 'on_hold') actor = deskAgent;
        else if (to === 'closed') actor = rng.pick(staff.agents).id;
      } else if (type === 'complaint' || type === 'fee') {
        if (to === 'accepted' || to === 'contacted') h.assign(owner, t, deskAgent);
        actor = h.assignee ?? deskAgent;
        if (type === 'complaint' && to === 'closed' && rng.chance(0.3)) actor = rng.pick(staff.leads).id;
      } else if (to === 'closed') {
        h.assign(deskAgent, t, deskAgent);
      }
      let reason = '';
      if (to === 'on_hold') reason = at(HOLDS, at(plan.holds, i)).reason;
      else if (from === 'on_hold') reason = at(HOLDS, at(plan.holds, i)).resume;
      else if (to === 'reopened') reason = rng.pick(WORKLOG.reopened);
      t = h.status(from, to, t, actor, reason);
      if (sla) sla = slaStep(sla, to, t);
      if (to === 'closed' || to === 'cancelled') {
        closedAt = t;
        closed = to === 'closed' ? { at: t, by: actor } : null;
      }
      if (to === 'contacted') contacted.push({ at: t, by: actor });

      // Work log.
      if (type === 'repair') {
        if (to === 'accepted') h.comment(0.3, WORKLOG.accepted, actor);
        else if (to === 'on_site') h.comment(0.6, WORKLOG.onSite[trade], actor);
        else if (to === 'done') h.comment(0.8, WORKLOG.done[trade], actor);
        else if (to === 'confirmed') h.comment(0.5, WORKLOG.confirmed, actor);
        else if (to === 'closed') h.comment(0.6, WORKLOG.closed, actor);
      } else if (type === 'complaint') {
        if (to === 'investigating') h.comment(0.7, WORKLOG.investigating, actor);
        else if (to === 'replied') h.comment(1, WORKLOG.replied, actor);
        else if (to === 'closed') h.comment(0.6, WORKLOG.complaintClosed, actor);
      } else if (type === 'fee') {
        if (to === 'promised') {
          const promise = new Date(t + at(plan.promiseDays, i) * DAY + SHANGHAI_OFFSET);
          ctx.date = `${promise.getUTCMonth() + 1}月${promise.getUTCDate()}日`;
        }
        if (to === 'contacted') h.comment(0.8, WORKLOG.contacted, actor);
        else if (to === 'promised') h.comment(1, WORKLOG.promised, actor);
        else if (to === 'paid') h.comment(0.6, WORKLOG.paid, actor);
        else if (to === 'escalated') h.comment(1, WORKLOG.escalated, actor);
      } else if (to === 'closed') h.comment(0.5, WORKLOG.enquiry, actor);
    }
    // Residents chase open repairs; the desk notes it.
    if (isOpen(status) && type === 'repair' && ageDays > 1 && rng.chance(0.15)) {
      h.comment(1, WORKLOG.chased, deskAgent, h.last + rng.int(10, 120) * MIN);
    }
    if (h.last > nowMs) throw new Error('demo generator: event after now');

    const row: TicketRow = {
      id,
      code,
      type,
      category: template.category,
      channel,
      priority,
      status,
      title,
      description,
      unitId: unit?.row.id ?? null,
      unitCode: unit?.row.code ?? null,
      residentId,
      residentName,
      phone,
      teamId,
      assigneeId: h.assignee,
      createdBy,
      createdAt: iso(createdMs),
      updatedAt: iso(h.last),
      closedAt: isOpen(status) || closedAt === null ? null : iso(closedAt),
      version: h.version,
      sla: sla ? slaFields(sla) : NO_SLA,
    };
    rows.push(row);
    metas.push({ row, unit, closed, contacted, endMs: closedAt ?? nowMs });
  }

  const codeCounters = [...counters.entries()].map(([prefixDay, last]) => ({ prefixDay, last }));
  codeCounters.sort((a, b) => (a.prefixDay < b.prefixDay ? -1 : a.prefixDay > b.prefixDay ? 1 : 0));
  return { rows, events: h.events, counters: codeCounters, metas };
}

function makeCalls(
  rng: Rng,
  profile: SizeProfile,
  nowMs: number,
  staff: Staff,
  tickets: ReturnType<typeof makeTickets>,
  units: UnitInfo[],
  people: People,
): CallRow[] {
  type Draft = Omit<CallRow, 'id' | 'callId' | 'startedAt'> & { start: number };
  const drafts: Draft[] = [];
  const hotline = (unit: UnitInfo | null) =>
    at(PROJECTS, (unit?.project ?? rng.int(0, 2)) % PROJECTS.length).hotline.replace(/[^0-9]/g, '');
  const agentExt = new Map(staff.all.map((u) => [u.id, u.extension]));
  const isAgent = new Set(staff.agents.map((a) => a.id));
  const anyAgent = () => rng.pick(staff.agents);

  const inbound = (
    start: number,
    e164: string | null,
    residentId: string | null,
    to: string,
    agentId: string | null,
    talkS: number,
    disposition: string | null,
    notes: string,
    ticketId: string | null,
  ): Draft => {
    const missed = agentId === null;
    const answered = missed ? null : start + rng.int(3, 45) * 1000;
    return {
      direction: 'inbound',
      fromRaw: e164 ? callerId(e164, rng) : null,
      fromE164: e164,
      toRaw: to,
      agentId,
      residentId,
      start,
      answeredAt: answered === null ? null : iso(answered),
      endedAt: iso(Math.min((answered ?? start) + (missed ? rng.int(8, 40) : talkS) * 1000, nowMs - 1000)),
      missed,
      disposition,
      notes,
      ticketId,
    };
  };
  const outbound = (
    start: number,
    agentId: string,
    e164: string,
    residentId: string | null,
    disposition: string,
    notes: string,
    ticketId: string,
  ) => {
    const answered = rng.chance(0.9) ? start + rng.int(5, 25) * 1000 : null;
    return drafts.push({
      direction: 'outbound',
      fromRaw: agentExt.get(agentId) ?? null,
      fromE164: null,
      toRaw: nationalDigits(e164),
      agentId,
      residentId,
      start,
      answeredAt: answered === null ? null : iso(answered),
      endedAt: iso(
        Math.min((answered ?? start) + (answered === null ? rng.int(20, 40) : rng.int(40, 300)) * 1000, nowMs - 1000),
      ),
      missed: false,
      disposition: answered === null ? 'no_answer' : disposition,
      notes: answered === null ? '无人接听' : notes,
      ticketId,
    });
  };

  for (const { row, unit, closed, contacted, endMs } of tickets.metas) {
    const created = Date.parse(row.createdAt);
    if (row.channel === 'phone' && row.createdBy) {
      const start = created - rng.int(40, 240) * 1000;
      drafts.push(
        inbound(
          start,
          row.phone,
          row.residentId,
          hotline(unit),
          row.createdBy,
          rng.int(60, 420),
          'ticket_created',
          '',
          row.id,
        ),
      );
    }
    if (!row.phone) continue;
    if (
      closed &&
      closed.by &&
      isAgent.has(closed.by) &&
      (row.type === 'repair' || row.type === 'complaint') &&
      rng.chance(0.35)
    ) {
      outbound(closed.at - rng.int(60, 300) * 1000, closed.by, row.phone, row.residentId, 'follow_up', '回访', row.id);
    }
    if (row.type === 'fee') {
      for (const c of contacted) {
        if (c.by && isAgent.has(c.by) && rng.chance(0.8))
          outbound(c.at - rng.int(60, 240) * 1000, c.by, row.phone, row.residentId, 'fee_reminder', '', row.id);
      }
    }
    if ((row.type === 'repair' || row.type === 'complaint') && endMs - created > 2 * HOUR && rng.chance(0.25)) {
      const start = created + rng.int(60, Math.floor((endMs - created) / 1000) - 60) * 1000;
      if (start < nowMs - 10 * MIN) {
        const agent = rng.chance(0.05) ? null : anyAgent().id;
        drafts.push(
          inbound(
            start,
            row.phone,
            row.residentId,
            hotline(unit),
            agent,
            rng.int(30, 180),
            agent ? 'progress_enquiry' : null,
            agent ? rng.pick(CALL_NOTES.progress) : '',
            agent ? row.id : null,
          ),
        );
      }
    }
  }

  // Calls that did not become tickets: quick questions, wrong numbers, hang-ups.
  const target = Math.round(profile.tickets * 1.5);
  const times = creationTimes(rng, Math.max(0, target - drafts.length), nowMs);
  const callers = new PhoneMaker(rng.fork('strangers'));
  for (const start of times) {
    const missed = rng.chance(0.08);
    const agent = missed ? null : anyAgent().id;
    if (rng.chance(0.8)) {
      const unitIdx = rng.int(0, units.length - 1);
      const unit = at(units, unitIdx);
      const occ = at(people.occupancy, unitIdx);
      const resident = at(
        people.residents,
        rng.chance(0.7) || occ.others.length === 0 ? occ.owner : rng.pick(occ.others),
      );
      const ph = resident.phones[0];
      if (ph) {
        drafts.push(
          inbound(
            start,
            ph.e164,
            resident.row.id,
            hotline(unit),
            agent,
            rng.int(20, 240),
            agent ? 'info_given' : null,
            agent ? rng.pick(CALL_NOTES.info) : '',
            null,
          ),
        );
        continue;
      }
    }
    const e164 = rng.chance(0.1) ? null : callers.mobile().e164;
    drafts.push(
      inbound(
        start,
        e164,
        null,
        hotline(null),
        agent,
        rng.int(5, 60),
        agent ? 'wrong_number' : null,
        agent ? rng.pick(CALL_NOTES.wrong) : '',
        null,
      ),
    );
  }

  drafts.sort((a, b) => a.start - b.start);
  return drafts.map(({ start, ...d }, i) => ({
    id: rng.uuid(),
    callId: `${Math.floor(start / 1000)}.${i + 1}`,
    ...d,
    startedAt: iso(start),
  }));
}
