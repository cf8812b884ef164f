// The `rolegate` command: a thin layer over the packages. This file and src/commands/ hold flags
// and descriptions only; each command's action imports its implementation (src/actions/) when it
// runs, so `rolegate --version` loads commander alone and `policy check` only @rolegate/policy.
// test/lazy-loading.test.ts fails when a top-level import here or in a command pulls in more.
import { Command } from 'commander';
import { registerBrokerCommand } from './commands/broker.ts';
import { registerCompletionCommand } from './commands/completion.ts';
import { registerCredentialProcessCommand } from './commands/credential-process.ts';
import { registerDemoCommand } from './commands/demo.ts';
import { registerDevCommand } from './commands/dev.ts';
import { registerExecCommand } from './commands/exec.ts';
import { registerGatewayCommand } from './commands/gateway.ts';
import { registerKeysCommand } from './commands/keys.ts';
import { registerPolicyCommand } from './commands/policy.ts';
import { registerProofCommand } from './commands/proof.ts';
import { registerServeCommand } from './commands/serve.ts';
import { registerTokenCommand } from './commands/token.ts';
import { registerUpdateCommand } from './commands/update.ts';

export function buildProgram(): Command {
  const program = new Command('rolegate')
    .description('Know which AWS IAM principal or workload is calling, and decide whether it may.')
    .version('0.1.0');
  registerDevCommand(program);
  registerDemoCommand(program);
  registerBrokerCommand(program);
  registerGatewayCommand(program);
  registerTokenCommand(program);
  registerProofCommand(program);
  registerExecCommand(program);
  registerKeysCommand(program);
  registerPolicyCommand(program);
  registerCredentialProcessCommand(program);
  registerServeCommand(program);
  registerUpdateCommand(program);
  registerCompletionCommand(program);
  return program;
}
