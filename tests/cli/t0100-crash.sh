#!/bin/sh
# Crash safety, a few trials (make torture runs 100): SIGKILL during
# declare --jsonl, import and checkpoint; the ledger verifies after each and
# every reported commit is there.  See tests/torture/crash.sh.
. "$(dirname "$0")/lib.sh"

sh "$(dirname "$0")/../torture/crash.sh" "$SDX" 4 "$DATA" | sed "s/^ok - crash/ok - $T: crash/; s/^not ok - crash/not ok - $T: crash/"
