/**
 * The one declaration of a ticket's fields (common/ticket-fields, issue 13) and what derives from it. A field added
 * to the declaration alone (no server migration replacing ticket_wire_json, no desk cache column), a wire order
 * that drifts from sync schema 5, or a side that stops following the declaration fails here. The round trip
 * through a real server database is tests/integration/ticket-fields.test.ts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Ticket } from '../../common/domain';
import { TICKET_ROW_FIELDS, ticketFromWire } from '../../common/sync';
import { TICKET_FIELDS } from '../../common/ticket-fields';
import { TICKET_COLUMNS, ticketToParams } from '../../server/db/rows';
import { openTempCache } from '../support/cache';
import { testPhoneHash } from '../support/phone-hash';
import { everyFieldSet, sampleTicket } from '../support/ticket-sample';

/**
 * The ticket row of sync schema 5 as it was written out before the declaration existed. Frozen: changing the wire
 * means a new schema version, and then this list (and the row below) with it.
 */
const SCHEMA_5_ROW = [
  'id',
  'code',
  'type',
  'category',
  'channel',
  'priority',
  'status',
  'title',
  'description',
  'unitId',
  'unitCode',
  'residentId',
  'residentName',
  'phone',
  'teamId',
  'assigneeId',
  'createdBy',
  'createdAt',
  'updatedAt',
  'closedAt',
  'version',
  'tags',
  'slaMilestone',
  'slaStartedAt',
  'slaDueAt',
  'slaRiskAt',
  'slaPausedAt',
  'slaRemainingMinutes',
  'slaProvisional',
  'slaPauses',
  'phoneHash',
];

const sample = sampleTicket(testPhoneHash);
/** `sample` as a schema-5 row, serialized by the pre-declaration code (the old TICKET_ROW_FIELDS literal). */
const SAMPLE_ROW_JSON =
  '["6f1c2a4e-9b3d-4c5e-8f7a-1b2c3d4e5f60","BX-20261126-0042","repair","plumbing","phone",2,"on_hold",' +
  '"厨房水管漏水","住户来电反映厨房水管漏水","p1-3-1-502","3-1-502","r1","张伟","138 **** 8000","cs",' +
  '"22222222-2222-4222-8222-222222222222","33333333-3333-4333-8333-333333333333","2026-11-26T01:02:03.456Z",' +
  '"2026-11-26T03:04:05.678Z","2026-11-27T09:00:00.000Z",3,["elderly","vip"],"fix","2026-11-26T01:02:03.456Z",' +
  '"2026-11-27T01:02:03.456Z","2026-11-26T19:02:03.456Z","2026-11-26T03:04:05.678Z",12.5,true,' +
  '[{"start":"2026-11-26T02:00:00.000Z","end":"2026-11-26T02:30:00.000Z"},{"start":"2026-11-26T03:04:05.678Z","end":null}],' +
  `"${testPhoneHash('+8613800138000')}"]`;

/** The expressions of the json_build_array in the newest server migration that defines ticket_wire_json. */
function latestWireFunction(): { file: string; args: string[] } {
  const dir = join(__dirname, '../../server/db/migrations');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort();
  for (const file of files.reverse()) {
    const sql = readFileSync(join(dir, file), 'utf8');
    const at = sql.lastIndexOf('FUNCTION ticket_wire_json');
    if (at < 0) continue;
    const body = sql.slice(sql.indexOf('json_build_array(', at) + 'json_build_array('.length);
    // Split the arguments at top-level commas (inside no parentheses and no string literal).
    const args: string[] = [];
    let depth = 0;
    let quoted = false;
    let current = '';
    for (const ch of body) {
      if (ch === "'") quoted = !quoted;
      if (!quoted && ch === '(') depth++;
      if (!quoted && ch === ')' && depth-- === 0) break;
      if (!quoted && ch === ',' && depth === 0) {
        args.push(current.trim());
        current = '';
      } else current += ch;
    }
    args.push(current.trim());
    return { file, args };
  }
  throw new Error('no migration defines ticket_wire_json');
}

describe('the ticket field declaration', () => {
  it('the sample sets every declared field to a value other than its default', () => {
    expect(everyFieldSet(sample)).toEqual([]);
    expect(Ticket.parse(sample)).toEqual(sample);
  });

  it('gives the wire order of sync schema 5, byte for byte', () => {
    expect([...TICKET_ROW_FIELDS]).toEqual(SCHEMA_5_ROW);
    expect(JSON.stringify(TICKET_ROW_FIELDS.map((f) => sample[f]))).toBe(SAMPLE_ROW_JSON);
    expect(JSON.stringify(SCHEMA_5_ROW.map((f) => sample[f as keyof Ticket]))).toBe(SAMPLE_ROW_JSON);
    expect(ticketFromWire(JSON.parse(SAMPLE_ROW_JSON))).toEqual(sample);
  });

  it('the database function that writes wire rows reads the declared columns in the declared order', () => {
    const { file, args } = latestWireFunction();
    // Each value's column: the first `t.<column>` it reads. The wire carries the masked phone in phone's place
    // and computes phoneHash from the stored number (migration 0010).
    const read = args.map((a) => /\bt\.(\w+)/.exec(a)?.[1] ?? a);
    const expected = TICKET_FIELDS.map((f) =>
      f.field === 'phone' ? 'phone_masked' : f.field === 'phoneHash' ? 'phone' : f.column,
    );
    expect({ file, read }).toEqual({ file, read: expected });
    expect(args.at(-1)).toMatch(/phone_hash\(t\.phone\)/);
  });

  it('the server writes every stored field, in TICKET_COLUMNS order', () => {
    const columns = TICKET_COLUMNS.split(', ');
    const stored = TICKET_FIELDS.filter((f) => !('serverColumn' in f));
    expect(columns).toEqual([...stored.map((f) => f.column), 'phone_masked']);
    const params = ticketToParams(sample);
    expect(params).toHaveLength(columns.length);
    stored.forEach((f, i) => {
      const value = f.field === 'slaPauses' ? JSON.parse(params[i] as string) : params[i];
      expect({ field: f.field, value }).toEqual({ field: f.field, value: sample[f.field] });
    });
  });

  it('the desk cache has a column for every declared field and gives each back as written', () => {
    const cache = openTempCache('desk-ticket-fields-');
    try {
      const columns = new Set(
        cache.repos.db.prepare<[], { name: string }>("SELECT name FROM pragma_table_info('tickets')").all(),
      );
      const names = new Set([...columns].map((c) => c.name));
      expect(TICKET_FIELDS.filter((f) => !names.has(f.column)).map((f) => f.column)).toEqual([]);
      cache.repos.tickets.put(sample);
      expect(cache.repos.tickets.get(sample.id)).toEqual(sample);
    } finally {
      cache.dispose();
    }
  });
});
