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
