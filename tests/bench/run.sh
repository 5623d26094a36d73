#!/bin/sh
# make bench: speed and memory figures.  Prints; asserts nothing (targets are
# judged by reading the figures, never by timed unit tests).
#   BENCH_N        declarations for declare/verify (default 100000)
#   BENCH_PROVE_N  entries of the ledger the proofs are timed on (default 1000000)
set -e
BUILD=${BUILD:-build}
top=$(pwd)
SDX=$top/$BUILD/sdx
BENCH=$top/$BUILD/tests/bench/bench
N=${BENCH_N:-100000}
P=${BENCH_PROVE_N:-1000000}
TEMPLATE=$top/examples/data/pvc-compound-declaration.json
REPORT=$top/examples/data/reports/cnas-l1234-report-2026-0917.txt
LOTPATH=material.lots.0.lot_number
W=$(mktemp -d "${TMPDIR:-/tmp}/sdx-bench-XXXXXX")
trap 'rm -rf "$W"' EXIT
cores=$(nproc)
export SDX_KDF=min

echo "sdx bench on $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
"$BENCH" gen "$TEMPLATE" "$N" "$LOTPATH" > "$W/decl.jsonl"
# what an entry's signature covers: the payload (record + ~250 bytes of envelope fields)
msg=$(awk '{ s += length($0) } END { printf "%d", s / NR + 250 }' "$W/decl.jsonl")
set -- $("$BENCH" raw 20000 1500)
echo "raw libsodium Ed25519 (1 core, 1.5 KB messages): sign $1/s, verify $2/s"
set -- $("$BENCH" raw 20000 "$msg")
sign=$1 verify=$2
echo "raw libsodium Ed25519 (1 core, $msg-byte messages, the size sdx signs here): sign $sign/s, verify $verify/s"
"$SDX" init -L "$W/b.db" --origin bench.example/supplier --unencrypted > /dev/null
set -- $("$BENCH" run "$SDX" declare -L "$W/b.db" --jsonl "$W/decl.jsonl" --attach "$REPORT")
[ "$3" = 0 ] || { echo "bench: declare failed"; exit 1; }
awk -v n="$N" -v s="$1" -v r="$2" -v sign="$sign" -v cpu="$4" -v c="$cores" 'BEGIN {
	printf "declare --jsonl: %d declarations in %.2f s = %.0f/s = %.2f x raw sign rate (target >= 0.70); peak RSS %.1f MiB\n",
		n, s, n / s, n / s / sign, r / 1024
	printf "    CPU per declaration %.0f us on %d cores, of which signing %.0f us; %d cores at that CPU cost bound the rate to %.0f/s\n",
		cpu / n * 1e6, c, 1e6 / sign, c, c * n / cpu }'
set -- $("$BENCH" run "$SDX" verify -L "$W/b.db")
[ "$3" = 0 ] || { echo "bench: verify failed"; exit 1; }
awk -v n="$N" -v s="$1" -v r="$2" -v v="$verify" -v c="$cores" -v cpu="$4" 'BEGIN {
	printf "verify: %d entries in %.2f s = %.0f/s = %.2f x raw verify rate x %d cores (target >= 0.70); peak RSS %.1f MiB\n",
		n + 1, s, (n + 1) / s, (n + 1) / s / (v * c), c, r / 1024
	printf "    CPU per entry %.0f us, of which the signature check %.0f us\n", cpu / (n + 1) * 1e6, 1e6 / v }'
set -- $("$BENCH" run "$SDX" export -L "$W/b.db" --all -o "$W/b.sdxb")
[ "$3" = 0 ] || { echo "bench: export failed"; exit 1; }
awk -v n="$N" -v s="$1" -v r="$2" 'BEGIN {
	printf "export --all: %d entries in %.2f s = %.0f/s; peak RSS %.1f MiB\n", n + 1, s, (n + 1) / s, r / 1024 }'
ls -l "$W/b.sdxb" | awk '{ printf "bundle file: %.1f MiB\n", $5 / 1048576 }'
vkey=$("$SDX" key show -L "$W/b.db" --vkey)
set -- $("$BENCH" run "$SDX" verify "$W/b.sdxb" --trust "$vkey")
[ "$3" = 0 ] || { echo "bench: bundle verify failed"; exit 1; }
awk -v n="$N" -v s="$1" -v r="$2" -v v="$verify" -v c="$cores" -v cpu="$4" 'BEGIN {
	printf "verify FILE.sdxb: %d entries in %.2f s = %.0f/s = %.2f x raw verify rate x %d cores (target >= 0.70); peak RSS %.1f MiB\n",
		n + 1, s, (n + 1) / s, (n + 1) / s / (v * c), c, r / 1024
	printf "    CPU per entry %.0f us, of which the signature check %.0f us\n", cpu / (n + 1) * 1e6, 1e6 / v }'
"$SDX" init -L "$W/m.db" --origin bench.example/maker --unencrypted > /dev/null
"$SDX" trust add -L "$W/m.db" "$vkey" > /dev/null
set -- $("$BENCH" run "$SDX" import -L "$W/m.db" "$W/b.sdxb")
[ "$3" = 0 ] || { echo "bench: import failed"; exit 1; }
awk -v n="$N" -v s="$1" -v r="$2" 'BEGIN {
	printf "import: %d entries in %.2f s = %.0f/s; peak RSS %.1f MiB\n", n + 1, s, (n + 1) / s, r / 1024 }'
ls -l "$W/b.db" | awk -v n="$N" '{ printf "ledger file: %.1f MiB, %.0f bytes per declaration\n", $5 / 1048576, $5 / n }'

"$SDX" init -L "$W/p.db" --origin bench.example/prove --unencrypted > /dev/null
"$BENCH" fill "$W/p.db" "$W/p.key" "$P"
set -- $("$BENCH" prove "$W/p.db" 2000)
echo "prove at $1 entries: inclusion $2 us, consistency $3 us per proof (target < 1000 us)"
set -- $("$BENCH" run "$SDX" prove -L "$W/p.db" $((P / 2)) --json)
awk -v s="$1" -v r="$2" 'BEGIN { printf "sdx prove (whole process): %.1f ms, peak RSS %.1f MiB\n", s * 1000, r / 1024 }'

# trace and where-used of one small shipment (a batch of one declaration lot)
# at 1,000 entries and at BENCH_N: with the graph index they read what they
# print, so the whole-process time should barely grow (issue 16: <= 2x at 1M)
small_shipment() { # LEDGER: a batch of entry 1's lot and a shipment of it; prints the lot
	ref=$("$SDX" show -L "$1" 1 --json | jq -r .leaf_hash)
	lot=$("$SDX" show -L "$1" 1 --json | jq -r '.payload.body.material.lots[0].lot_number')
	b=$("$SDX" batch -L "$1" --id BENCH-B1 --product 'Bench toy' --hs 9503.00 --date 2026-10-12 \
		--manufacturer 'Bench Toys' --manufacturer-id DUNS:123456789 --manufacturer-country CN \
		--site 'Plant 1' --quantity 10:H87 --input "$ref:$lot:0.5:TNE" --json |
		jq -r '.. | .leaf_hash? // empty' | tail -n 1)
	"$SDX" ship -L "$1" --id BENCH-S1 --date 2026-11-20 --exporter 'Bench Export' \
		--exporter-id DUNS:987654321 --exporter-country CN --to DE --port CNNGB --consignee 'Buyer GmbH' \
		--consignee-country DE --item "$b:10:H87" > /dev/null
	echo "$lot"
}
"$SDX" init -L "$W/s.db" --origin bench.example/small --unencrypted > /dev/null
head -n 1000 "$W/decl.jsonl" > "$W/small.jsonl"
"$SDX" declare -L "$W/s.db" --jsonl "$W/small.jsonl" --attach "$REPORT" > /dev/null 2>&1
slot=$(small_shipment "$W/s.db")
blot=$(small_shipment "$W/b.db")
sn=$("$SDX" log -L "$W/s.db" --json | wc -l)
bn=$("$SDX" log -L "$W/b.db" --json | wc -l)
for q in trace where-used; do
	if [ $q = trace ]; then sa=$((sn - 1)); ba=$((bn - 1)); else sa="--lot $slot"; ba="--lot $blot"; fi
	set -- $("$BENCH" run "$SDX" $q -L "$W/s.db" $sa)
	[ "$3" = 0 ] || { echo "bench: $q failed"; exit 1; }
	st=$1 sr=$2
	set -- $("$BENCH" run "$SDX" $q -L "$W/b.db" $ba)
	[ "$3" = 0 ] || { echo "bench: $q failed"; exit 1; }
	awk -v q="$q" -v sn="$sn" -v bn="$bn" -v st="$st" -v bt="$1" -v br="$2" 'BEGIN {
		printf "%s of a small shipment (where-used: its lot): %.3f s at %d entries, %.3f s at %d = %.2f x (target <= 2 x at 1M); peak RSS %.1f MiB\n",
			q, st, sn, bt, bn, bt / st, br / 1024 }'
done
