/** One text in both languages at once, each marked with its language for screen readers and fonts. */
import type { Bilingual } from '../../i18n/kiosk';

export function Bi({ text, className }: { text: Bilingual; className?: string }) {
  return (
    <span className={className ? `kiosk-bi ${className}` : 'kiosk-bi'}>
      <span lang="zh-CN">{text.zh}</span>
      <span lang="en" className="kiosk-en">
        {text.en}
      </span>
    </span>
  );
}

/** For attributes (aria-label, title) that hold one string. */
export const both = (text: Bilingual) => `${text.zh} / ${text.en}`;
