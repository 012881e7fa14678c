/** SLA engine (DESIGN.md §4): pure functions; time is always an input. */
export * from './calendar';
export * from './clock';
export * from './policy';
export * from './ticket-sla';
export * from './settings';
export * from './timezone';
