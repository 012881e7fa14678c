/**
 * Category as a type-ahead select: type part of the label in either language or the id ("水", "plumb"),
 * ↓/↑ to choose, Enter or Tab to take it. A native <select> only jumps by first letter, useless for Chinese.
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
  const options = matchCategories(text);
  const shown = editing ? text : value ? labels.category(value) : '';

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
      setEditing(true);
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActive((i) => (options.length === 0 ? 0 : (i + step + options.length) % options.length));
    } else if (event.key === 'Enter' && editing) {
      event.preventDefault();
      pick(options[active], true);
    } else if (event.key === 'Tab' && editing && text.trim() && !event.shiftKey) {
      pick(options[active], false); // Tab moves on by itself
    }
  }

  const expanded = editing && options.length > 0;
  return (
    <div className="intake-combo">
      <input
        ref={ref}
        id={`${listId}-input`}
        role="combobox"
        aria-label={t('intake.category')}
        aria-expanded={expanded}
        aria-controls={listId}
        aria-activedescendant={expanded ? `${listId}-${active}` : undefined}
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
      {expanded && (
        <ul id={listId} role="listbox" className="intake-combo-list" aria-label={t('intake.category')}>
          {options.map((c, i) => (
            <li
              key={c}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              className={i === active ? 'active' : undefined}
              onMouseDown={(e) => {
                e.preventDefault();
                pick(c, true);
              }}
            >
              {labels.category(c)}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
});
