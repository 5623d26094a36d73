#!/usr/bin/env python3
"""tests/cli/columns.py - where the columns of sdx's tables start, by display
width, computed without sdx: Unicode's East Asian Width from Python's
unicodedata (W and F two columns), combining marks and format characters none.

  columns.py FILE PATTERN [--wide] [--min N]

FILE must be valid UTF-8 (strict decoding).  On every line where the regular
expression PATTERN matches, the display column of its group 1 (or of the
match) is computed; all must be the same, on at least N lines (default 2).
--wide: at least one of those lines has a wide or fullwidth character before
that column, so that bytes and columns differ and the check can fail.
Exit 0 and one line saying so, or 1 and every line with its column.
"""
import re
import sys
import unicodedata


def width(s):
    w = 0
    for c in s:
        if unicodedata.combining(c) or unicodedata.category(c) in ("Mn", "Me", "Cf"):
            continue
        w += 2 if unicodedata.east_asian_width(c) in ("W", "F") else 1
    return w


def main(argv):
    args = argv[1:]
    wide = "--wide" in args
    args = [a for a in args if a != "--wide"]
    least = 2
    if "--min" in args:
        i = args.index("--min")
        least = int(args[i + 1])
        del args[i:i + 2]
    path, pattern = args
    raw = open(path, "rb").read()
    try:
        text = raw.decode("utf-8", errors="strict")
    except UnicodeDecodeError as e:
        print(f"{path}: not UTF-8 at byte {e.start}: {raw[max(0, e.start - 8):e.end + 8]!r}")
        return 1
    rx = re.compile(pattern)
    rows = []
    for no, line in enumerate(text.split("\n"), 1):
        m = rx.search(line)
        if not m:
            continue
        at = m.start(1) if rx.groups else m.start()
        rows.append((no, width(line[:at]), len(line[:at].encode()), line, line[:at]))
    cols = sorted({r[1] for r in rows})
    is_wide = any(r[1] != r[2] and any(unicodedata.east_asian_width(c) in ("W", "F")
                                       for c in r[4]) for r in rows)
    bad = len(rows) < least or len(cols) != 1 or (wide and not is_wide)
    if not bad:
        print(f"{len(rows)} lines, column {cols[0]}")
        return 0
    print(f"{path}: /{pattern}/: {len(rows)} lines (at least {least}), columns {cols}"
          f"{'' if is_wide or not wide else ', no wide character on them'}")
    for no, col, nbytes, line, _ in rows:
        print(f"  line {no}: column {col} (byte {nbytes}): {line}")
    return 1


sys.exit(main(sys.argv))
