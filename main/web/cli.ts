/**
 * `npm run serve -- [--port 5180] [--server URL] [--profile DIR]`: the console in a browser, for machines without
 * an Electron binary. Prints exactly one line on stdout, `Desk console: <url>`, which scripts and tests wait for.
 */
import { UsageError } from '../shell/args';
import { parseServeArgs } from './args';
import { runBrowserHost } from './run';

async function main(): Promise<void> {
  const host = await runBrowserHost(parseServeArgs(process.argv.slice(2), process.env));
  console.log(`Desk console: ${host.url}`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(130); // second Ctrl+C: the user wants out now
    stopping = true;
    console.error(`[browser-host] ${signal}: closing…`);
    host.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error('[browser-host] error while closing:', err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof UsageError ? `Error: ${err.message}` : err);
  process.exit(err instanceof UsageError ? 2 : 1);
});
