// What `rolegate completion bash|zsh|fish` runs (its flags: ../commands/completion.ts): a shell
// script generated from the commander program itself — its commands, subcommands and flags — so
// the completion never drifts from the CLI. It walks the program it is given and loads nothing.
import type { Command, Option } from 'commander';

export const COMPLETION_SHELLS = ['bash', 'zsh', 'fish'] as const;
export type CompletionShell = (typeof COMPLETION_SHELLS)[number];

/** One command of the tree: its words from the root ("" for the root itself). */
interface CommandNode {
  readonly path: string;
  readonly subcommands: readonly { readonly name: string; readonly description: string }[];
  readonly flags: readonly FlagInfo[];
}

interface FlagInfo {
  readonly names: readonly string[];
  readonly takesValue: boolean;
  readonly description: string;
}

export function completionScript(program: Command, shell: CompletionShell): string {
  const nodes = commandTree(program);
  const name = program.name();
  if (shell === 'fish') return fishScript(name, nodes);
  const bash = bashFunctions(name, nodes);
  if (shell === 'bash')
    return `# ${name} completion for bash. Install: ${name} completion bash > ~/.local/share/bash-completion/completions/${name}\n${bash}complete -o default -F _${ident(name)}_completion ${name}\n`;
  // zsh runs the same functions through its bash completion emulation.
  return `#compdef ${name}\n# ${name} completion for zsh. Install: ${name} completion zsh > "\${fpath[1]}/_${name}" (or eval "$(${name} completion zsh)" in ~/.zshrc)\nautoload -U +X bashcompinit && bashcompinit\n${bash}complete -o default -F _${ident(name)}_completion ${name}\n`;
}

function commandTree(program: Command): CommandNode[] {
  const nodes: CommandNode[] = [];
  const visit = (command: Command, path: string) => {
    const visible = command.commands.filter((c) => !isHidden(c));
    nodes.push({
      path,
      subcommands: visible.map((c) => ({ name: c.name(), description: c.description() })),
      flags: [...command.options.filter((o) => !o.hidden).map(flagInfo), HELP_FLAG],
    });
    for (const sub of visible) visit(sub, path === '' ? sub.name() : `${path} ${sub.name()}`);
  };
  visit(program, '');
  return nodes;
}

const HELP_FLAG: FlagInfo = { names: ['-h', '--help'], takesValue: false, description: 'help' };

function isHidden(command: Command): boolean {
  // commander keeps `hidden: true` of .command(name, { hidden: true }) in a private field.
  return (command as unknown as { _hidden?: boolean })._hidden === true;
}

function flagInfo(option: Option): FlagInfo {
  const names = [option.short, option.long].filter((n): n is string => n !== undefined);
  return { names, takesValue: option.required || option.optional, description: option.description };
}

const ident = (name: string) => name.replace(/[^A-Za-z0-9]/g, '_');
const words = (list: readonly string[]) => list.join(' ');

/** bash (and zsh through bashcompinit): find the command path in COMP_WORDS, then offer words. */
function bashFunctions(name: string, nodes: readonly CommandNode[]): string {
  const fn = `_${ident(name)}`;
  const cases = (pick: (node: CommandNode) => string) =>
    nodes.map((node) => `    '${node.path}') echo '${pick(node)}' ;;`).join('\n');
  return `${fn}_subcommands() {
  case "$1" in
${cases((n) => words(n.subcommands.map((s) => s.name)))}
  esac
}
${fn}_flags() {
  case "$1" in
${cases((n) => words(n.flags.flatMap((f) => f.names)))}
  esac
}
${fn}_value_flags() {
  case "$1" in
${cases((n) => words(n.flags.filter((f) => f.takesValue).flatMap((f) => f.names)))}
  esac
}
${fn}_completion() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" path="" word i skip="" sub
  COMPREPLY=()
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    if [[ -n $skip ]]; then skip=""; continue; fi
    case "$word" in
      --) COMPREPLY=($(compgen -c -- "$cur")); return 0 ;;
      -*) [[ " $(${fn}_value_flags "$path") " == *" $word "* ]] && skip=1 ;;
      *)
        for sub in $(${fn}_subcommands "$path"); do
          if [[ $sub == "$word" ]]; then path="\${path:+$path }$word"; break; fi
        done
        ;;
    esac
  done
  # A flag's value: leave it to the default (file) completion.
  [[ -n $skip ]] && return 0
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$(${fn}_flags "$path")" -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$(${fn}_subcommands "$path")" -- "$cur"))
  fi
  return 0
}
`;
}

/** fish: one `complete` line per subcommand and flag, conditioned on the words already typed. */
function fishScript(name: string, nodes: readonly CommandNode[]): string {
  const quote = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  const lines = [
    `# ${name} completion for fish. Install: ${name} completion fish > ~/.config/fish/completions/${name}.fish`,
  ];
  for (const node of nodes) {
    const seen = node.path === '' ? [] : node.path.split(' ');
    const siblings = words(node.subcommands.map((s) => s.name));
    const at = [
      ...seen.map((w) => `__fish_seen_subcommand_from ${w}`),
      ...(siblings ? [`not __fish_seen_subcommand_from ${siblings}`] : []),
    ];
    const inNode =
      seen.length === 0 ? '' : seen.map((w) => `__fish_seen_subcommand_from ${w}`).join('; and ');
    for (const sub of node.subcommands) {
      const condition = seen.length === 0 && siblings ? '__fish_use_subcommand' : at.join('; and ');
      lines.push(
        `complete -c ${name} -f -n ${quote(condition)} -a ${sub.name} -d ${quote(sub.description)}`,
      );
    }
    for (const flag of node.flags) {
      const spec = flag.names
        .map((n) => (n.startsWith('--') ? `-l ${n.slice(2)}` : `-s ${n.slice(1)}`))
        .join(' ');
      const condition = inNode === '' ? (siblings ? '__fish_use_subcommand' : '') : inNode;
      const when = condition === '' ? '' : ` -n ${quote(condition)}`;
      lines.push(
        `complete -c ${name}${when} ${spec}${flag.takesValue ? ' -r' : ''} -d ${quote(flag.description)}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
