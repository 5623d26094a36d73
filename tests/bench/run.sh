#!/bin/sh
# make bench: speed and memory figures, each printed with its target from
# issue 16 ("Targets") and whether it holds, as a ratio against yardsticks
# measured in the same run: raw libsodium Ed25519 sign and verify at the size
# of the bytes sdx signs (read from the ledger, whatever the entry format),
# and jansson parse + canonical dump + raw sign of the same records.  Asserts
# nothing (timing is judged here, never in unit tests).
#   BENCH_N        declarations for declare/verify/import/export and the
#                  large ledger of the query figures (default 100000;
#                  BENCH_BIG=1: 1000000)
#   BENCH_PROVE_N  entries of the ledger the proofs are timed on (default 1000000)
#   BENCH_CSV_ROWS rows of the CSV sdx declare --csv imports (default 100000;
#                  tests/bench/csv.sh)
set -e
BUILD=${BUILD:-build}
top=$(pwd)
SDX=$top/$BUILD/sdx
BENCH=$top/$BUILD/tests/bench/bench
if [ -n "${BENCH_BIG:-}" ]; then N=${BENCH_N:-1000000}; else N=${BENCH_N:-100000}; fi
P=${BENCH_PROVE_N:-1000000}
TEMPLATE=$top/examples/data/pvc-compound-declaration.json
REPORT=$top/examples/data/reports/cnas-l1234-report-2026-0917.txt
LOTPATH=material.lots.0.lot_number
W=$(mktemp -d "${TMPDIR:-/tmp}/sdx-bench-XXXXXX")
trap 'rm -rf "$W"' EXIT
cores=$(nproc)
export SDX_KDF=min
: > "$W/judged"
: > "$W/rss"

# target WHAT VALUE OP LIMIT HOW: one judged figure (OP is >= or <=)
target() {
	awk -v what="$1" -v v="$2" -v op="$3" -v lim="$4" -v how="$5" 'BEGIN {
		ok = (op == ">=") ? (v >= lim) : (v <= lim)
		printf "  %-44s %10.2f  target %s %.2f (%s)  %s\n", what, v, op, lim, how, ok ? "holds" : "MISSES"
		print (ok ? "holds" : "misses") " " what >> "'"$W/judged"'" }'
}
# timed NAME CMD...: run, keep wall seconds, peak RSS (KiB), CPU seconds in $t $r $c
timed() {
	name=$1; shift
	set -- $("$BENCH" run "$@")
	[ "$3" = 0 ] || [ "${ALLOW_EXIT:-}" = 1 ] || { echo "bench: $name failed (exit $3)"; exit 1; }
	t=$1 r=$2 c=$4
	echo "$r $name" >> "$W/rss"
}

echo "sdx bench on $cores cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $N declarations"
"$BENCH" gen "$TEMPLATE" "$N" "$LOTPATH" > "$W/decl.jsonl"
"$SDX" init -L "$W/b.db" --origin bench.example/supplier --unencrypted > /dev/null
timed "declare --jsonl" "$SDX" declare -L "$W/b.db" --jsonl "$W/decl.jsonl" --attach "$REPORT"
dt=$t dc=$c dr=$r
msg=$("$BENCH" msgsize "$W/b.db" 200)
set -- $("$BENCH" raw 20000 "$msg")
sign=$1 verify=$2
set -- $("$BENCH" yard "$W/decl.jsonl" 20000)
yard=$1 canonical=$2
echo "yardsticks (this run, 1 core): the bytes sdx signs per declaration: $msg; raw libsodium Ed25519 at that size:"
echo "    sign $sign/s, verify $verify/s; jansson parse + canonical dump + raw sign of a record: $yard us"
awk -v n="$N" -v t="$dt" -v c="$dc" -v r="$dr" 'BEGIN {
	printf "declare --jsonl: %d declarations in %.2f s = %.0f/s, CPU %.0f us each; peak RSS %.1f MiB\n",
		n, t, n / t, c / n * 1e6, r / 1024 }'
target "declare rate / (raw sign x cores)" "$(awk -v n=$N -v t=$dt -v s=$sign -v k=$cores 'BEGIN { print n / t / (s * k) }')" ">=" 0.20 "issue 16"
target "declare CPU per record / yardstick" "$(awk -v n=$N -v c=$dc -v y=$yard 'BEGIN { print c / n * 1e6 / y }')" "<=" 1.5 "issue 16"

timed "verify" "$SDX" verify -L "$W/b.db"
awk -v n=$((N + 1)) -v t="$t" -v r="$r" 'BEGIN {
	printf "verify (whole command, with attribution): %d entries in %.2f s = %.0f/s; peak RSS %.1f MiB\n", n, t, n / t, r / 1024 }'
vt=$t
set -- $("$BENCH" verify "$W/b.db" default)
lt=$1
set -- $("$BENCH" verify "$W/b.db" signatures)
st=$1
awk -v n=$((N + 1)) -v a="$lt" -v b="$st" 'BEGIN {
	printf "    of which sdx_ledger_verify: %.2f s = %.0f/s (default, hash-bound); %.2f s = %.0f/s (--signatures)\n", a, n / a, b, n / b }'
target "verify / (raw verify x cores)" "$(awk -v n=$((N + 1)) -v t=$vt -v v=$verify -v k=$cores 'BEGIN { print n / t / (v * k) }')" ">=" 2 "whole command"
target "  sdx_ledger_verify alone" "$(awk -v n=$((N + 1)) -v t=$lt -v v=$verify -v k=$cores 'BEGIN { print n / t / (v * k) }')" ">=" 2 "library"
timed "verify --signatures" "$SDX" verify -L "$W/b.db" --signatures
target "verify --signatures / (raw verify x cores)" "$(awk -v n=$((N + 1)) -v t=$t -v v=$verify -v k=$cores 'BEGIN { print n / t / (v * k) }')" ">=" 0.7 "whole command"
target "  sdx_ledger_verify --signatures alone" "$(awk -v n=$((N + 1)) -v t=$st -v v=$verify -v k=$cores 'BEGIN { print n / t / (v * k) }')" ">=" 0.7 "library"

timed "export --all" "$SDX" export -L "$W/b.db" --all -o "$W/b.sdxb"
awk -v n=$((N + 1)) -v t="$t" -v r="$r" 'BEGIN { printf "export --all: %d entries in %.2f s; peak RSS %.1f MiB\n", n, t, r / 1024 }'
ls -l "$W/b.sdxb" | awk '{ printf "    bundle file: %.1f MiB\n", $5 / 1048576 }'
target "export --all entries/s" "$(awk -v n=$((N + 1)) -v t=$t 'BEGIN { print n / t }')" ">=" 15000 "bundle v1"
vkey=$("$SDX" key show -L "$W/b.db" --vkey)
timed "verify FILE.sdxb" "$SDX" verify "$W/b.sdxb" --trust "$vkey"
target "bundle verify / (raw verify x cores)" "$(awk -v n=$((N + 1)) -v t=$t -v v=$verify -v k=$cores 'BEGIN { print n / t / (v * k) }')" ">=" 1.5 "bundle v1"
timed "verify FILE.sdxb --signatures" "$SDX" verify "$W/b.sdxb" --trust "$vkey" --signatures
target "bundle verify --signatures / (raw x cores)" "$(awk -v n=$((N + 1)) -v t=$t -v v=$verify -v k=$cores 'BEGIN { print n / t / (v * k) }')" ">=" 0.7 "as ledger --signatures"
"$SDX" init -L "$W/m.db" --origin bench.example/maker --unencrypted > /dev/null
"$SDX" trust add -L "$W/m.db" "$vkey" > /dev/null
timed "import" "$SDX" import -L "$W/m.db" "$W/b.sdxb"
target "import / (raw verify x cores)" "$(awk -v n=$((N + 1)) -v t=$t -v v=$verify -v k=$cores 'BEGIN { print n / t / (v * k) }')" ">=" 0.7 "issue 16"
att=$(wc -c < "$REPORT")
size=$(ls -l "$W/b.db" | awk '{ print $5 }')
awk -v s="$size" -v n="$N" -v c="$canonical" 'BEGIN {
	printf "ledger file: %.1f MiB, %.0f bytes per declaration (canonical record %.0f bytes)\n", s / 1048576, s / n, c / n }'
target "ledger file / (canonical bytes + attachments)" "$(awk -v s=$size -v c=$canonical -v a=$att 'BEGIN { print s / (c + a) }')" "<=" 1.3 "issue 16"

"$SDX" init -L "$W/p.db" --origin bench.example/prove --unencrypted > /dev/null
"$BENCH" fill "$W/p.db" "$W/p.key" "$P"
set -- $("$BENCH" prove "$W/p.db" 2000)
echo "prove at $1 entries: inclusion $2 us, consistency $3 us per proof"
target "inclusion proof us" "$2" "<=" 1000 "earlier issue"
timed "prove" "$SDX" prove -L "$W/p.db" $((P / 2)) --json

# trace, where-used, check and export --provenance of one small shipment (a
# batch of one declaration lot) at 1,000 entries and at N: with the graph
# index they read what they print (issue 16: <= 2 x at 1,000,000)
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
sn=$((sn - 1)) bn=$((bn - 1))  # the shipments' indexes
for q in trace where-used check export; do
	case $q in
	trace) sa=$sn ba=$bn ;;
	where-used) sa="--lot $slot" ba="--lot $blot" ;;
	check) sa="$sn --profile eu-rohs" ba="$bn --profile eu-rohs" ;;
	export) sa="--provenance $sn -o $W/ps.sdxb" ba="--provenance $bn -o $W/pb.sdxb" ;;
	esac
	ALLOW_EXIT=1 timed "$q (1,000)" "$SDX" $q -L "$W/s.db" $sa
	s1=$t
	ALLOW_EXIT=1 timed "$q ($N)" "$SDX" $q -L "$W/b.db" $ba
	awk -v q="$q" -v sn="$sn" -v bn="$bn" -v st="$s1" -v bt="$t" -v br="$r" 'BEGIN {
		printf "%s of a small shipment: %.3f s at %d entries, %.3f s at %d; peak RSS %.1f MiB\n",
			q, st, sn + 1, bt, bn + 1, br / 1024 }'
	target "$q: time at $((bn + 1)) / at $((sn + 1))" "$(awk -v a=$s1 -v b=$t 'BEGIN { print b / a }')" "<=" 2 "issue 16: at 1M"
done

. "$top/tests/bench/csv.sh"
. "$top/tests/bench/api.sh"

# age (issue 19): encrypt and decrypt against raw ChaCha20-Poly1305 over the same bytes
set -- $("$BENCH" age 256)
echo "age: raw ChaCha20-Poly1305-IETF $1 MiB/s; age encrypt $2 MiB/s, decrypt $3 MiB/s (256 MiB, 64 KiB chunks, 1 core)"
target "age encrypt / raw ChaCha20-Poly1305" "$(awk -v a=$2 -v b=$1 'BEGIN { print a / b }')" ">=" 0.80 "issue 19"
target "age decrypt / raw ChaCha20-Poly1305" "$(awk -v a=$3 -v b=$1 'BEGIN { print a / b }')" ">=" 0.80 "issue 19"

sort -n "$W/rss" | tail -n 1 | awk '{ r = $1; $1 = ""; printf "largest peak RSS: %.1f MiB (%s)\n", r / 1024, substr($0, 2) }'
target "peak RSS of every command, MiB" "$(sort -n "$W/rss" | tail -n 1 | awk '{ print $1 / 1024 }')" "<=" 64 "at $N entries"
awk '{ n++; if ($1 == "holds") h++ } END { printf "%d of %d targets hold (%d declarations, %s cores)\n", h, n, '"$N"', '"$cores"' }' "$W/judged"
