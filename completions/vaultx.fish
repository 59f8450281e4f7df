# fish completion for vaultx. Install as vaultx.fish in a vendor_completions.d directory.
#
# The tables below are the one place to edit when vaultx gains a command or an
# option. Secret names are completed by running `vaultx ls`, but only when that
# can unlock without asking (VAULTX_PASSPHRASE_FILE, VAULTX_IDENTITY_FILE or
# VAULTX_AGENT_SOCK is set). Scope names come from `vaultx scope ls`, which
# needs no key. Either runs in a new session, which has no terminal to prompt
# on, with stdin from /dev/null and a short timeout: a completion must never
# ask for a passphrase or hang the shell.

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
    'stale:List secrets past their expiry or maximum age' \
    'edit:Edit a secret in $EDITOR on a private tmpfs file' \
    'import:Import secrets from a dotenv or JSON file, or a pass store' \
    'export:Print secrets as a dotenv file, JSON or shell' \
    'scan:Find stored values (and their encodings) in files' \
    'doctor:Check a project'\''s secret hygiene (exit 1 if anything fails)' \
    'exec:Run a command with a scope'\''s secrets in its environment' \
    'broker:Serve a scope'\''s broker routes until stopped' \
    'env:Print a scope'\''s secrets as shell, dotenv or JSON' \
    'scope:List scopes; pin the programs they may be given to' \
    'config:Edit vaultx.toml and accept it on this machine' \
    'audit:Show, verify or checkpoint the audit trail' \
    'passwd:Change the passphrase' \
    'agent:Run the unlock agent; grant and revoke scoped tokens' \
    'unlock:Give the agent the passphrase once' \
    'lock:Make the agent forget every key at once' \
    'completion:Print the completion script for bash, zsh or fish' \
    'identity:Create an X25519 identity or print its public key' \
    'recipients:List, add and remove who can open the store' \
    'rekey:New master and scope keys; drop removed recipients' \
    'git:Run git in the store; git setup enables it' \
    'resolve:Settle a git conflict on a secret' \
    'help:Show help for vaultx or a command'
# Other names of commands, "alias:command".
set -g __vaultx_aliases list:ls remove:rm rename:mv
# Options that take the next word as their value.
set -g __vaultx_value_options --store --kdf-memory --kdf-time --kdf-parallelism --expires --max-age \
    -s --scope --mask -f --format --since --name --op --head --timeout --max-lifetime --ttl --uses --rate --on-rotate --from --prefix --clear-after --out
# Subcommands, "command:subcommand:description".
set -l __vaultx_subcommand_table \
    'audit:verify:Check the chain and every MAC (unlocks the store)' \
    'audit:head:Print SEQ:HASH of the last record, a checkpoint' \
    'scope:ls:List the scopes with their patterns, commands and pins' \
    'scope:pin:Record the SHA-256 of a program or script for a scope' \
    'scope:unpin:Forget a pin' \
    'scope:pins:List pins and whether each file still matches' \
    'agent:start:Start an agent for the store; prints the variables to eval' \
    'agent:stop:Stop the agent; its keys and grants are forgotten' \
    'agent:status:Locked or not, time left, live grants' \
    'agent:grant:Print a token that may read only the given scopes' \
    'agent:revoke:Revoke a token, or --all' \
    'scope:sync:Review vaultx.toml changes and accept them on this machine' \
    'config:edit:Run $EDITOR on vaultx.toml, then accept it here' \
    'identity:new:Create an identity file; prints its public key last' \
    'identity:pub:Print the public key of an identity file' \
    'recipients:ls:List the recipients' \
    'recipients:add:Add a full or scoped recipient' \
    'recipients:rm:Remove a recipient (then run vaultx rekey)'
# Commands whose operands are secret names, and those whose operand is a name prefix.
set -l __vaultx_secret_commands get set rm mv rotate edit resolve
set -l __vaultx_prefix_commands ls export

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
complete -c vaultx -n '__vaultx_using edit' -l raw -d 'The file holds the exact bytes'
complete -c vaultx -n '__vaultx_using init' -l git -d 'Keep the store in git'
complete -c vaultx -n '__vaultx_using resolve' -l ours -d 'Keep this clone'\''s value'
complete -c vaultx -n '__vaultx_using resolve' -l theirs -d 'Keep the merged-in value'
complete -c vaultx -n '__vaultx_using rekey' -l rotate-data-keys -d 'Also re-encrypt every value under a fresh data key'
complete -c vaultx -n '__vaultx_using identity; and __vaultx_subcommand_is new' -l out -r -F -d 'Identity file to create'
complete -c vaultx -n '__vaultx_using identity; and __vaultx_subcommand_is new' -l passphrase -d 'Protect the secret key with a passphrase'
complete -c vaultx -n '__vaultx_using identity; and __vaultx_subcommand_is pub' -F
complete -c vaultx -n '__vaultx_using recipients; and __vaultx_subcommand_is add' -l name -x -d 'Recipient name'
complete -c vaultx -n '__vaultx_using recipients; and __vaultx_subcommand_is add' -l scope -x -a '(__vaultx_scope_names)' -d 'Scope it may read (repeatable)'
complete -c vaultx -n '__vaultx_using scope; and __vaultx_subcommand_is sync' -s y -l yes -d 'Accept without asking'
complete -c vaultx -n '__vaultx_using get' -l raw -d 'Print the exact bytes, without a newline'
complete -c vaultx -n '__vaultx_using get' -s c -l clip -d 'Copy to the clipboard instead of printing'
complete -c vaultx -n '__vaultx_using get' -l clear-after -x -d 'With --clip: clear the clipboard after (e.g. 45s)'
complete -c vaultx -n '__vaultx_using ls' -s l -l long -d 'Also version, times, age and expiry'
complete -c vaultx -n '__vaultx_using ls' -l json -d 'Print a JSON array'
complete -c vaultx -n '__vaultx_using mv' -s f -l force -d 'Replace NEW if it exists'
complete -c vaultx -n '__vaultx_using stale' -l max-age -x -d 'Maximum age for every secret (e.g. 90d)'
complete -c vaultx -n '__vaultx_using stale' -l json -d 'Print a JSON array'
complete -c vaultx -n '__vaultx_using stale' -l no-key -d 'Check without unlocking (metadata not authenticated)'
complete -c vaultx -n '__vaultx_using exec env broker; and not __vaultx_in_child' -s s -l scope -x -a '(__vaultx_scope_names)' -d 'Scope from vaultx.toml (repeatable)'
complete -c vaultx -n '__vaultx_using exec; and not __vaultx_in_child' -l clean-env -d 'Pass only PATH, HOME, USER, LANG, TERM and the secrets'
complete -c vaultx -n '__vaultx_using exec; and not __vaultx_in_child' -l mask -x -a 'auto always never' -d 'Redact secret values in the output'
complete -c vaultx -n '__vaultx_using exec; and not __vaultx_in_child' -l strict -d 'Refuse to run if a secret is stale'
complete -c vaultx -n '__vaultx_using agent; and __vaultx_subcommand_is start' -l timeout -x -d 'Lock after this long without a request (15m)'
complete -c vaultx -n '__vaultx_using agent; and __vaultx_subcommand_is start' -l max-lifetime -x -d 'Lock this long after unlocking (8h)'
complete -c vaultx -n '__vaultx_using agent; and __vaultx_subcommand_is start' -l foreground -d 'Stay in the foreground'
complete -c vaultx -n '__vaultx_using agent; and __vaultx_subcommand_is status' -l json -d 'One JSON object'
complete -c vaultx -n '__vaultx_using agent; and __vaultx_subcommand_is grant' -s s -l scope -x -a '(__vaultx_scope_names)' -d 'Scope the token may read (repeatable)'
complete -c vaultx -n '__vaultx_using agent; and __vaultx_subcommand_is grant' -l ttl -x -d 'How long the token lives (1h)'
complete -c vaultx -n '__vaultx_using agent; and __vaultx_subcommand_is grant' -l uses -x -d 'How many reads it allows'
complete -c vaultx -n '__vaultx_using agent; and __vaultx_subcommand_is grant' -l rate -x -d 'At most N reads per unit, e.g. 60/min'
complete -c vaultx -n '__vaultx_using agent; and __vaultx_subcommand_is revoke' -l all -d 'Revoke every grant'
complete -c vaultx -n '__vaultx_using exec; and not __vaultx_in_child' -l watch -d 'Restart or signal the command when a secret changes'
complete -c vaultx -n '__vaultx_using exec; and not __vaultx_in_child' -l broker -d 'Broker URL and placeholder instead of route credentials'
complete -c vaultx -n '__vaultx_using exec; and not __vaultx_in_child' -l on-rotate -x -a 'restart signal:HUP signal:USR1 signal:TERM' -d 'With --watch: restart or signal:NAME'
complete -c vaultx -n '__vaultx_using broker' -l env-file -r -F -d 'Also write the variables to FILE (0600), removed on exit'
complete -c vaultx -n '__vaultx_using broker' -l json -d 'Print one JSON object'
complete -c vaultx -n '__vaultx_using env' -s f -l format -x -a 'shell dotenv json' -d 'Output format'
complete -c vaultx -n '__vaultx_using export' -s f -l format -x -a 'dotenv json shell' -d 'Output format'
complete -c vaultx -n '__vaultx_using import' -s f -l format -x -a 'dotenv json' -d 'Format of the file'
complete -c vaultx -n '__vaultx_using import' -l from -x -a pass -d 'Migrate a pass store (DIR)'
complete -c vaultx -n '__vaultx_using import' -l prefix -x -a '(__vaultx_secret_names | __vaultx_prefixes)' -d 'Store each KEY as PREFIX/KEY'
complete -c vaultx -n '__vaultx_using import' -l overwrite -d 'Replace existing secrets whose value differs'
complete -c vaultx -n '__vaultx_using import' -s n -l dry-run -d 'Print what would be done; write nothing'
complete -c vaultx -n '__vaultx_using import' -F
complete -c vaultx -n '__vaultx_using scan' -l json -d 'One JSON object per finding'
complete -c vaultx -n '__vaultx_using scan' -F
complete -c vaultx -n '__vaultx_using doctor' -l json -d 'One JSON object with every check'
complete -c vaultx -n '__vaultx_using doctor' -x -a '(__fish_complete_directories)'
complete -c vaultx -n '__vaultx_using completion; and __vaultx_no_subcommand' -a 'bash zsh fish'
complete -c vaultx -n '__vaultx_using audit; and __vaultx_no_subcommand' -l json -d 'One JSON object per line'
complete -c vaultx -n '__vaultx_using audit; and __vaultx_no_subcommand' -l since -x -d 'Only records at or after a date or date-time'
complete -c vaultx -n '__vaultx_using audit; and __vaultx_no_subcommand' -l name -x -a '(__vaultx_secret_names)' -d 'Only records naming this secret'
complete -c vaultx -n '__vaultx_using audit; and __vaultx_no_subcommand' -l op -x -a 'init get set rotate rm mv ls passwd stale exec exec-watch broker broker-start broker-stop env scope-pin scope-unpin audit-verify unlock import export edit scan doctor' -d 'Only records of this operation'
complete -c vaultx -n '__vaultx_using audit; and __vaultx_subcommand_is verify' -l head -x -d 'A checkpoint printed by vaultx audit head (SEQ:HASH)'
complete -c vaultx -n 'not __vaultx_no_command; and not __vaultx_in_child' -s h -l help -d 'Print the options and exit'
# ------------------------------------------------------------------------------

for entry in $__vaultx_command_table
    set -l kv (string split -m 1 : -- $entry)
    complete -c vaultx -n __vaultx_no_command -a $kv[1] -d $kv[2]
    complete -c vaultx -n '__vaultx_using help' -a $kv[1] -d $kv[2]
end
for entry in $__vaultx_subcommand_table
    set -l kv (string split -m 2 : -- $entry)
    complete -c vaultx -n "__vaultx_using $kv[1]; and __vaultx_no_subcommand" -a $kv[2] -d $kv[3]
end
complete -c vaultx -n "__vaultx_using $__vaultx_secret_commands" -a '(__vaultx_secret_names)'
complete -c vaultx -n "__vaultx_using $__vaultx_prefix_commands" -a '(__vaultx_secret_names | __vaultx_prefixes)'
# scope pin SCOPE PROGRAM, scope unpin SCOPE FILE, scope pins [SCOPE].
complete -c vaultx -n '__vaultx_using scope; and __vaultx_subcommand_is pin unpin pins; and __vaultx_operands 0' -a '(__vaultx_scope_names)'
complete -c vaultx -n '__vaultx_using scope; and __vaultx_subcommand_is pin; and __vaultx_operands 1' -F -a '(__fish_complete_command)'
complete -c vaultx -n '__vaultx_using scope; and __vaultx_subcommand_is unpin; and __vaultx_operands 1' -F
# exec: a --scope value may be followed by more scopes; the command follows
# --, or the first other word. Its own completion takes over from there.
complete -c vaultx -n '__vaultx_using exec; and __vaultx_after_scope' -a '(__vaultx_scope_names)'
complete -c vaultx -n '__vaultx_using exec; and not __vaultx_in_child; and not __vaultx_after_scope' -a '(__vaultx_child_completions)'
complete -c vaultx -n '__vaultx_in_child' -a '(__vaultx_child_completions)'

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

# The words after the command on the command line (before the cursor), with
# options and their values left out; stops at --. For exec, a word that
# follows the values of --scope is the start of the child's command.
function __vaultx_operand_words
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l skip 0
    set -l seen_command 0
    for t in $tokens
        if test $skip = 1
            set skip 0
            continue
        end
        test "$t" = --; and return 0
        if contains -- $t $__vaultx_value_options
            set skip 1
            continue
        end
        string match -q -- '-*' $t; and continue
        if test $seen_command = 0
            set seen_command 1
            continue
        end
        echo $t
    end
end

# The subcommand of audit or scope, if given.
function __vaultx_subcommand
    set -l words (__vaultx_operand_words)
    test (count $words) -ge 1; or return 1
    echo $words[1]
end

function __vaultx_no_subcommand
    not __vaultx_subcommand >/dev/null
end

function __vaultx_subcommand_is
    set -l sub (__vaultx_subcommand); or return 1
    contains -- $sub $argv
end

# True if the subcommand has exactly $argv[1] operands before the cursor.
function __vaultx_operands
    set -l words (__vaultx_operand_words)
    test (math (count $words) - 1) -eq $argv[1]
end

# True if the cursor is on the word after a value of --scope (-s): --scope
# takes every word up to the next option.
function __vaultx_after_scope
    set -l tokens (commandline -opc)
    set -l i (count $tokens)
    while test $i -gt 1
        set -l t $tokens[$i]
        if contains -- $t -s --scope
            return 1  # the cursor is on the option's own value
        end
        string match -q -- '-*' $t; and return 1
        set -l before $tokens[(math $i - 1)]
        if contains -- $before -s --scope; or string match -q -- '--scope=*' $before
            return 0
        end
        set i (math $i - 1)
    end
    return 1
end

# Where the child's command line starts in `vaultx exec` (an index into
# commandline -opc), or fails if the cursor is not past it.
function __vaultx_child_start
    set -l tokens (commandline -opc)
    set -l skip 0
    set -l scopes 0
    set -l seen_exec 0
    set -l i 1
    for t in $tokens[2..-1]
        set i (math $i + 1)
        if test $skip = 1
            set skip 0
            continue
        end
        if test $seen_exec = 1; and test "$t" = --
            echo (math $i + 1)
            return 0
        end
        if contains -- $t $__vaultx_value_options
            set skip 1
            contains -- $t -s --scope; and set scopes 1; or set scopes 0
            continue
        end
        if string match -q -- '-*' $t
            string match -q -- '--scope=*' $t; and set scopes 1; or set scopes 0
            continue
        end
        if test $seen_exec = 0
            set seen_exec 1
            continue
        end
        test $scopes = 1; and continue
        echo $i
        return 0
    end
    return 1
end

function __vaultx_in_child
    __vaultx_using exec; or return 1
    __vaultx_child_start >/dev/null
end

# Completions for the child's command line, as if it were typed on its own.
function __vaultx_child_completions
    set -l tokens (commandline -opc)
    set -l start (__vaultx_child_start)
    or set start (math (count $tokens) + 1)
    set -l line
    test $start -le (count $tokens); and set line (string escape -- $tokens[$start..-1])
    complete -C (string join ' ' -- $line (commandline -ct))
end

function __vaultx_using
    set -l cmd (__vaultx_command); or return 1
    contains -- $cmd $argv
end

# Runs vaultx with the arguments given where it can neither prompt nor hang;
# its errors are dropped.
function __vaultx_run
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
            case '-*'
            case '*'
                break  # the command: --store comes before it
        end
        set i (math $i + 1)
    end
    setsid -w timeout 2 $bin $store $argv </dev/null 2>/dev/null
end

# Prints the stored secret names, or nothing when vaultx cannot list them
# without prompting.
function __vaultx_secret_names
    test -n "$VAULTX_PASSPHRASE_FILE"; or test -n "$VAULTX_IDENTITY_FILE"; or test -n "$VAULTX_AGENT_SOCK"; or return 0
    __vaultx_run ls
end

# Prints the scopes of the store's vaultx.toml: `vaultx scope ls` unlocks
# nothing, and prints each scope's name at the start of a line.
function __vaultx_scope_names
    __vaultx_run scope ls | string match -r -- '^\S.*'
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
