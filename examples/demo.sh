#!/bin/sh
# The sdx walkthrough run by `make demo`.  Everything happens in a temporary
# directory; nothing outside it is touched.
#
# A raw-material supplier signs declarations with lab evidence and sends a
# bundle; a manufacturer checks it offline, trusts the supplier's key and
# imports it.  (The exporter's shipment and market checks come with batches
# and shipments: see the issues.)
set -eu
SDX=${SDX:-sdx}
here=$(cd "$(dirname "$0")" && pwd)
data=$here/data
work=$(mktemp -d "${TMPDIR:-/tmp}/sdx-demo-XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"

if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then B=$(printf '\033[1m') N=$(printf '\033[0m'); else B= N=; fi
say() { printf '\n%s== %s%s\n' "$B" "$*" "$N"; }
run() { printf '$ %s\n' "$*"; "$@"; }
sdx() { "$SDX" "$@"; }

export SDX_PASSPHRASE="demo passphrase, use your own"
export SDX_KDF=min   # fast key derivation: for demos and tests only

say "A PVC compound supplier creates its ledger and signing key"
run sdx init --origin demo.example/acme-polymers -L acme.db
run sdx key show -L acme.db

say "It declares a lot: phthalate-free, heavy metals under 100 mg/kg, with the CNAS lab report"
run sdx declare -L acme.db "$data/pvc-compound-declaration.json" \
	--attach "$data/reports/cnas-l1234-report-2026-0917.txt"

say "A food-contact polypropylene declaration (EU 10/2011, FDA 21 CFR 177.1520, GB 4806.7)"
run sdx declare -L acme.db "$data/pp-food-contact-declaration.json" \
	--attach "$data/reports/pp-migration-report-2026-0802.txt"

say "A declaration with a broken field is refused, naming the field; nothing is written"
sed 's/"value": *[0-9.]*/"value": "low"/' "$data/pvc-compound-declaration.json" > broken.json
run sdx declare -L acme.db broken.json || echo "(exit code $?: refused as expected)"

say "What the ledger holds"
run sdx log -L acme.db
run sdx show -L acme.db 1 | head -n 12

say "Anyone can audit it: every signature, link, tree hash, checkpoint and attachment"
run sdx verify -L acme.db

say "A proof that entry 1 is in the signed tree, and the checkpoint it leads to"
run sdx prove -L acme.db 1

say "Publish as a static C2SP tlog-tiles log that any web server can serve"
run sdx publish -L acme.db public-log
find public-log -type f | sort

say "The supplier sends its declarations to a manufacturer as a signed bundle"
run sdx export -L acme.db --all --to demo.example/ornament-works -o acme-2026-11.sdxb

say "The manufacturer checks the bundle offline, before trusting anybody"
run sdx init --origin demo.example/ornament-works -L works.db
run sdx verify -L works.db acme-2026-11.sdxb || echo "(exit code $?: valid, but the key is not trusted yet)"

say "It compares the supplier's fingerprint by phone, trusts the key, imports"
sdx key show -L acme.db --vkey > acme.vkey
run sdx trust add -L works.db acme.vkey --name "Acme Polymers, PVC compound"
run sdx import -L works.db acme-2026-11.sdxb
run sdx inbox -L works.db
run sdx verify -L works.db

say "The manufacturer forwards the supplier's declarations to its exporter"
run sdx export -L works.db --all --imported --to demo.example/ningbo-export -o works-2026-11.sdxb
run sdx init --origin demo.example/ningbo-export -L export.db
sdx key show -L works.db --vkey > works.vkey
run sdx trust add -L export.db works.vkey --name "Ornament Works"
run sdx verify -L export.db works-2026-11.sdxb || echo "(exit code $?: the supplier's own key is not trusted yet)"
run sdx trust add -L export.db acme.vkey --name "Acme Polymers, via Ornament Works"
run sdx import -L export.db works-2026-11.sdxb
run sdx inbox -L export.db

say "A forged bundle is caught and the damage named"
mkdir forged && (cd forged && tar -xzf ../acme-2026-11.sdxb)
printf 'X' | dd of=forged/ledgers/0/entries bs=1 seek=300 conv=notrunc 2>/dev/null
(cd forged && find . -type f | sed 's|^\./||' | LC_ALL=C sort |
	tar --owner=0 --group=0 --numeric-owner --mtime=@0 --no-recursion -czf ../forged.sdxb -T -)
run sdx verify -L works.db forged.sdxb || echo "(exit code $?: forged)"

say "Someone edits the supplier's file behind sdx's back: verify names the damage"
echo "(flipping one character of entry 2 with the sqlite3 shell, trigger put back afterwards)"
sqlite3 acme.db "DROP TRIGGER entries_no_update;
  UPDATE entries SET data = CAST(substr(data, 1, 40) || CASE substr(data, 41, 1) WHEN 'A' THEN 'B' ELSE 'A' END || substr(data, 42) AS BLOB) WHERE idx = 2;
  CREATE TRIGGER entries_no_update BEFORE UPDATE ON entries BEGIN SELECT RAISE(ABORT, 'sdx: ledger is append-only'); END;"
run sdx verify -L acme.db || echo "(exit code $?: tampering detected)"
