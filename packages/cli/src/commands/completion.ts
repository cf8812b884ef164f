// `rolegate completion bash|zsh|fish`: prints a completion script generated from this program's
// commands and flags (../actions/completion.ts, which loads nothing but walks the program).
import { Argument, type Command } from 'commander';

export function registerCompletionCommand(program: Command): void {
  program
    .command('completion')
    .description('print a shell completion script (bash, zsh or fish) for rolegate')
    // The shells are written out here, not imported, so the command layer loads no action module.
    .addArgument(new Argument('<shell>', 'bash, zsh or fish').choices(['bash', 'zsh', 'fish']))
    .action(async (shell: 'bash' | 'zsh' | 'fish') => {
      const { completionScript } = await import('../actions/completion.ts');
      process.stdout.write(completionScript(program, shell));
    });
}
