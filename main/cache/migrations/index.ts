/** Every cache migration, in order. Add a file per schema change and list it here; never edit a shipped one. */
import type { Migration } from '../migrate';
import { migration001 } from './001_init';

export const MIGRATIONS: readonly Migration[] = [migration001];
