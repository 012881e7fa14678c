/**
 * The keyboard layer's pure parts: the binding table (complete, unambiguous, every console action handled),
 * key normalization, the sequence matcher (chords, time-out, text-field suppression), the held-row list
 * mapping, selection, the step menu options and the bulk runner.
 */
import { describe, expect, it } from 'vitest';
import type { Ticket } from '../../../../../common/domain';
import {
  BINDINGS,
  COMPILED_BINDINGS,
  GO_VIEWS,
  GROUP_ORDER,
  bindingsInScope,
  compileBindings,
  type Binding,
  type Scope,
} from './bindings';
import { runBulk } from './bulk';
import { displayStep, isTextField, parseSequence, parseStep, stepFromEvent } from './keys';
import { followedId, heldView, relocate } from './listPosition';
import { CHORD_TIMEOUT_MS, createSequenceMatcher, ignoredByConsole } from './matcher';
import { codeMatches, matchesQuery } from './paletteFilter';
import { hasAction, registerAction, runAction } from './registry';
import { add, rangeRows, toggle, without } from './selection';
import { needingReason, reasonQuestion, refusal } from './ops';
import { stepOptions } from './steps';

const key = (k: string, mods: Partial<{ ctrl: boolean; shift: boolean; alt: boolean; meta: boolean }> = {}) => ({
  key: k,
  ctrlKey: mods.ctrl ?? false,
  shiftKey: mods.shift ?? false,
  altKey: mods.alt ?? false,
  metaKey: mods.meta ?? false,
});

describe('binding table', () => {
  it('gives every binding at least one key and a label in both languages', () => {
    for (const binding of BINDINGS) {
      expect(binding.keys.length, binding.action).toBeGreaterThan(0);
      expect(binding.label.zh.trim(), binding.action).not.toBe('');
      expect(binding.label.en.trim(), binding.action).not.toBe('');
      expect(GROUP_ORDER).toContain(binding.group);
    }
  });

  it('binds every DESIGN.md §7 action', () => {
    const actions = new Set(BINDINGS.map((b) => b.action));
    for (const id of [
      'list.next',
      'list.prev',
      'list.open',
      'console.back',
      'search.open',
      'palette.open',
      'intake.open',
      'ticket.assign',
      'ticket.assignToMe',
      'ticket.priority',
      'ticket.step',
      'ticket.note',
      'list.toggleSelect',
      'list.extendDown',
      'list.extendUp',
      'view.go',
      'help.open',
    ]) {
      expect(actions, id).toContain(id);
    }
    const priorities = BINDINGS.filter((b) => b.action === 'ticket.priority').map((b) => b.arg);
    expect(priorities).toEqual([0, 1, 2, 3, 4]);
    const views = BINDINGS.filter((b) => b.action === 'view.go').map((b) => b.arg);
    expect(views).toEqual(['inbox', 'unassigned', 'mine', 'overdue']);
  });

  it('has the documented keys', () => {
    const keysOf = (action: string, arg?: string | number) =>
      COMPILED_BINDINGS.find((b) => b.scope === 'console' && b.action === action && b.arg === arg)?.sequences;
    expect(keysOf('list.next')).toEqual([['j'], ['ArrowDown']]);
    expect(keysOf('ticket.assignToMe')).toEqual([['Shift+a']]);
    expect(keysOf('palette.open')).toEqual([['Ctrl+k']]);
    expect(keysOf('ticket.priority', 2)).toEqual([['p', '2']]);
    expect(keysOf('view.go', 'unassigned')).toEqual([['g', 'u']]);
    expect(keysOf('help.open')).toEqual([['?']]);
  });

  it('has no duplicate sequence and no sequence that is a prefix of another within a scope', () => {
    for (const scope of ['console', 'note', 'dialog'] satisfies Scope[]) {
      const sequences = bindingsInScope(scope).flatMap((b) => b.sequences.map((seq) => seq.join(' ')));
      expect(new Set(sequences).size, scope).toBe(sequences.length);
      for (const a of sequences) {
        for (const b of sequences) {
          if (a !== b) expect(b.startsWith(`${a} `), `${scope}: "${a}" is a prefix of "${b}"`).toBe(false);
        }
      }
    }
  });

  it('lets only modified keys or in-box keys fire in text fields', () => {
    for (const binding of COMPILED_BINDINGS.filter((b) => b.scope === 'console' && b.inText)) {
      for (const sequence of binding.sequences) {
        expect(
          sequence.every((step) => /^(Ctrl|Alt|Meta)\+/.test(step)),
          binding.action,
        ).toBe(true);
      }
    }
  });

  it('rejects a table with a typo in a key', () => {
    const bad: Binding = {
      keys: ['Sihft+A'],
      scope: 'console',
      group: 'ticket',
      action: 'x',
      label: { zh: 'x', en: 'x' },
    };
    expect(() => compileBindings([bad])).toThrow(/unknown modifier/);
  });

  it('names each g-view in both languages', () => {
    for (const go of GO_VIEWS) expect(go.name.zh && go.name.en).toBeTruthy();
  });
});

describe('key normalization', () => {
  it('writes steps canonically from events and from the table alike', () => {
    expect(stepFromEvent(key('j'))).toBe('j');
    expect(stepFromEvent(key('A', { shift: true }))).toBe('Shift+a');
    expect(parseStep('Shift+A')).toBe('Shift+a');
    expect(stepFromEvent(key('k', { ctrl: true }))).toBe('Ctrl+k');
    expect(parseStep('Ctrl+K')).toBe('Ctrl+k');
    // "?" already carries its Shift.
    expect(stepFromEvent(key('?', { shift: true }))).toBe('?');
    expect(stepFromEvent(key('ArrowDown', { shift: true }))).toBe('Shift+ArrowDown');
    expect(stepFromEvent(key('Esc'))).toBe('Escape');
    expect(stepFromEvent(key('Shift', { shift: true }))).toBeNull();
    expect(parseSequence('g  u')).toEqual(['g', 'u']);
    expect(() => parseSequence('  ')).toThrow();
  });

  it('shows steps the way an agent reads them', () => {
    expect(displayStep('j')).toBe('j');
    expect(displayStep('Shift+a')).toBe('Shift+A');
    expect(displayStep('Ctrl+k')).toBe('Ctrl+K');
    expect(displayStep('ArrowDown')).toBe('↓');
    expect(displayStep('Escape')).toBe('Esc');
  });

  it('knows which focused elements take typed text', () => {
    expect(isTextField({ tagName: 'INPUT', type: 'text' })).toBe(true);
    expect(isTextField({ tagName: 'input', type: null })).toBe(true);
    expect(isTextField({ tagName: 'INPUT', type: 'search' })).toBe(true);
    expect(isTextField({ tagName: 'TEXTAREA' })).toBe(true);
    expect(isTextField({ tagName: 'SELECT' })).toBe(true);
    expect(isTextField({ tagName: 'DIV', isContentEditable: true })).toBe(true);
    expect(isTextField({ tagName: 'DIV', role: 'combobox' })).toBe(true);
    expect(isTextField({ tagName: 'INPUT', type: 'checkbox' })).toBe(false);
    expect(isTextField({ tagName: 'BUTTON' })).toBe(false);
    expect(isTextField({ tagName: 'DIV', role: 'listbox' })).toBe(false);
    expect(isTextField(null)).toBe(false);
  });
});

describe('sequence matcher', () => {
  const console = bindingsInScope('console');
  const action = (result: ReturnType<ReturnType<typeof createSequenceMatcher>['feed']>) =>
    result.kind === 'match'
      ? `${result.binding.action}${result.binding.arg === undefined ? '' : `:${result.binding.arg}`}`
      : result.kind;

  it('matches single keys and alternatives', () => {
    const m = createSequenceMatcher(console);
    expect(action(m.feed('j', 0))).toBe('list.next');
    expect(action(m.feed('ArrowDown', 10))).toBe('list.next');
    expect(action(m.feed('Shift+a', 20))).toBe('ticket.assignToMe');
    expect(action(m.feed('a', 30))).toBe('ticket.assign');
  });

  it('matches a chord whose second key comes in time', () => {
    const m = createSequenceMatcher(console);
    expect(m.feed('g', 1000)).toEqual({ kind: 'pending', prefix: ['g'] });
    expect(m.pending(1500)).toEqual(['g']);
    expect(action(m.feed('u', 1000 + CHORD_TIMEOUT_MS))).toBe('view.go:unassigned');
    expect(m.pending(1000 + CHORD_TIMEOUT_MS)).toEqual([]);
    m.feed('p', 5000);
    expect(action(m.feed('3', 5100))).toBe('ticket.priority:3');
  });

  it('drops a chord after the time-out: the late key counts on its own', () => {
    const m = createSequenceMatcher(console);
    m.feed('g', 0);
    expect(m.pending(CHORD_TIMEOUT_MS + 1)).toEqual([]);
    // "o" alone opens the ticket; within the time-out "g o" would have gone to the overdue view.
    expect(action(m.feed('o', CHORD_TIMEOUT_MS + 1))).toBe('list.open');
    m.feed('p', 10_000);
    expect(m.feed('2', 10_000 + CHORD_TIMEOUT_MS + 50)).toEqual({ kind: 'none', cancelled: false });
  });

  it('swallows a wrong second key and reports the chord cancelled', () => {
    const m = createSequenceMatcher(console);
    m.feed('g', 0);
    expect(m.feed('x', 100)).toEqual({ kind: 'none', cancelled: true });
    // Nothing is left pending: the next key is a fresh start.
    expect(action(m.feed('x', 200))).toBe('list.toggleSelect');
  });

  it('keeps single keys quiet in text fields but lets Ctrl+K through', () => {
    const m = createSequenceMatcher(console);
    for (const step of ['j', 'k', 'a', 'Shift+a', 's', 'c', 'x', '?', '/', 'n', 'g', 'p', 'Escape', 'Enter']) {
      expect(m.feed(step, 0, { inText: true }), step).toEqual({ kind: 'none', cancelled: false });
    }
    expect(action(m.feed('Ctrl+k', 0, { inText: true }))).toBe('palette.open');
  });

  it('does not carry a chord into a text field', () => {
    const m = createSequenceMatcher(console);
    m.feed('g', 0);
    expect(m.feed('u', 100, { inText: true }).kind).toBe('none');
    expect(m.pending(200)).toEqual([]);
  });

  it('runs the note box keys from its own scope', () => {
    const m = createSequenceMatcher(bindingsInScope('note'));
    expect(action(m.feed('Ctrl+Enter', 0, { inText: true }))).toBe('note.save');
    expect(action(m.feed('Escape', 0, { inText: true }))).toBe('note.cancel');
    expect(m.feed('Enter', 0, { inText: true }).kind).toBe('none');
  });

  it('leaves dialogs to their own keys, but for Ctrl+K', () => {
    const m = createSequenceMatcher(console);
    for (const step of ['j', 'k', 'a', 's', 'c', 'x', '?', '/', 'n', 'g', 'p', 'Escape', 'Enter', 'ArrowDown']) {
      expect(m.feed(step, 0, { inDialog: true }), step).toEqual({ kind: 'none', cancelled: false });
      expect(m.feed(step, 0, { inDialog: true, inText: true }), step).toEqual({ kind: 'none', cancelled: false });
    }
    expect(action(m.feed('Ctrl+k', 0, { inDialog: true }))).toBe('palette.open');
    expect(action(m.feed('Ctrl+k', 0, { inDialog: true, inText: true }))).toBe('palette.open');
    // A chord begun on the page does not finish inside a dialog.
    m.feed('g', 0);
    expect(m.feed('u', 100, { inDialog: true }).kind).toBe('none');
    expect(m.pending(200)).toEqual([]);
    // Only modified keys may work from dialogs, as from text fields.
    for (const binding of COMPILED_BINDINGS.filter((b) => b.inDialog)) {
      expect(binding.inText, binding.action).toBe(true);
      for (const sequence of binding.sequences)
        expect(sequence.join(' '), binding.action).toMatch(/^(Ctrl|Alt|Meta)\+/);
    }
  });

  it('leaves Enter and Space on buttons alone', () => {
    expect(ignoredByConsole('Enter', { tagName: 'BUTTON' })).toBe(true);
    expect(ignoredByConsole('Enter', { tagName: 'INPUT', type: 'checkbox' })).toBe(true);
    expect(ignoredByConsole('j', { tagName: 'BUTTON' })).toBe(false);
    expect(ignoredByConsole('Enter', { tagName: 'DIV', role: 'listbox' })).toBe(false);
    expect(ignoredByConsole('Enter', null)).toBe(false);
  });
});

describe('action registry', () => {
  it('runs the latest handler, restores the previous one on unregister, and says when none exists', () => {
    const calls: string[] = [];
    expect(runAction('test.thing')).toBe(false);
    const first = registerAction('test.thing', (arg) => calls.push(`first:${String(arg)}`));
    const second = registerAction('test.thing', (arg) => calls.push(`second:${String(arg)}`));
    expect(runAction('test.thing', 1)).toBe(true);
    second();
    second(); // idempotent
    expect(runAction('test.thing', 2)).toBe(true);
    first();
    expect(hasAction('test.thing')).toBe(false);
    expect(runAction('test.thing', 3)).toBe(false);
    expect(calls).toEqual(['second:1', 'first:2']);
    expect(() => registerAction('', () => {})).toThrow();
  });
});

const row = (id: string) => ({ id });
const rowsOf = (ids: string[]) => (index: number) => (ids[index] === undefined ? undefined : row(ids[index]!));

describe('list position', () => {
  it('keeps a held ticket in place while the data still has it there', () => {
    const data = ['a0', 'a1', 'T', 'N', 'z'];
    const view = heldView(data.length, rowsOf(data), { index: 2, ticket: row('T') });
    expect(view.total).toBe(5);
    expect(Array.from({ length: view.total }, (_, i) => view.rowAt(i)?.id)).toEqual(data);
  });

  it('keeps a held ticket in place after it moved to the top', () => {
    const data = ['T', 'a0', 'a1', 'N', 'z'];
    const view = heldView(data.length, rowsOf(data), { index: 2, ticket: row('T') });
    expect(Array.from({ length: view.total }, (_, i) => view.rowAt(i)?.id)).toEqual(['a0', 'a1', 'T', 'N', 'z']);
    expect(view.dataIndex(3)).toBe(3);
    expect(view.dataIndex(2)).toBeNull();
  });

  it('keeps a held ticket in place after it left the view', () => {
    const data = ['a0', 'a1', 'N', 'z'];
    const view = heldView(data.length, rowsOf(data), { index: 2, ticket: row('T') });
    expect(view.total).toBe(5);
    expect(Array.from({ length: view.total }, (_, i) => view.rowAt(i)?.id)).toEqual(['a0', 'a1', 'T', 'N', 'z']);
    expect(view.dataIndex(3)).toBe(2);
  });

  it('follows the cursor ticket a few rows, and gives up beyond that', () => {
    const data = ['x', 'a0', 'a1', 'N', 'z'];
    expect(relocate(rowsOf(data), data.length, 2, 'N')).toBe(3);
    expect(relocate(rowsOf(data), data.length, 3, 'N')).toBeNull();
    expect(relocate(rowsOf(['N', 'b', 'c', 'd', 'e', 'f', 'g']), 7, 6, 'N')).toBeNull();
    expect(relocate(rowsOf(data), data.length, 2, null)).toBeNull();
  });

  it('takes the first ticket to follow from an answer, not from a kept page being asked for again', () => {
    // g u onto a view head kept from before a new urgent ticket N arrived: drawn [a, b], answered [N, a, b].
    const kept = rowsOf(['a', 'b']);
    const answer = rowsOf(['N', 'a', 'b']);
    let id = followedId(kept(0), null, { placedByAgent: false, settling: true });
    expect(id).toBeNull();
    expect(relocate(answer, 3, 0, id)).toBeNull(); // the cursor stays on the answer's first row, N
    id = followedId(answer(0), id, { placedByAgent: false, settling: false });
    expect(id).toBe('N');
    // Once it follows a ticket, a later refetch that adds a row on top keeps the cursor on that ticket.
    expect(followedId(answer(0), id, { placedByAgent: false, settling: true })).toBe('N');
    expect(relocate(rowsOf(['M', 'N', 'a']), 3, 0, 'N')).toBe(1);
    // A row the agent moved to is followed even while the page is still being asked for.
    expect(followedId(kept(1), null, { placedByAgent: true, settling: true })).toBe('b');
    // No row drawn yet (its page not loaded): keep what was followed.
    expect(followedId(undefined, 'b', { placedByAgent: true, settling: false })).toBe('b');
  });
});

describe('selection', () => {
  it('toggles, adds ranges (skipping unloaded rows) and drops done ids', () => {
    let selection = toggle(new Map(), row('a'));
    expect([...selection.keys()]).toEqual(['a']);
    selection = toggle(selection, row('a'));
    expect(selection.size).toBe(0);
    const rows = rowsOf(['a', 'b', 'c', 'd']);
    selection = add(selection, rangeRows(rows, 3, 1));
    expect([...selection.keys()]).toEqual(['b', 'c', 'd']);
    selection = add(selection, rangeRows(rowsOf(['a']), 0, 2));
    expect([...selection.keys()]).toEqual(['b', 'c', 'd', 'a']);
    expect([...without(selection, ['c', 'a']).keys()]).toEqual(['b', 'd']);
  });
});

describe('palette matching', () => {
  it('matches every term as a substring, Chinese included', () => {
    expect(matchesQuery('指派给我 Assign to me Shift+A', '指派')).toBe(true);
    expect(matchesQuery('指派给我 Assign to me Shift+A', 'assign me')).toBe(true);
    expect(matchesQuery('指派给我 Assign to me Shift+A', 'assign you')).toBe(false);
    expect(matchesQuery('anything', '   ')).toBe(true);
    expect(codeMatches('BX-20261126-0042', 'bx-2026')).toBe(true);
    expect(codeMatches('BX-20261126-0042', '0043')).toBe(false);
    expect(codeMatches(null, 'bx')).toBe(false);
  });
});

const ticket = (over: Partial<Ticket>): Ticket =>
  ({ id: over.id ?? 'id', type: 'repair', status: 'accepted', code: 'BX-1', title: 't', ...over }) as Ticket;

describe('step menu options', () => {
  it('offers the workflow next steps; a step needing a record opens the form only when one is registered', () => {
    const onSite = ticket({ status: 'on_site' });
    const withForm = stepOptions([onSite], true);
    const done = withForm.find((option) => option.status === 'done');
    expect(done?.mode).toBe('form');
    expect(done?.missing.length).toBeGreaterThan(0);
    expect(stepOptions([onSite], false).find((option) => option.status === 'done')?.mode).toBe('blocked');
    const accepted = stepOptions([ticket({ status: 'accepted' })], false);
    expect(accepted.find((option) => option.status === 'dispatched')?.mode).toBe('run');
  });

  it('merges the steps of several tickets and says how many each applies to', () => {
    const options = stepOptions([ticket({ id: 'a', status: 'new' }), ticket({ id: 'b', status: 'accepted' })], true);
    const accept = options.find((option) => option.status === 'accepted');
    expect(accept?.ready.map((t) => t.id)).toEqual(['a']);
    // Bulk never routes through the single-ticket form.
    expect(options.every((option) => option.mode !== 'form')).toBe(true);
  });
});

describe('ticket rules as the keyboard layer asks them', () => {
  const agent = {
    id: 'agent-1',
    username: 'agent01',
    name: '坐席一',
    role: 'agent',
    extension: null,
    teamId: 'cs',
  } as const;
  const lead = { ...agent, id: 'lead-1', username: 'lead01', role: 'lead' } as const;

  it('refuses, in the console language, what an agent may not do', () => {
    const held = ticket({ assigneeId: 'agent-2', teamId: 'plumbing', status: 'dispatched' });
    const take = { kind: 'assign', user: agent } as const;
    expect(refusal(agent, held, take, 'zh-CN')).toMatch(/主管/);
    expect(refusal(agent, held, take, 'en')).toMatch(/leads and admins/);
    expect(refusal(lead, held, take, 'zh-CN')).toBeNull();
  });

  it('knows which of a selection need a reason, and which question to ask', () => {
    const mine = ticket({ id: 'mine', assigneeId: 'agent-1', priority: 3 });
    const urgent = ticket({ id: 'urgent', assigneeId: null, priority: 0 });
    const raise = { kind: 'priority', priority: 1 } as const;
    expect(needingReason(agent, [mine, urgent], raise).map((t) => t.id)).toEqual(['mine']);
    expect(needingReason(agent, [mine], { kind: 'priority', priority: 2 })).toEqual([]);
    expect(needingReason(agent, [mine], { kind: 'status', status: 'cancelled' }).map((t) => t.id)).toEqual(['mine']);
    expect(reasonQuestion(raise)).toBe('priority');
    expect(reasonQuestion({ kind: 'status', status: 'cancelled' })).toBe('cancel');
    expect(reasonQuestion({ kind: 'assign', user: null })).toBe('reassign');
  });
});

describe('bulk runner', () => {
  it('runs every item, collects failures with reasons and reports progress', async () => {
    const progress: string[] = [];
    const touched: string[] = [];
    const result = await runBulk(
      [row('a'), row('b'), row('c'), row('d')],
      async (item) => {
        if (item.id === 'c') throw new Error('illegal transition');
        touched.push(item.id);
      },
      {
        precheck: (item) => (item.id === 'b' ? 'needs photos' : null),
        reasonOf: (error) => (error as Error).message,
        onProgress: (done, total) => progress.push(`${done}/${total}`),
      },
    );
    expect(result.done).toEqual(['a', 'd']);
    expect(result.failed).toEqual([
      { id: 'b', reason: 'needs photos' },
      { id: 'c', reason: 'illegal transition' },
    ]);
    expect(touched).toEqual(['a', 'd']); // the precheck refusal never reached the host
    expect(progress).toEqual(['1/4', '2/4', '3/4', '4/4']);
  });
});
