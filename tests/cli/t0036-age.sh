#!/bin/sh
# Bundles encrypted to a recipient (formats/age.md): each ledger's X25519
# key beside its signing key, bound by a signed entry; export --encrypt-to
# writes age v1 files that Debian's age opens, and sdx verify/import open
# files age wrote; a wrong key, a truncated file, a flipped byte or an added
# stanza is a named error with the ledger left as it was.
. "$(dirname "$0")/lib.sh"

D=$EXAMPLES/data
R=$D/reports
export SDX_PASSPHRASE="age test"
command -v age > /dev/null && command -v age-keygen > /dev/null ||
	nok "Debian's age tool is installed" "apt-get install age ('make deps' does)"

# flip FILE OFFSET: XOR the byte at OFFSET with 1
flip() {
	b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	printf "\\$(printf %o $((b ^ 1)))" | dd of="$1" bs=1 seek="$2" conv=notrunc 2> /dev/null
}
# unchanged NAME: the ledger file is as it was, no temporary file is left in its directory
snap() { sha256sum m.db > m.db.sum; }
unchanged() {
	check "$1: the ledger is unchanged" sha256sum -c --quiet m.db.sum
	check "$1: no temporary file is left" sh -c '! ls -A | grep -q "^\.sdx-age-"'
}

sdx init -L s.db --origin example.com/s > /dev/null
sdx declare -L s.db "$D/pvc-compound-declaration.json" --attach "$R/cnas-l1234-report-2026-0917.txt" > /dev/null 2>&1
sdx init -L m.db --origin example.com/m > /dev/null
sdx key show -L s.db --vkey > s.vkey
sdx key show -L m.db --vkey > m.vkey

# --- the age key and its binding ----------------------------------------------
expect 2 "key show --age-recipient before there is one" sdx key show -L m.db --age-recipient
golden no-recipient "says how to make one"
expect 0 "sdx key age makes the key and binds it" sdx key age -L m.db
expect_out "prints the key file and the recipient" '^age key: +m\.key\.x25519$'
check "the age key file is mode 600" test "$(stat -c %a m.key.x25519)" = 600
check "it is sealed with the passphrase" sh -c '! grep -q "\"seed\"" m.key.x25519'
expect 0 "key show --age-recipient" sdx key show -L m.db --age-recipient
MR=$(cat "$out")
check "the recipient is age1 and 58 Bech32 characters" sh -c "echo '$MR' | grep -Eqx 'age1[02-9ac-hj-np-z]{58}'"
expect 0 "key show names it too" sdx key show -L m.db
expect_out "as age recipient" "^age recipient: $MR\$"
expect 0 "log shows the binding entry" sdx log -L m.db
expect_out "of type age-recipient" "age-recipient .* age recipient $MR"
expect 2 "a second sdx key age is refused" sdx key age -L m.db
golden second-key "the key exists"
expect 0 "the ledger verifies with the binding" sdx verify -L m.db
sdx key age -L s.db > /dev/null

chmod 644 m.key.x25519
expect 4 "an age key file others can read is refused" sdx key age -L m.db --identity id.txt
golden mode-644 "as the signing key's"
chmod 600 m.key.x25519
expect 0 "the age key as an age identity file" sdx key age -L m.db --identity id.txt
check "the identity file is mode 600" test "$(stat -c %a id.txt)" = 600
check "it holds AGE-SECRET-KEY-1..." grep -Eqx 'AGE-SECRET-KEY-1[02-9AC-HJ-NP-Z]{58}' id.txt
check "age-keygen finds the same recipient in it" test "$(age-keygen -y id.txt)" = "$MR"

# --- sdx encrypts, age decrypts --------------------------------------------------
sdx trust add -L s.db m.vkey > /dev/null
sdx trust add -L m.db s.vkey > /dev/null
expect 2 "--encrypt-to a verifier key whose binding is not held" sdx export -L s.db --all --encrypt-to "$(cat m.vkey)" -o none.age
golden unbound-vkey "says to give the age1 recipient"
check "and writes nothing" test ! -e none.age
sdx export -L m.db --all -o m.sdxb > /dev/null
sdx import -L s.db m.sdxb > /dev/null
expect 0 "--encrypt-to the verifier key, after importing its binding" sdx export -L s.db --all --encrypt-to "$(cat m.vkey)" -o s.age
check "the file is age v1" test "$(head -n 1 s.age)" = age-encryption.org/v1
check "no temporary file is left beside it" sh -c '! ls -d s.age.tmp-* 2> /dev/null'
age -d -i id.txt -o s-plain.sdxb s.age 2> age.err
check "age -d -i decrypts what sdx encrypted" test -s s-plain.sdxb
expect 0 "and the bundle verifies" sdx verify s-plain.sdxb --trust s.vkey
age-keygen -o other.txt 2> /dev/null
OR=$(age-keygen -y other.txt)
expect 0 "several recipients" sdx export -L s.db --all --encrypt-to "$MR" --encrypt-to "$OR" -o two.age
check "one X25519 stanza each" test "$(grep -ac '^-> X25519 ' two.age)" = 2
age -d -i other.txt -o two-plain.sdxb two.age 2> /dev/null
expect 0 "the other recipient's age opens it" sdx verify two-plain.sdxb --trust s.vkey
expect 0 "sdx verify opens it with the ledger's age key" sdx verify -L m.db two.age --trust s.vkey
golden verify-two "shown under the name given"
expect 2 "--encrypt-to something else" sdx export -L s.db --all --encrypt-to bob -o bob.age
golden bad-recipient "neither age1 nor a verifier key"

# --- age encrypts, sdx decrypts ----------------------------------------------------
age -r "$MR" -o by-age.age s-plain.sdxb
snap
expect 0 "sdx verify reads a file age -r encrypted" sdx verify -L m.db by-age.age --trust s.vkey
unchanged "verify"
expect 0 "sdx import reads it too" sdx import -L m.db by-age.age
golden import "imports the bundle inside"
check "import: no temporary file is left" sh -c '! ls -A | grep -q "^\.sdx-age-"'
check "import: the ledger holds the imported entries" sh -c '! sha256sum -c --quiet m.db.sum > /dev/null 2>&1' 
expect 0 "the importing ledger verifies" sdx verify -L m.db

# --- errors: named, exit codes as formats/age.md says, ledger unchanged ------------
age -r "$OR" -o wrong.age s-plain.sdxb
snap
expect 2 "a file for another key" sdx import -L m.db wrong.age
golden wrong-key "not encrypted to this key"
unchanged "wrong key"
size=$(stat -c %s by-age.age)
head -c $((size - 100)) by-age.age > truncated.age
expect 1 "a truncated file" sdx import -L m.db truncated.age
golden truncated "the chunk does not authenticate"
unchanged "truncated"
head -c 150 by-age.age > header-only.age
expect 2 "a file cut inside its header" sdx verify -L m.db header-only.age
golden header-cut "the header line is named"
cp by-age.age flipped.age
flip flipped.age $((size - 5000))
expect 1 "a flipped payload byte" sdx import -L m.db flipped.age
golden flipped "names the chunk"
unchanged "flipped payload byte"
cp by-age.age flipped-mac.age
mac=$(grep -abo '^--- ' by-age.age | head -n 1 | cut -d: -f1)
# its first base64 character changed to another (all six bits count: still canonical)
c=$(dd if=by-age.age bs=1 skip=$((mac + 4)) count=1 2> /dev/null)
if [ "$c" = A ]; then c=B; else c=A; fi
printf %s "$c" | dd of=flipped-mac.age bs=1 seek=$((mac + 4)) conv=notrunc 2> /dev/null
check "the MAC line is still well-formed" sh -c "sed -n '4p' flipped-mac.age | grep -Eqx -- '--- [A-Za-z0-9+/]{43}'"
expect 1 "a changed byte in the header MAC" sdx import -L m.db flipped-mac.age
golden flipped-mac "the header MAC does not match"
unchanged "flipped MAC byte"
# another file's stanza for this very key, spliced in before the MAC line
age -r "$MR" -o extra-src.age m.vkey
{ sed -n '1,/^---/p' by-age.age | sed '$d'
  sed -n '2,3p' extra-src.age
  tail -c +$((mac + 1)) by-age.age; } > extra.age
check "the spliced file has two stanzas" test "$(grep -ac '^-> X25519 ' extra.age)" = 2
expect 1 "an added stanza" sdx import -L m.db extra.age
golden extra-stanza "breaks the header MAC"
unchanged "added stanza"
sed 's/^-> X25519 \([A-Za-z0-9+\/]*\)$/-> X25519 \1 extra/' by-age.age > extra-arg.age
expect 2 "an X25519 stanza with three arguments" sdx verify -L m.db extra-arg.age
golden extra-arg "names the header line"
sdx init -L q.db --origin example.com/q --unencrypted > /dev/null
expect 2 "a ledger without an age key" sdx import -L q.db by-age.age
golden no-age-key "says to run sdx key age"
expect 2 "verify of an age file without a ledger" sdx verify -L nowhere.db by-age.age
golden no-ledger "needs a ledger"
cp m.key.x25519 q.key.x25519
expect 2 "an age key file no entry binds" sdx key age -L q.db
golden unbound-key "says to move it away"
# an age file that holds no bundle: the bundle error names the file given, not the temporary one
age -r "$MR" -o junk.age m.vkey
snap
expect 2 "an age file holding no bundle" sdx import -L m.db junk.age
golden not-a-bundle "named as given"
unchanged "no bundle inside"

# --- several chunks: a 200 KB report travels in four 64 KiB chunks -------------------
sed 's/"sha256": *"[0-9a-f]\{64\}", *//' "$D/pvc-compound-declaration.json" > big-decl.json
head -c 200000 /dev/urandom > cnas-l1234-report-2026-0917.txt
sdx init -L b.db --origin example.com/b --unencrypted > /dev/null
sdx declare -L b.db big-decl.json --attach cnas-l1234-report-2026-0917.txt > /dev/null 2>&1
sdx key show -L b.db --vkey > b.vkey
sdx trust add -L m.db b.vkey > /dev/null
expect 0 "a bundle of four chunks, encrypted to the manufacturer" sdx export -L b.db --all --encrypt-to "$MR" -o big.age
check "it is over 196608 bytes" test "$(stat -c %s big.age)" -gt 196608
age -d -i id.txt -o big-plain.sdxb big.age 2> /dev/null
expect 0 "age -d opens it and it verifies" sdx verify big-plain.sdxb --trust b.vkey
expect 0 "sdx verify opens it" sdx verify -L m.db big.age
cp big.age big-flipped.age
flip big-flipped.age 100000
snap
expect 1 "a flipped byte in its second chunk" sdx import -L m.db big-flipped.age
golden big-flipped "names chunk 1"
unchanged "flipped second chunk"
