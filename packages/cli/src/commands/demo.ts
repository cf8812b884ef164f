// `rolegate demo`: a scripted exchange against a running `rolegate dev` (or one it starts itself),
// then the Lattice + SPIFFE walkthrough through the gateway. What it runs, and the emulators it
// may start, are loaded only when the command runs: ../actions/demo.ts.
import type { Command } from 'commander';
import { DEFAULT_DEV_STATE_DIR } from '../dev/dev-state.ts';

export interface DemoFlags {
  readonly stateDir: string;
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'run a scripted token exchange against `rolegate dev` and print the decoded tokens',
    )
    .option(
      '--state-dir <dir>',
      'the state folder of a running `rolegate dev`',
      DEFAULT_DEV_STATE_DIR,
    )
    .action(async (flags: DemoFlags) => {
      const { runDemo } = await import('../actions/demo.ts');
      await runDemo(flags);
    });
}
