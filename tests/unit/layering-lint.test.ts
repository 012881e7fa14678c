// The layering rule must actually fire: lint a few offending snippets as if they lived in each folder.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function restrictedImports(filePath: string, code: string): Promise<number> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').length;
}

describe('layering lint rule (DESIGN.md §3)', () => {
  it.each([
    ['common/x.ts', "import { readFileSync } from 'node:fs';"],
    ['common/x.ts', "import fs from 'fs';"],
    ['common/x.ts', "import { app } from 'electron';"],
    ['common/x.ts', "import { createDesk } from '../main/desk';"],
    ['renderer/src/x.ts', "import Database from 'better-sqlite3';"],
    ['renderer/src/x.ts', "import { buildServer } from '../../server/app';"],
    ['renderer/src/x.ts', "import { ipcRenderer } from 'electron';"],
    ['server/x.ts', "import { createDesk } from '../main/desk';"],
    ['server/x.ts', "import { app } from 'electron';"],
    ['main/desk.ts', "import { app } from 'electron';"],
    ['main/web/x.ts', "import { BrowserWindow } from 'electron';"],
    ['main/x.ts', "import { buildServer } from '../server/app';"],
    ['preload/index.ts', "import { createDesk } from '../main/desk';"],
  ])('%s: %s is refused', async (file, code) => {
    expect(await restrictedImports(file, `${code}\nexport {};\n`)).toBeGreaterThan(0);
  });

  it.each([
    ['common/x.ts', "import { z } from 'zod';"],
    ['renderer/src/x.ts', "import { METHODS } from '../../common/contract';"],
    ['server/x.ts', "import { readFileSync } from 'node:fs';"],
    ['main/app/x.ts', "import { app } from 'electron';"],
    ['preload/index.ts', "import { contextBridge } from 'electron';"],
    ['main/desk.ts', "import Database from 'better-sqlite3';"],
    // Folder names that are also Node built-in names must not trip the rule.
    ['renderer/src/x.ts', "import { Ticket } from '../../common/domain';"],
    ['renderer/src/x.ts', "import { ConsoleApp } from './features/console/ConsoleApp';"],
  ])('%s: %s is allowed', async (file, code) => {
    expect(await restrictedImports(file, `${code}\nexport {};\n`)).toBe(0);
  });
});
