// A demo backend of `rolegate dev` (billing or rates: JSON echoing what it received) alone in its
// own process, on a fixed port, so the backend-crash fault can SIGKILL it and start it again
// where the gateway expects it. Usage: backend-process.ts <name> <port>
import { startDemoBackend } from '../../packages/cli/src/dev/demo-backends.ts';

const [name, port] = process.argv.slice(2) as [string, string];
const backend = await startDemoBackend(name, Number(port));
process.stdout.write(`${JSON.stringify({ url: backend.url })}\n`);
process.on('SIGTERM', () => void backend.close().then(() => process.exit(0)));
process.on('disconnect', () => void backend.close().then(() => process.exit(0)));
