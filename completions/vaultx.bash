# bash completion for vaultx                              -*- shell-script -*-
#
# Install as ${datadir}/bash-completion/completions/vaultx, or source it.
#
# The tables below are the one place to edit when vaultx gains a command or an
# option. Secret names are completed by running `vaultx ls`, but only when that
# can unlock without asking (VAULTX_PASSPHRASE_FILE, VAULTX_IDENTITY_FILE or
# VAULTX_AGENT_SOCK is set). Even then it runs in a new session, which has no
# terminal to prompt on, with stdin from /dev/null and a short timeout: a
# completion must never ask for a passphrase or hang the shell.

# `declare -g`: bash-completion sources this file inside a function.
declare -ga _vaultx_commands=(init set get ls rm mv rotate passwd help)
declare -gA _vaultx_aliases=([list]=ls [remove]=rm [rename]=mv)
declare -ga _vaultx_global_options=(--store --version --verbose --help --help-all)
# Options of each command, besides -h and --help.
declare -gA _vaultx_command_options=(
  [init]="--kdf-memory --kdf-time --kdf-parallelism"
  [set]="--raw --generate --expires"
  [get]="--raw"
  [ls]="--long --json"
  [rm]=""
  [mv]="--force"
  [rotate]="--raw --generate --expires"
  [passwd]="--kdf-memory --kdf-time --kdf-parallelism"
  [help]=""
)
# Options whose value is the next word (or follows '=').
declare -g _vaultx_value_options=" --store --kdf-memory --kdf-time --kdf-parallelism --expires "
# What the operands of a command are: secret names, a name prefix, or a command.
declare -gA _vaultx_command_operands=(
  [set]=secret [get]=secret [rm]=secret [mv]=secret [rotate]=secret [ls]=prefix [help]=command
)
# Seconds that `vaultx ls` may take (it runs the passphrase KDF).
declare -g _vaultx_ls_timeout=2

# Prints the stored secret names, or nothing when vaultx cannot list them
# without prompting. $1: the vaultx binary; $2: the --store value, if any.
_vaultx_secret_names() {
  [[ -n ${VAULTX_PASSPHRASE_FILE-} || -n ${VAULTX_IDENTITY_FILE-} || -n ${VAULTX_AGENT_SOCK-} ]] || return 0
  type -P setsid timeout >/dev/null || return 0
  local -a store_args=()
  [[ -n $2 ]] && store_args=(--store "${2/#\~/$HOME}")
  setsid -w timeout "$_vaultx_ls_timeout" "${1/#\~/$HOME}" "${store_args[@]}" ls </dev/null 2>/dev/null
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

_vaultx() {
  # bash splits "--opt=value" at '=' (COMP_WORDBREAKS); join such words back.
  local -a words=()
  local cword=0 i w
  for ((i = 0; i < ${#COMP_WORDS[@]}; i++)); do
    w=${COMP_WORDS[i]}
    if [[ $w == = && ${#words[@]} -gt 1 && ${words[-1]} == --* && ${words[-1]} != *=* ]]; then
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
    ((i == COMP_CWORD)) && cword=$((${#words[@]} - 1))
  done
  local cur=${words[cword]-}

  # The command, the --store value, and whether the cursor is on an option's value.
  local cmd='' store='' value_of=''
  for ((i = 1; i < cword; i++)); do
    w=${words[i]}
    case $w in
      --store=*) store=${w#--store=} ;;
      --*=*) ;;
      -*)
        if [[ $_vaultx_value_options == *" $w "* ]]; then
          if ((i + 1 == cword)); then
            value_of=$w
          elif [[ $w == --store ]]; then
            store=${words[i + 1]}
          fi
          ((i++))
        fi
        ;;
      *) [[ -z $cmd ]] && cmd=${_vaultx_aliases[$w]:-$w} ;;
    esac
  done
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
    --expires) mapfile -t COMPREPLY < <(compgen -W "never" -- "$cur"); return 0 ;;
    ?*) return 0 ;;  # a number or a size: nothing to offer
  esac

  if [[ -z $cmd ]]; then
    if [[ $cur == -* ]]; then
      mapfile -t COMPREPLY < <(compgen -W "${_vaultx_global_options[*]} -h" -- "$cur")
    else
      mapfile -t COMPREPLY < <(compgen -W "${_vaultx_commands[*]}" -- "$cur")
    fi
    return 0
  fi
  if [[ $cur == -* ]]; then
    mapfile -t COMPREPLY < <(compgen -W "${_vaultx_command_options[$cmd]-} -h --help" -- "$cur")
    return 0
  fi
  case ${_vaultx_command_operands[$cmd]-} in
    command) mapfile -t COMPREPLY < <(compgen -W "${_vaultx_commands[*]}" -- "$cur") ;;
    secret) mapfile -t COMPREPLY < <(compgen -W "$(_vaultx_secret_names "${words[0]}" "$store")" -- "$cur") ;;
    prefix)
      mapfile -t COMPREPLY < <(compgen -W "$(_vaultx_secret_names "${words[0]}" "$store" | _vaultx_prefixes)" -- "$cur")
      ;;
  esac
  return 0
}

complete -F _vaultx vaultx
