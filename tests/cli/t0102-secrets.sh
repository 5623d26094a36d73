#!/bin/sh
# Secrets: the passphrase and the secret key never appear in any output,
# message, ledger file or bundle; the key file is never readable by others.
. "$(dirname "$0")/lib.sh"

EX=$EXAMPLES/data
pass='correct horse battery staple 7Q!'
export SDX_PASSPHRASE="$pass"
sdx init -L s.db --origin example.com/secret > init.out 2>&1
check "the key file is mode 600" test "$(stat -c %a s.key)" = 600
# the same seed in an unencrypted file tells us what to look for
sdx init -L u.db --origin example.com/plain --unencrypted > /dev/null 2>&1
seed_b64=$(jq -r .seed u.key)
seed_hex=$(printf '%s' "$seed_b64" | base64 -d | od -An -tx1 | tr -d ' \n')
{
	sdx declare -L s.db "$EX/pvc-compound-declaration.json" --attach "$EX/reports/cnas-l1234-report-2026-0917.txt"
	sdx declare -L u.db "$EX/pvc-compound-declaration.json" --attach "$EX/reports/cnas-l1234-report-2026-0917.txt"
	sdx log -L s.db; sdx show -L s.db 1; sdx key show -L s.db; sdx checkpoint -L s.db
	sdx export -L s.db --all -o s.sdxb; sdx export -L u.db --all -o u.sdxb
	sdx verify -L s.db; sdx verify s.sdxb --trust-on-first-use
	SDX_PASSPHRASE=wrong sdx declare -L s.db "$EX/pigment-declaration.json"
	sdx declare -L u.db --jsonl /dev/null
} > all.out 2>&1
cat init.out >> all.out
expect 2 "a wrong passphrase is refused" env SDX_PASSPHRASE="Tr0ub4dor-typo" "$SDX" declare -L s.db "$EX/pigment-declaration.json"
golden wrong-passphrase "without echoing it"
check "the refusal does not echo what was typed" sh -c "! grep -q Tr0ub4dor '$err'"
cat "$err" >> all.out
for f in all.out s.db u.db s.sdxb u.sdxb; do
	# bundles are compressed: look inside them too
	case $f in *.sdxb) gzip -dc "$f" > "$f.tar"; f=$f.tar ;; esac
	check "$f does not contain the passphrase" sh -c "! grep -aqF '$pass' '$f'"
	check "$f does not contain the seed (base64)" sh -c "! grep -aqF '$seed_b64' '$f'"
	check "$f does not contain the seed (hex)" sh -c "! grep -aqiF '$seed_hex' '$f'"
done
chmod 644 s.key
expect 4 "a key file others can read is refused" sdx declare -L s.db "$EX/pigment-declaration.json"
golden key-mode "naming the fix"
