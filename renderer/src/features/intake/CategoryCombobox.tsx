/**
 * Category as a type-ahead select: type part of the label in either language or the id ("水", "plumb"),
 * ↓/↑ to choose, Enter or Tab to take it, Esc to leave the typed text. A native <select> only jumps by first
 * letter, useless for Chinese.
 *
 * The suggestions are a grid of every category under the field, in space of their own (two rows) that is always
 * there: typing narrows it, nothing pops up over the fields below (type, priority…) and nothing moves.
 */
import { forwardRef, useId, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { CATEGORIES, type Category } from '../../../../common/domain';
import { en } from '../../i18n/en';
import { zhCN } from '../../i18n/zh-CN';
import { useLabels } from '../../i18n/labels';

export function matchCategories(text: string): Category[] {
  const needle = text.trim().toLowerCase();
  if (!needle) return [...CATEGORIES];
  return CATEGORIES.filter((c) =>
    [c, zhCN.category[c], en.category[c]].some((label) => label.toLowerCase().includes(needle)),
  );
}

export const CategoryCombobox = forwardRef<
  HTMLInputElement,
  { value: Category | null; onChange: (category: Category) => void; onPicked: () => void }
>(function CategoryCombobox({ value, onChange, onPicked }, ref) {
  const { t } = useTranslation();
  const labels = useLabels();
  const listId = useId();
  const [text, setText] = useState('');
  const [editing, setEditing] = useState(false);
  const [active, setActive] = useState(0);
  const options = editing ? matchCategories(text) : [...CATEGORIES];
  const shown = editing ? text : value ? labels.category(value) : '';
  const expanded = options.length > 0;
  const activeIndex = editing ? Math.min(active, options.length - 1) : value ? options.indexOf(value) : -1;

  function pick(category: Category | undefined, advance: boolean) {
    if (!category) return;
    onChange(category);
    setEditing(false);
    setText('');
    if (advance) onPicked();
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      if (!editing) {
        // The first arrow starts on the chosen category (or the first one).
        setEditing(true);
        setActive(value ? CATEGORIES.indexOf(value) : 0);
        return;
      }
      setActive((i) => (options.length === 0 ? 0 : (i + step + options.length) % options.length));
    } else if (event.key === 'Enter' && editing) {
      event.preventDefault();
      pick(options[activeIndex], true);
    } else if (event.key === 'Tab' && editing && text.trim() && !event.shiftKey) {
      pick(options[activeIndex], false); // Tab moves on by itself
    } else if (event.key === 'Escape' && editing) {
      // The first Esc drops the typed filter (back to the chosen category); the next one is the dialog's.
      event.preventDefault();
      setEditing(false);
      setText('');
    }
  }

  return (
    <div className="intake-combo">
      <input
        ref={ref}
        id={`${listId}-input`}
        role="combobox"
        aria-label={t('intake.category')}
        aria-expanded={expanded}
        aria-controls={listId}
        aria-activedescendant={editing && expanded ? `${listId}-${activeIndex}` : undefined}
        aria-autocomplete="list"
        placeholder={t('intake.categoryHint')}
        value={shown}
        onChange={(e) => {
          setEditing(true);
          setText(e.target.value);
          setActive(0);
        }}
        onKeyDown={onKeyDown}
        onBlur={() => setEditing(false)}
      />
      <ul id={listId} role="listbox" className="intake-combo-list" aria-label={t('intake.category')}>
        {options.map((c, i) => (
          <li
            key={c}
            id={`${listId}-${i}`}
            role="option"
            aria-selected={i === activeIndex}
            className={i === activeIndex ? 'active' : undefined}
            onMouseDown={(e) => {
              e.preventDefault();
              pick(c, true);
            }}
          >
            {labels.category(c)}
          </li>
        ))}
      </ul>
    </div>
  );
});
