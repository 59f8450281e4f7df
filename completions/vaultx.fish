# fish completion for vaultx. Install as vaultx.fish in a vendor_completions.d directory.
#
# The tables below are the one place to edit when vaultx gains a command or an
# option. Secret names are completed by running `vaultx ls`, but only when that
# can unlock without asking (VAULTX_PASSPHRASE_FILE, VAULTX_IDENTITY_FILE or
# VAULTX_AGENT_SOCK is set). Even then it runs in a new session, which has no
# terminal to prompt on, with stdin from /dev/null and a short timeout: a
# completion must never ask for a passphrase or hang the shell.

# ---- tables ------------------------------------------------------------------
# Commands, "name:description".
set -l __vaultx_command_table \
    'init:Create a new store' \
    'set:Store a secret read from stdin, a prompt or --generate' \
    'get:Print a secret'\''s value' \
    'ls:List secret names' \
    'rm:Remove secrets' \
    'mv:Rename a secret' \
    'rotate:Give an existing secret a new value' \
    'passwd:Change the passphrase' \
    'help:Show help for vaultx or a command'
# Other names of commands, "alias:command".
set -g __vaultx_aliases list:ls remove:rm rename:mv
# Options that take the next word as their value.
set -g __vaultx_value_options --store --kdf-memory --kdf-time --kdf-parallelism --expires
# Commands whose operands are secret names, and those whose operand is a name prefix.
set -l __vaultx_secret_commands get set rm mv rotate
set -l __vaultx_prefix_commands ls

# Global options (before the command).
complete -c vaultx -f
complete -c vaultx -n __vaultx_no_command -l store -x -a '(__fish_complete_directories)' -d 'Store directory'
complete -c vaultx -n __vaultx_no_command -l version -d 'Print the version and exit'
complete -c vaultx -n __vaultx_no_command -l verbose -d 'With --version: also the library versions'
complete -c vaultx -n __vaultx_no_command -s h -l help -d 'Print the command summary and exit'
complete -c vaultx -n __vaultx_no_command -l help-all -d 'Print the help of every command'

# Options of each command.
complete -c vaultx -n '__vaultx_using init passwd' -l kdf-memory -x -a '8M 64M 256M 1G' -d 'Argon2id memory, K/M/G suffix (8M..4G)'
complete -c vaultx -n '__vaultx_using init passwd' -l kdf-time -x -d 'Argon2id passes (1..16)'
complete -c vaultx -n '__vaultx_using init passwd' -l kdf-parallelism -x -d 'Argon2id lanes (1..16)'
complete -c vaultx -n '__vaultx_using set rotate' -l raw -d 'Read stdin byte for byte, keeping a trailing newline'
complete -c vaultx -n '__vaultx_using set rotate' -l generate -d 'Generate a random value (--generate=LEN, default 32)'
complete -c vaultx -n '__vaultx_using set rotate' -l expires -x -a never -d 'Expiry: YYYY-MM-DD, RFC 3339 date-time, or never'
complete -c vaultx -n '__vaultx_using get' -l raw -d 'Print the exact bytes, without a newline'
complete -c vaultx -n '__vaultx_using ls' -s l -l long -d 'Also version, times, age and expiry'
complete -c vaultx -n '__vaultx_using ls' -l json -d 'Print a JSON array'
complete -c vaultx -n '__vaultx_using mv' -s f -l force -d 'Replace NEW if it exists'
complete -c vaultx -n 'not __vaultx_no_command' -s h -l help -d 'Print the options and exit'
# ------------------------------------------------------------------------------

for entry in $__vaultx_command_table
    set -l kv (string split -m 1 : -- $entry)
    complete -c vaultx -n __vaultx_no_command -a $kv[1] -d $kv[2]
    complete -c vaultx -n '__vaultx_using help' -a $kv[1] -d $kv[2]
end
complete -c vaultx -n "__vaultx_using $__vaultx_secret_commands" -a '(__vaultx_secret_names)'
complete -c vaultx -n "__vaultx_using $__vaultx_prefix_commands" -a '(__vaultx_secret_names | __vaultx_prefixes)'

# Prints the command on the command line (aliases resolved), or fails if none.
function __vaultx_command
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l skip 0
    for t in $tokens
        if test $skip = 1
            set skip 0
            continue
        end
        if contains -- $t $__vaultx_value_options
            set skip 1
            continue
        end
        string match -q -- '-*' $t; and continue
        for a in $__vaultx_aliases
            set -l kv (string split : -- $a)
            if test "$t" = $kv[1]
                echo $kv[2]
                return 0
            end
        end
        echo $t
        return 0
    end
    return 1
end

function __vaultx_no_command
    not __vaultx_command >/dev/null
end

function __vaultx_using
    set -l cmd (__vaultx_command); or return 1
    contains -- $cmd $argv
end

# Prints the stored secret names, or nothing when vaultx cannot list them
# without prompting.
function __vaultx_secret_names
    test -n "$VAULTX_PASSPHRASE_FILE"; or test -n "$VAULTX_IDENTITY_FILE"; or test -n "$VAULTX_AGENT_SOCK"; or return 0
    command -q setsid; and command -q timeout; or return 0
    set -l tokens (commandline -opc)
    set -l bin (string replace -r '^~' $HOME -- $tokens[1])
    set -l store
    set -l i 2
    while test $i -le (count $tokens)
        switch $tokens[$i]
            case '--store=*'
                set store --store (string replace -r '^~' $HOME -- (string replace -- --store= '' $tokens[$i]))
            case --store
                set i (math $i + 1)
                test $i -le (count $tokens); and set store --store (string replace -r '^~' $HOME -- $tokens[$i])
        end
        set i (math $i + 1)
    end
    setsid -w timeout 2 $bin $store ls </dev/null 2>/dev/null
end

# Names and every prefix above them ("aws/s3-reader/key" gives "aws/" too).
function __vaultx_prefixes
    while read -l name
        echo $name
        while string match -q -- '*/*' $name
            set name (string replace -r '/[^/]*$' '' -- $name)
            echo $name/
        end
    end | sort -u
end
