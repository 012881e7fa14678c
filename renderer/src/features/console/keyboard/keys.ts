/**
 * Key names, DOM-free. A "step" is one key press written canonically: modifiers in a fixed order
 * (Ctrl, Alt, Meta, Shift) then the key, e.g. `j`, `Shift+a`, `Ctrl+k`, `?`, `ArrowDown`, `Escape`.
 * Letters are lower-case with an explicit `Shift+`; other printable characters are taken as typed
 * (`?` already says Shift was held), so layouts that put `?` elsewhere still work.
 */

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  altKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
}

const MODIFIER_KEYS = new Set(['Shift', 'Control', 'Alt', 'Meta', 'AltGraph', 'CapsLock', 'OS']);
const NAMED_ALIASES: Record<string, string> = {
  Esc: 'Escape',
  Up: 'ArrowUp',
  Down: 'ArrowDown',
  Left: 'ArrowLeft',
  Right: 'ArrowRight',
  Spacebar: ' ',
  Space: ' ',
};

function canonical(key: string, mods: { ctrl: boolean; alt: boolean; meta: boolean; shift: boolean }): string {
  const single = [...key].length === 1;
  const letter = single && key.toLowerCase() !== key.toUpperCase();
  // Shift is part of a printed symbol ("?", "!"), so it is only spelled out for letters and named keys.
  const showShift = mods.shift && (letter || !single);
  const parts: string[] = [];
  if (mods.ctrl) parts.push('Ctrl');
  if (mods.alt) parts.push('Alt');
  if (mods.meta) parts.push('Meta');
  if (showShift) parts.push('Shift');
  parts.push(letter ? key.toLowerCase() : key);
  return parts.join('+');
}

/** The canonical step for a key event; null for a bare modifier press (it starts nothing). */
export function stepFromEvent(event: KeyLike): string | null {
  if (MODIFIER_KEYS.has(event.key) || event.key === 'Dead' || event.key === 'Unidentified') return null;
  const key = NAMED_ALIASES[event.key] ?? event.key;
  return canonical(key, { ctrl: event.ctrlKey, alt: event.altKey, meta: event.metaKey, shift: event.shiftKey });
}

/**
 * Parses one written step such as `Shift+A`, `Ctrl+K`, `?` or `ArrowDown` into its canonical form.
 * Throws on an empty step or an unknown modifier, so a typo in the binding table fails at load (and in tests).
 */
export function parseStep(text: string): string {
  const parts = text.split('+');
  const key = parts.pop();
  if (!key) throw new Error(`Key step "${text}" names no key`);
  const mods = { ctrl: false, alt: false, meta: false, shift: false };
  for (const part of parts) {
    const name = part.toLowerCase();
    if (name === 'ctrl' || name === 'control') mods.ctrl = true;
    else if (name === 'alt') mods.alt = true;
    else if (name === 'meta' || name === 'cmd') mods.meta = true;
    else if (name === 'shift') mods.shift = true;
    else throw new Error(`Key step "${text}" has an unknown modifier "${part}"`);
  }
  return canonical(NAMED_ALIASES[key] ?? key, mods);
}

/** A written sequence, steps separated by spaces: `g u` → ['g', 'u']. */
export function parseSequence(text: string): string[] {
  const steps = text.trim().split(/\s+/).filter(Boolean).map(parseStep);
  if (steps.length === 0) throw new Error('Empty key sequence');
  return steps;
}

/** Text for a key hint, e.g. `Shift+a` → `Shift+A`, `ArrowDown` → `↓`, `j` → `j`. */
export function displayStep(step: string): string {
  const symbols: Record<string, string> = {
    ArrowDown: '↓',
    ArrowUp: '↑',
    ArrowLeft: '←',
    ArrowRight: '→',
    Escape: 'Esc',
    ' ': 'Space',
  };
  const parts = step.split('+');
  const key = parts.pop() ?? '';
  // A bare letter stays lower-case ("j" is what the agent presses); with a modifier it reads "Shift+A".
  const shown = symbols[key] ?? (parts.length > 0 && key.length === 1 ? key.toUpperCase() : key);
  return [...parts, shown].join('+');
}

/** What the matcher needs to know about the focused element (kept DOM-free for tests). */
export interface FocusTarget {
  tagName: string;
  type?: string | null;
  isContentEditable?: boolean;
  role?: string | null;
}

// Input types that take typed characters; checkboxes, buttons and radios do not swallow single keys.
const TEXT_INPUT_TYPES = new Set([
  'text',
  'search',
  'email',
  'number',
  'password',
  'tel',
  'url',
  'date',
  'datetime-local',
  'month',
  'time',
  'week',
]);

/** Whether single-key bindings must stay quiet because the agent is typing here. */
export function isTextField(target: FocusTarget | null | undefined): boolean {
  if (!target) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName.toUpperCase();
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') return TEXT_INPUT_TYPES.has((target.type ?? 'text').toLowerCase());
  return target.role === 'textbox' || target.role === 'combobox' || target.role === 'searchbox';
}
