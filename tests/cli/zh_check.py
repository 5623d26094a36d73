#!/usr/bin/env python3
"""tests/cli/zh_check.py - an `sdx report --lang zh-CN` page against the English
page of the same record (t0042), with python3's html.parser.

  zh_check.py ZH.html EN.html TRACE.json

Holds when: <html lang="zh-CN"> (the English page: lang="en"); every verdict
word (the .tag cells and the overall verdict) is the Chinese word for its
data-verdict (合格 不合格 未知 不适用); every h2/h3/th heading differs from the
English page's and holds Chinese; the verdict rows name the same profiles with
the same machine verdicts; record data is unchanged: the title and h1 are the
trace's label, and the claims and evidence tables hold the same lots,
declaration ids, substances, values, units, file names and hashes.
Exit 0 when it holds, else 1 with the reason on stderr.
"""
import html.parser
import json
import re
import sys

WORDS = {"pass": "合格", "fail": "不合格", "unknown": "未知", "not_applicable": "不适用"}
CJK = re.compile("[\u4e00-\u9fff]")


class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lang = None
        self.stack = []        # (tag, attrs) of open elements
        self.texts = []        # (tag path, attrs of the innermost element, text)
        self.rows = []         # verdict rows: (profile, verdict, tag text)
        self.cells = {}        # table class -> list of rows (list of cell texts)
        self._row = None
        self._cell = None
        self._table = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        if tag in ("meta", "br", "i", "rect", "path", "line"):
            return
        self.stack.append((tag, a))
        if tag == "table":
            self._table = (a.get("class") or "")
            self.cells.setdefault(self._table, [])
        elif tag == "tr":
            self._row = {"attrs": a, "cells": []}
        elif tag in ("td", "th") and self._row is not None:
            self._cell = [a, ""]

    def handle_endtag(self, tag):
        while self.stack:
            t, a = self.stack.pop()
            if t == tag:
                break
        if tag in ("td", "th") and self._cell is not None:
            self._row["cells"].append(self._cell)
            self._cell = None
        elif tag == "tr" and self._row is not None:
            if self._table is not None:
                self.cells[self._table].append([c[1] for c in self._row["cells"]])
            ra = self._row["attrs"]
            if "verdict" in (ra.get("class") or "").split():
                self.rows.append((ra.get("data-profile"), ra.get("data-verdict"),
                                  self._row["cells"][0][1]))
            self._row = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell[1] += data
        if self.stack:
            t, a = self.stack[-1]
            self.texts.append((tuple(x[0] for x in self.stack), a, data))


def load(path):
    p = Page()
    p.feed(open(path, encoding="utf-8").read())
    p.close()
    return p


def text_of(p, tag):
    return [d.strip() for path, a, d in p.texts if path and path[-1] == tag and d.strip()]


def fail(msg):
    print(msg, file=sys.stderr)
    sys.exit(1)


def main():
    zh, en = load(sys.argv[1]), load(sys.argv[2])
    label = json.load(open(sys.argv[3]))["label"]
    if zh.lang != "zh-CN" or en.lang != "en":
        fail("lang: zh page %r, en page %r" % (zh.lang, en.lang))
    if not zh.rows or [r[:2] for r in zh.rows] != [r[:2] for r in en.rows]:
        fail("verdict rows differ: %r / %r" % (zh.rows, en.rows))
    for prof, v, word in zh.rows:
        if word.strip() != WORDS[v]:
            fail("%s: verdict %s printed as %r, not %s" % (prof, v, word, WORDS[v]))
    over = [(a, d) for path, a, d in zh.texts if "span" == path[-1] and "tag" in
            (a.get("class") or "").split() and len(path) > 1 and path[-2] == "p"]
    if not over or over[0][1].strip() not in WORDS.values():
        fail("the overall verdict is not a Chinese verdict word: %r" % over)
    for tag in ("h2", "h3", "th"):
        z, e = text_of(zh, tag), text_of(en, tag)
        if len(z) != len(e):
            fail("%d %s on the zh page, %d on the en page" % (len(z), tag, len(e)))
        for a, b in zip(z, e):
            if b == "SHA-256":
                continue
            if a == b or not CJK.search(a):
                fail("%s %r is not translated (en: %r)" % (tag, a, b))
    for tag in ("title", "h1"):  # the page's title (the SVG's come after)
        if text_of(zh, tag)[:1] != [label]:
            fail("%s: %r, not the record's label %r" % (tag, text_of(zh, tag)[:1], label))
    for table, cols in (("claims", range(0, 6)), ("evidence", range(0, 8))):
        z, e = zh.cells.get(table, [])[1:], en.cells.get(table, [])[1:]
        if not z or len(z) != len(e):
            fail("%s: %d rows on the zh page, %d on the en page" % (table, len(z), len(e)))
        for rz, re_ in zip(z, e):
            for c in cols:
                if table == "claims" and c == 4 and "(not detected)" in re_[c]:
                    continue  # "< 5 (not detected)": words of sdx, the number stays
                if table == "evidence" and c == 6 and re_[c] == "(no file attached)":
                    continue
                if rz[c] != re_[c]:
                    fail("%s column %d: %r on the zh page, %r as entered" % (table, c, rz[c], re_[c]))
    print("ok")


main()
