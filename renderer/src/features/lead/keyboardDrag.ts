/**
 * Keyboard dragging between agent cards (@dnd-kit's KeyboardSensor): an arrow key jumps to the next or previous
 * card in reading order instead of nudging the ticket 25 px at a time.
 */
import type { KeyboardCoordinateGetter } from '@dnd-kit/core';

const FORWARD = new Set(['ArrowDown', 'ArrowRight']);
const BACKWARD = new Set(['ArrowUp', 'ArrowLeft']);

export const jumpBetweenCards: KeyboardCoordinateGetter = (event, { context }) => {
  const forward = FORWARD.has(event.code);
  if (!forward && !BACKWARD.has(event.code)) return undefined;
  event.preventDefault();
  const { droppableRects, droppableContainers, over, collisionRect } = context;
  const cards = droppableContainers
    .getEnabled()
    .flatMap((c) => {
      const rect = droppableRects.get(c.id);
      return rect ? [{ id: c.id, rect }] : [];
    })
    .sort((a, b) => a.rect.top - b.rect.top || a.rect.left - b.rect.left);
  if (cards.length === 0) return undefined;
  const at = over ? cards.findIndex((c) => c.id === over.id) : -1;
  const next =
    at < 0 ? (forward ? 0 : cards.length - 1) : Math.min(cards.length - 1, Math.max(0, at + (forward ? 1 : -1)));
  const { rect } = cards[next]!;
  // Centre the dragged ticket on the card: closestCenter then names that card as `over`.
  const width = collisionRect?.width ?? 0;
  const height = collisionRect?.height ?? 0;
  return { x: rect.left + rect.width / 2 - width / 2, y: rect.top + rect.height / 2 - height / 2 };
};
