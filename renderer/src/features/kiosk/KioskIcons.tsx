/** Line icons for the kiosk services, drawn inline: lobby machines cannot be trusted to have emoji fonts. */
const common = {
  viewBox: '0 0 48 48',
  fill: 'none',
  stroke: 'currentColor',
  strokeWidth: 3,
  strokeLinecap: 'round',
  strokeLinejoin: 'round',
  'aria-hidden': true,
} as const;

export function TicketIcon() {
  return (
    <svg {...common}>
      <path d="M6 14h36v6a4 4 0 0 0 0 8v6H6v-6a4 4 0 0 0 0-8z" />
      <path d="M30 14v20" strokeDasharray="3 4" />
    </svg>
  );
}

export function WrenchIcon() {
  return (
    <svg {...common}>
      <path d="M29 7a10 10 0 0 0-9 14L8 33a4 4 0 0 0 6 6l12-12a10 10 0 0 0 14-9l-6 6-6-2-2-6 6-6a10 10 0 0 0-3-3z" />
    </svg>
  );
}

export function SearchIcon() {
  return (
    <svg {...common}>
      <circle cx="21" cy="21" r="12" />
      <path d="M30 30l11 11" />
    </svg>
  );
}

/** Pictograms of the repair categories: big, simple shapes a resident recognises without reading. */
const CATEGORY_PATHS: Record<string, string[]> = {
  plumbing: ['M24 6c-6 9-12 15-12 22a12 12 0 0 0 24 0c0-7-6-13-12-22z'],
  electrical: ['M27 4L11 27h11l-3 17 17-24H25z'],
  lift: ['M10 6h28v36H10z', 'M24 6v36', 'M16 20l-3 4h6z', 'M32 28l-3-4h6z'],
  access: ['M14 22v-6a10 10 0 0 1 20 0v6', 'M10 22h28v20H10z', 'M24 30v5'],
  cleaning: ['M30 6L20 26', 'M12 26h18l4 16H8z', 'M14 34v8', 'M22 34v8'],
  security: ['M24 4l16 6v12c0 10-7 17-16 22C15 39 8 32 8 22V10z', 'M24 16v10', 'M24 32v1'],
  noise: ['M8 18h8l10-8v28l-10-8H8z', 'M33 17a10 10 0 0 1 0 14', 'M38 12a17 17 0 0 1 0 24'],
  parking: ['M12 6h24v36H12z', 'M20 34V14h7a6 6 0 0 1 0 12h-7'],
  other: ['M24 4a20 20 0 1 0 0 40a20 20 0 1 0 0-40z', 'M18 19a6 6 0 1 1 8 6c-2 1-2 2-2 5', 'M24 35v1'],
};

export function CategoryIcon({ category }: { category: string }) {
  return (
    <svg {...common}>
      {(CATEGORY_PATHS[category] ?? CATEGORY_PATHS.other!).map((d) => (
        <path key={d} d={d} />
      ))}
    </svg>
  );
}
