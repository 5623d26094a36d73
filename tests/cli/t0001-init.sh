#!/bin/sh
# sdx init, key show, help, version, and the errors around them.
. "$(dirname "$0")/lib.sh"

expect 0 "--help lists the commands" sdx --help
expect_out "--help names declare" "declare +record signed declarations"
expect_out "--help documents exit codes" "exit codes: 0 ok; 1 verification failed"
expect 0 "--version" sdx --version
expect_out "--version names the libraries" "libsodium .*SQLite .*jansson"
expect 2 "unknown command" sdx frobnicate
expect_err "unknown command is named" "'frobnicate' is not an sdx command"
expect 0 "help for a command" sdx help declare
expect_out "command help shows usage" "^usage: sdx declare"
expect 2 "unknown option" sdx log --frob
expect_err "unknown option is named" "unknown option '--frob'"

expect 2 "init needs --origin" sdx init --unencrypted
expect_err "init says what is missing" "--origin is required"
expect 2 "init refuses a bad origin" sdx init --origin "bad origin" --unencrypted
expect_err "bad origin is named" "invalid origin 'bad origin'"
check "a refused init leaves no files" test ! -e sdx.db -a ! -e sdx.key

expect 0 "init --unencrypted" sdx init --origin example.com/acme-polymers --unencrypted
expect_out "init prints the verifier key" "^verifier key: example.com/acme-polymers\+[0-9a-f]{8}\+"
check "ledger file exists" test -f sdx.db
check "key file is mode 600" test "$(stat -c %a sdx.key)" = 600
expect 2 "init refuses to overwrite" sdx init --origin example.com/other --unencrypted
expect_err "overwrite refusal names the file" "'sdx.db' already exists"

expect 0 "key show" sdx key show
expect_out "key show: origin" "^origin: +example.com/acme-polymers"
expect_out "key show: fingerprint groups" "^fingerprint: +([0-9a-f]{4} ){15}[0-9a-f]{4}$"
expect 0 "key show --vkey" sdx key show --vkey
check "vkey line only" test "$(wc -l < "$out")" = 1
expect 0 "key show --json" sdx key show --json
expect_out "json has key_id" '"key_id": "[0-9a-f]{8}"'

# an encrypted key: passphrase from the environment
expect 0 "init encrypted" env SDX_PASSPHRASE=correct-horse "$SDX" init --origin example.com/enc -L enc.db
check "key beside the ledger" test -f enc.key
check "the passphrase is not in the key file" sh -c '! grep -q correct-horse enc.key'
expect 0 "checkpoint with no growth needs no passphrase" sdx checkpoint -L enc.db
expect_out "checkpoint origin line" "^example.com/enc$"
expect 2 "no passphrase without a terminal" setsid "$SDX" declare -L enc.db "$EXAMPLES/data/withdrawal.json" < /dev/null
expect_err "asks for SDX_PASSPHRASE" "SDX_PASSPHRASE"
expect 2 "wrong passphrase" env SDX_PASSPHRASE=wrong "$SDX" declare -L enc.db "$EXAMPLES/data/withdrawal.json"
expect_err "wrong passphrase is said" "passphrase"
chmod 644 enc.key
expect 4 "a key readable by others is refused" env SDX_PASSPHRASE=correct-horse "$SDX" declare -L enc.db "$EXAMPLES/data/withdrawal.json"
expect_err "the refusal says chmod" "chmod 600"

# not a ledger
echo "just text, not a database, long enough to be read as a header......." > notes.db
expect 2 "a non-ledger file is refused" sdx log -L notes.db
expect_err "non-ledger names the file" "'notes.db': not an sdx ledger"
expect 2 "a missing ledger" sdx log -L nowhere.db
expect_err "missing ledger says how to create one" "no ledger at 'nowhere.db'"
