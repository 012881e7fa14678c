/** Every cache migration, in order. Add a file per schema change and list it here; never edit a shipped one. */
import type { Migration } from '../migrate';
import { migration001 } from './001_init';
import { migration002 } from './002_rejected_ticket';
import { migration003 } from './003_sync_v2';
import { migration004 } from './004_ticket_search';
import { migration005 } from './005_ticket_sla';
import { migration006 } from './006_residents';
import { migration007 } from './007_short_term_search';
import { migration008 } from './008_calls_cti';
import { migration009 } from './009_caller_id';
import { migration010 } from './010_masked_phones';
import { migration011 } from './011_agent_skills_capacity';
import { migration012 } from './012_lead_board';
import { migration013 } from './013_ticket_history';
import { migration014 } from './014_search_triggers_on_change';
import { migration015 } from './015_pending_calls';
import { migration016 } from './016_outbox_acknowledged';
import { migration017 } from './017_open_tickets_by_team';

export const MIGRATIONS: readonly Migration[] = [
  migration001,
  migration002,
  migration003,
  migration004,
  migration005,
  migration006,
  migration007,
  migration008,
  migration009,
  migration010,
  migration011,
  migration012,
  migration013,
  migration014,
  migration015,
  migration016,
  migration017,
];
