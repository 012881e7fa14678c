/**
 * Vitest setup file: new password hashes made inside test processes use N = 2^12 instead of the production 2^17
 * (server/auth/password.ts), which costs about 0.4 s per hash here — the suites create and log in hundreds of users.
 * Tests that prove the production cost put it back themselves (tests/unit/auth.test.ts). Child processes (a
 * server started with `tsx server/cli.ts`) are untouched and hash at the production cost.
 */
import { setScryptParamsForTests } from '../../server/auth/password';

setScryptParamsForTests({ N: 2 ** 12, r: 8, p: 1 });
