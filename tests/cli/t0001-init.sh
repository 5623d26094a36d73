#!/bin/sh
# sdx init, key show, help, version, and the errors around them.
. "$(dirname "$0")/lib.sh"

expect 0 "--help lists the commands" sdx --help
golden help "--help names every command and documents the exit codes"
expect 0 "--version" sdx --version
# a regex, not a golden file: the version numbers are this machine's
expect_out "--version names the libraries" "libsodium .*SQLite .*jansson"
expect 2 "unknown command" sdx frobnicate
golden unknown-command "unknown command is named"
expect 0 "help for a command" sdx help declare
golden help-declare "command help shows usage and options"
expect 0 "--help after a command" sdx declare --help
golden declare-help "the same text"
expect 0 "help for export" sdx export --help
golden export-help "export's usage and options, --disclose among them"
expect 2 "unknown option" sdx log --frob
golden unknown-option "unknown option is named"

expect 2 "init needs --origin" sdx init --unencrypted
golden init-no-origin "init says what is missing"
expect 2 "init refuses a bad origin" sdx init --origin "bad origin" --unencrypted
golden init-bad-origin "bad origin is named"
check "a refused init leaves no files" test ! -e sdx.db -a ! -e sdx.key

expect 0 "init --unencrypted" sdx init --origin example.com/acme-polymers --unencrypted
golden init "init prints the verifier key and fingerprint"
check "ledger file exists" test -f sdx.db
check "key file is mode 600" test "$(stat -c %a sdx.key)" = 600
expect 2 "init refuses to overwrite" sdx init --origin example.com/other --unencrypted
golden init-exists "overwrite refusal names the file"

expect 0 "key show" sdx key show
golden key-show "key show: origin, key id, verifier key, fingerprint"
expect 0 "key show --vkey" sdx key show --vkey
golden key-show-vkey "vkey line only"
expect 0 "key show --json" sdx key show --json
golden key-show-json "json has key_id"

# an encrypted key: passphrase from the environment
expect 0 "init encrypted" env SDX_PASSPHRASE=correct-horse "$SDX" init --origin example.com/enc -L enc.db
check "key beside the ledger" test -f enc.key
check "the passphrase is not in the key file" sh -c '! grep -q correct-horse enc.key'
expect 0 "checkpoint with no growth needs no passphrase" sdx checkpoint -L enc.db
golden checkpoint-enc "checkpoint of the genesis entry"
expect 2 "no passphrase without a terminal" setsid "$SDX" declare -L enc.db "$EXAMPLES/data/withdrawal.json" < /dev/null
golden no-passphrase "asks for SDX_PASSPHRASE"
expect 2 "wrong passphrase" env SDX_PASSPHRASE=wrong "$SDX" declare -L enc.db "$EXAMPLES/data/withdrawal.json"
golden wrong-passphrase "wrong passphrase is said"
chmod 644 enc.key
expect 4 "a key readable by others is refused" env SDX_PASSPHRASE=correct-horse "$SDX" declare -L enc.db "$EXAMPLES/data/withdrawal.json"
golden key-mode "the refusal says chmod"

# not a ledger
echo "just text, not a database, long enough to be read as a header......." > notes.db
expect 2 "a non-ledger file is refused" sdx log -L notes.db
golden not-a-ledger "non-ledger names the file"
expect 2 "a missing ledger" sdx log -L nowhere.db
golden no-ledger "missing ledger says how to create one"
