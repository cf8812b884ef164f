// Entry point of the `rolegate` binary.
import { reportError } from './lib/report-error.ts';
import { buildProgram } from './program.ts';

try {
  await buildProgram().parseAsync(process.argv);
} catch (error) {
  reportError(error);
}
