// `npm run serve -- [--port 5180] [--server URL] [--profile DIR]`: the browser host alone, built first if stale.
import { spawn } from 'node:child_process';
import { ensureBuilt, root, webHost } from './lib.mjs';

ensureBuilt();
const child = spawn(webHost[0], [webHost[1], ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 0));
