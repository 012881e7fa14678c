import { defineConfig } from '@playwright/test';

// Debian's Chromium (apt-get install chromium); Playwright's own browser download cannot work here.
const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export default defineConfig({
  testDir: 'tests/e2e',
  // The demo data, seeded once for the run; each spec's stack copies it (tests/e2e/demo-template.ts).
  globalSetup: './tests/e2e/demo-template.ts',
  timeout: 90_000,
  expect: { timeout: 10_000 },
  workers: 1,
  retries: 0,
  outputDir: 'test-results/e2e',
  use: { trace: 'retain-on-failure', locale: 'zh-CN' },
  projects: [
    {
      name: 'browser-host',
      grepInvert: /@electron/,
      use: {
        browserName: 'chromium',
        launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: chromiumArgs },
      },
    },
    { name: 'electron', grep: /@electron/ },
  ],
});
