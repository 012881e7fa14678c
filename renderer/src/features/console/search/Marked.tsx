/**
 * A search highlight's text with its ranges in <mark>: React elements and text nodes, never HTML strings. The
 * whole text is one inline <span>, so a flex or grid parent (the result's line) lays it out as one item: its
 * text runs and marks are not spread apart by the parent's gap ("接口处 漏水 ，").
 */
import type { SearchHighlight } from '../../../../../common/contract';
import { splitHighlights } from './highlight';

export function Marked({ highlight, className }: { highlight: SearchHighlight; className?: string }) {
  return (
    <span className={className}>
      {splitHighlights(highlight.text, highlight.ranges).map((segment, i) =>
        segment.mark ? <mark key={i}>{segment.text}</mark> : segment.text,
      )}
    </span>
  );
}
