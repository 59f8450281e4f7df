# bash completion for vaultx                              -*- shell-script -*-
#
# Install as ${datadir}/bash-completion/completions/vaultx, or source it.
#
# The tables below are the one place to edit when vaultx gains a command or an
# option. Secret names are completed by running `vaultx ls`, but only when that
# can unlock without asking (VAULTX_PASSPHRASE_FILE, VAULTX_IDENTITY_FILE or
# VAULTX_AGENT_SOCK is set). Scope names come from `vaultx scope ls`, which
# needs no key. Either runs in a new session, which has no terminal to prompt
# on, with stdin from /dev/null and a short timeout: a completion must never
# ask for a passphrase or hang the shell.

# `declare -g`: bash-completion sources this file inside a function.
declare -ga _vaultx_commands=(init set get ls rm mv rotate stale edit import export scan doctor exec broker env scope config audit passwd agent unlock lock identity recipients rekey git resolve completion help)
declare -gA _vaultx_aliases=([list]=ls [remove]=rm [rename]=mv)
declare -ga _vaultx_global_options=(--store --version --verbose --help --help-all)
# Options of each command (and "command subcommand"), besides -h and --help.
declare -gA _vaultx_command_options=(
  [init]="--kdf-memory --kdf-time --kdf-parallelism --git"
  [set]="--raw --generate --expires"
  [get]="--raw --clip -c --clear-after"
  [ls]="--long --json"
  [rm]=""
  [mv]="--force"
  [rotate]="--raw --generate --expires"
  [stale]="--max-age --json --no-key"
  [exec]="--scope --clean-env --mask --strict --watch --on-rotate --broker"
  [broker]="--scope --env-file --json"
  [edit]="--raw"
  [import]="--format --from --prefix --overwrite --dry-run -n"
  [export]="--format"
  [scan]="--json"
  [doctor]="--json"
  [env]="--scope --format"
  [scope]=""
  [scope ls]=""
  [scope pin]=""
  [scope unpin]=""
  [scope pins]=""
  [scope sync]="--yes"
  [config]=""
  [config edit]=""
  [identity]=""
  [identity new]="--out --passphrase --kdf-memory --kdf-time --kdf-parallelism"
  [identity pub]=""
  [recipients]=""
  [recipients ls]=""
  [recipients add]="--name --scope"
  [recipients rm]=""
  [rekey]="--rotate-data-keys"
  [git]=""
  [resolve]="--ours --theirs"
  [audit]="--json --since --name --op"
  [audit verify]="--head"
  [audit head]=""
  [passwd]="--kdf-memory --kdf-time --kdf-parallelism"
  [agent]=""
  [agent start]="--timeout --max-lifetime --foreground"
  [agent stop]=""
  [agent status]="--json"
  [agent grant]="--scope --ttl --uses --rate"
  [agent revoke]="--all"
  [unlock]=""
  [lock]=""
  [completion]=""
  [help]=""
)
# Subcommands, for the commands that have them.
declare -gA _vaultx_subcommands=([scope]="ls pin unpin pins sync" [audit]="verify head" [config]="edit"
  [identity]="new pub" [recipients]="ls add rm" [agent]="start stop status grant revoke")
# Options whose value is the next word (or follows '=').
declare -g _vaultx_value_options=" --store --kdf-memory --kdf-time --kdf-parallelism --expires --max-age --scope -s \
--mask --format -f --since --name --op --head --timeout --max-lifetime --ttl --uses --rate --on-rotate --from --prefix \
--clear-after --out --env-file "
# Values offered for an option.
declare -gA _vaultx_option_values=(
  [--expires]="never"
  [--mask]="auto always never"
  [--format]="shell dotenv json"
  [-f]="shell dotenv json"
  [--on-rotate]="restart signal:HUP signal:USR1 signal:TERM"
  [--from]="pass"
  [--op]="init get set rotate rm mv ls passwd stale exec exec-watch broker broker-start broker-stop env scope-pin scope-unpin audit-verify unlock import export edit scan doctor"
)
# What the operands of a command are: secret names, a name prefix, or a command.
# "scope pin" takes a scope, then a program or script; "scope unpin" a scope, then a file.
declare -gA _vaultx_command_operands=(
  [resolve]=secret [set]=secret [get]=secret [rm]=secret [mv]=secret [rotate]=secret [ls]=prefix [help]=command
  [edit]=secret [completion]=shell [import]=file [scan]=file [doctor]=dir [export]=prefix [scope pin]="scope program" [scope unpin]="scope file" [scope pins]=scope
)
# Seconds that `vaultx ls` may take (it runs the passphrase KDF).
declare -g _vaultx_ls_timeout=2

# Runs vaultx ($1, with $2 the --store value, if any) with the arguments that
# follow, where it can neither prompt nor hang; its errors are dropped.
_vaultx_run() {
  type -P setsid timeout >/dev/null || return 0
  local bin=${1/#\~/$HOME} store=$2
  shift 2
  local -a store_args=()
  [[ -n $store ]] && store_args=(--store "${store/#\~/$HOME}")
  setsid -w timeout "$_vaultx_ls_timeout" "$bin" "${store_args[@]}" "$@" </dev/null 2>/dev/null
}

# Prints the stored secret names, or nothing when vaultx cannot list them
# without prompting. $1: the vaultx binary; $2: the --store value, if any.
_vaultx_secret_names() {
  [[ -n ${VAULTX_PASSPHRASE_FILE-} || -n ${VAULTX_IDENTITY_FILE-} || -n ${VAULTX_AGENT_SOCK-} ]] || return 0
  _vaultx_run "$1" "$2" ls
}

# Prints the scopes of the store's vaultx.toml: `vaultx scope ls` unlocks
# nothing, and prints each scope's name at the start of a line.
_vaultx_scope_names() {
  local line
  _vaultx_run "$1" "$2" scope ls | while IFS= read -r line; do
    [[ -n $line && $line != [[:space:]]* ]] && printf '%s\n' "$line"
  done
}

# Names and every prefix above them ("aws/s3-reader/key" gives "aws/" too).
_vaultx_prefixes() {
  local name
  while IFS= read -r name; do
    printf '%s\n' "$name"
    while [[ $name == */* ]]; do
      name=${name%/*}
      printf '%s/\n' "$name"
    done
  done | sort -u
}

# Completes the command line of the program that `vaultx exec` runs, which
# starts at COMP_WORDS[$1]: with bash-completion, as that program's own
# completion would; without it, command names, then file names.
_vaultx_child_command() {
  local offset=$1
  if declare -F _comp_command_offset >/dev/null; then
    _comp_command_offset "$offset"
  elif declare -F _command_offset >/dev/null; then
    _command_offset "$offset"
  elif ((COMP_CWORD == offset)); then
    mapfile -t COMPREPLY < <(compgen -c -- "${COMP_WORDS[COMP_CWORD]}" | sort -u)
  else
    compopt -o filenames 2>/dev/null
    mapfile -t COMPREPLY < <(compgen -f -- "${COMP_WORDS[COMP_CWORD]}")
  fi
}

_vaultx() {
  # bash splits "--opt=value" at '=' (COMP_WORDBREAKS); join such words back.
  # first[j] is the index in COMP_WORDS where words[j] starts.
  local -a words=() first=()
  local cword=0 i w
  for ((i = 0; i < ${#COMP_WORDS[@]}; i++)); do
    w=${COMP_WORDS[i]}
    if [[ $w == = && ${#words[@]} -gt 1 && ${words[-1]} == --?* && ${words[-1]} != *=* ]]; then
      words[-1]+='='
      ((i == COMP_CWORD)) && cword=$((${#words[@]} - 1))
      if ((i + 1 < ${#COMP_WORDS[@]})); then
        ((i++))
        words[-1]+=${COMP_WORDS[i]}
        ((i == COMP_CWORD)) && cword=$((${#words[@]} - 1))
      fi
      continue
    fi
    words+=("$w")
    first+=("$i")
    ((i == COMP_CWORD)) && cword=$((${#words[@]} - 1))
  done
  local cur=${words[cword]-}

  # The command and its subcommand, the --store value, the operands so far,
  # and whether the cursor is on an option's value. For exec, also where the
  # child's command line starts; for exec and env, whether the cursor follows
  # the values of --scope (which takes every word up to the next option).
  local cmd='' sub='' store='' value_of='' child=-1 after_scope=0
  local -a operands=()
  for ((i = 1; i < cword; i++)); do
    w=${words[i]}
    if [[ $cmd == exec && $w == -- ]]; then
      child=$((i + 1))
      break
    fi
    case $w in
      --store=*) store=${w#--store=} ;;
      --scope=*) after_scope=1 ;;
      --*=*) after_scope=0 ;;
      -*)
        after_scope=0
        if [[ $_vaultx_value_options == *" $w "* ]]; then
          if ((i + 1 == cword)); then
            value_of=$w
          elif [[ $w == --store ]]; then
            store=${words[i + 1]}
          elif [[ $w == --scope || $w == -s ]]; then
            after_scope=1
          fi
          ((i++))
        fi
        ;;
      *)
        if [[ -z $cmd ]]; then
          cmd=${_vaultx_aliases[$w]:-$w}
        elif ((after_scope)); then
          :  # one more scope
        elif [[ -z $sub && -n ${_vaultx_subcommands[$cmd]-} ]]; then
          sub=$w
        elif [[ $cmd == exec ]]; then
          child=$i  # the command, given without --
          break
        else
          operands+=("$w")
        fi
        ;;
    esac
  done
  if ((child >= 0)); then
    _vaultx_child_command "${first[child]}"
    return 0
  fi
  if [[ -z $value_of && $cur == --*=* ]]; then
    value_of=${cur%%=*}
    cur=${cur#*=}
  fi

  COMPREPLY=()
  case $value_of in
    --store)
      compopt -o filenames 2>/dev/null
      mapfile -t COMPREPLY < <(compgen -d -- "$cur")
      return 0
      ;;
    --scope | -s)
      mapfile -t COMPREPLY < <(compgen -W "$(_vaultx_scope_names "${words[0]}" "$store")" -- "$cur")
      return 0
      ;;
    --name)
      mapfile -t COMPREPLY < <(compgen -W "$(_vaultx_secret_names "${words[0]}" "$store")" -- "$cur")
      return 0
      ;;
    --env-file)
      compopt -o filenames 2>/dev/null
      mapfile -t COMPREPLY < <(compgen -f -- "$cur")
      return 0
      ;;
    ?*)  # a fixed list, or a number, size, time or duration: nothing to offer
      local values=${_vaultx_option_values[$value_of]-}
      [[ $cmd == import && ($value_of == --format || $value_of == -f) ]] && values="dotenv json"
      mapfile -t COMPREPLY < <(compgen -W "$values" -- "$cur")
      return 0
      ;;
  esac

  if [[ -z $cmd ]]; then
    if [[ $cur == -* ]]; then
      mapfile -t COMPREPLY < <(compgen -W "${_vaultx_global_options[*]} -h" -- "$cur")
    else
      mapfile -t COMPREPLY < <(compgen -W "${_vaultx_commands[*]}" -- "$cur")
    fi
    return 0
  fi
  local key=$cmd${sub:+ $sub}
  if [[ $cur == -* ]]; then
    local extra=''
    [[ $cmd == exec ]] && extra=--
    mapfile -t COMPREPLY < <(compgen -W "${_vaultx_command_options[$key]-} -h --help $extra" -- "$cur")
    return 0
  fi
  if ((after_scope)); then
    mapfile -t COMPREPLY < <(compgen -W "$(_vaultx_scope_names "${words[0]}" "$store")" -- "$cur")
    return 0
  fi
  if [[ $cmd == exec ]]; then
    _vaultx_child_command "${first[cword]}"
    return 0
  fi
  if [[ -z $sub && -n ${_vaultx_subcommands[$cmd]-} ]]; then
    mapfile -t COMPREPLY < <(compgen -W "${_vaultx_subcommands[$cmd]}" -- "$cur")
    return 0
  fi
  # The kind of the operand at the cursor; the last kind repeats, except for
  # subcommands, which take a fixed number of operands.
  local -a kinds=(${_vaultx_command_operands[$key]-})
  local kind=${kinds[${#operands[@]}]-}
  if [[ -z $kind && -z $sub && ${#kinds[@]} -gt 0 ]]; then
    kind=${kinds[${#kinds[@]} - 1]}
  fi
  case $kind in
    command) mapfile -t COMPREPLY < <(compgen -W "${_vaultx_commands[*]}" -- "$cur") ;;
    secret) mapfile -t COMPREPLY < <(compgen -W "$(_vaultx_secret_names "${words[0]}" "$store")" -- "$cur") ;;
    prefix)
      mapfile -t COMPREPLY < <(compgen -W "$(_vaultx_secret_names "${words[0]}" "$store" | _vaultx_prefixes)" -- "$cur")
      ;;
    scope) mapfile -t COMPREPLY < <(compgen -W "$(_vaultx_scope_names "${words[0]}" "$store")" -- "$cur") ;;
    shell) ((${#operands[@]} == 0)) && mapfile -t COMPREPLY < <(compgen -W "bash zsh fish" -- "$cur") ;;
    program)
      compopt -o filenames 2>/dev/null
      mapfile -t COMPREPLY < <({ compgen -c -- "$cur"; compgen -f -- "$cur"; } | sort -u)
      ;;
    file)
      compopt -o filenames 2>/dev/null
      mapfile -t COMPREPLY < <(compgen -f -- "$cur")
      ;;
    dir)
      compopt -o filenames 2>/dev/null
      mapfile -t COMPREPLY < <(compgen -d -- "$cur")
      ;;
  esac
  return 0
}

complete -F _vaultx vaultx
