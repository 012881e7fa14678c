// `npm run serve -- [--port 5180] [--server URL] [--profile DIR]`: the browser host alone, built first if stale.
import { spawn } from 'node:child_process';
import { ensureBuilt, root, tsx } from './lib.mjs';

ensureBuilt();
const child = spawn(tsx[0], [tsx[1], 'main/web/cli.ts', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 0));
