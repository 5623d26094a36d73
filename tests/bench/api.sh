# tests/bench/api.sh - sourced by run.sh: requests/s of check and trace of the
# small shipment through sdx serve with 8 concurrent clients (curl --parallel,
# keep-alive), against the yardstick of the same query asked of the CLI, one
# process after another, in the same run (issue 18).  Needs $W/s.db and its
# shipment BENCH-S1 (run.sh made them).
AN=${BENCH_API_N:-400}
tok=$("$SDX" serve token add -L "$W/s.db" --scope read --name bench 2> /dev/null)
"$SDX" serve -L "$W/s.db" -k "$W/s.key" --listen 127.0.0.1:0 --rate 0 --max-connections 16 \
	> "$W/serve.out" 2> "$W/serve.err" &
spid=$!
n=0
while ! grep -q 'on http://127.0.0.1:[0-9]*/$' "$W/serve.out" 2> /dev/null; do
	n=$((n + 1)); [ $n -le 100 ] || { echo "bench: sdx serve did not start: $(cat "$W/serve.err")"; exit 1; }
	sleep 0.1
done
U=$(sed -n 's|.* on \(http://127.0.0.1:[0-9]*\)/$|\1|p' "$W/serve.out")
for q in check trace; do
	case $q in
	check) path="/v1/check/BENCH-S1?profile=eu-rohs" cli="check -L $W/s.db BENCH-S1 --profile eu-rohs --json" ;;
	trace) path="/v1/trace/BENCH-S1" cli="trace -L $W/s.db BENCH-S1 --json" ;;
	esac
	: > "$W/api.cfg"
	i=0; while [ $i -lt "$AN" ]; do printf 'url = "%s%s"\noutput = "/dev/null"\n' "$U" "$path" >> "$W/api.cfg"; i=$((i + 1)); done
	curl -s --max-time 10 -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $tok" "$U$path" > "$W/api.status"
	[ "$(cat "$W/api.status")" = 200 ] || { echo "bench: $q through the API answered $(cat "$W/api.status")"; kill "$spid"; exit 1; }
	t0=$(date +%s.%N)
	curl -s --no-progress-meter --parallel --parallel-max 8 --parallel-immediate -w '%{http_code}\n' \
		-H "Authorization: Bearer $tok" --max-time 60 -K "$W/api.cfg" > "$W/api.codes" 2> /dev/null
	t1=$(date +%s.%N)
	[ "$(grep -c '^200$' "$W/api.codes")" = "$AN" ] || {
		echo "bench: $q through the API: $(grep -vc '^200$' "$W/api.codes") of $AN answers were not 200"; kill "$spid"; exit 1; }
	c0=$(date +%s.%N)
	i=0; while [ $i -lt 20 ]; do ALLOW_EXIT=1 "$SDX" $cli > /dev/null 2>&1 || true; i=$((i + 1)); done
	c1=$(date +%s.%N)
	awk -v q="$q" -v n="$AN" -v a="$t0" -v b="$t1" -v c="$c0" -v d="$c1" 'BEGIN {
		printf "%s through sdx serve, 8 clients: %d requests in %.2f s = %.0f/s; the CLI, one process at a time: %.0f/s\n",
			q, n, b - a, n / (b - a), 20 / (d - c) }'
	target "$q API requests/s / CLI runs/s" "$(awk -v n="$AN" -v a="$t0" -v b="$t1" -v c="$c0" -v d="$c1" 'BEGIN { print (n / (b - a)) / (20 / (d - c)) }')" ">=" 2 "issue 18 (own target)"
done
kill -TERM "$spid" 2> /dev/null; wait "$spid" 2> /dev/null || true
