/** Demo data for `--seed demo`: a deterministic generator and its loader. */
export { seedDemo, DEFAULT_DEMO_SEED, DEMO_PASSWORD, type SeedDemoOptions, type SeedDemoResult } from './load';
export { generateDemo, SIZES, type DemoData, type DemoSize, type GenerateOptions } from './generate';
