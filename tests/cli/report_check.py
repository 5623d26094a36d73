#!/usr/bin/env python3
"""tests/cli/report_check.py - structure checks of an `sdx report` page (t0028).

  report_check.py PAGE.html verdicts CHECK.json   the verdict rows are the profiles
                                                  and verdicts `sdx check --json` gives
  report_check.py PAGE.html nodes TRACE.json      one SVG box per record `sdx trace
                                                  --json` shows, and per lab report
  report_check.py PAGE.html nofetch               nothing that fetches: no script, link,
                                                  img, iframe, object; no http(s) in
                                                  src/href; a CSP forbidding it
  report_check.py PAGE.html marked REF            the box of record REF is marked fail
  report_check.py PAGE.html claims N              N rows in the claims table

Exit 0 when the check holds, else 1 with the reason on stderr.
"""
import html.parser
import json
import sys


class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []          # (tag, attrs dict)
        self.style = ""
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.style += data


def classes(a):
    return (a.get("class") or "").split()


def fail(msg):
    print(msg, file=sys.stderr)
    sys.exit(1)


def records(trace):
    """Leaf hashes of the records and SHA-256 of the reports a trace shows, each once."""
    recs, reports = [], []

    def walk(n):
        if n["ref"] in recs:
            return
        recs.append(n["ref"])
        for x in n.get("inputs", []):
            walk(x["record"])
        for e in n.get("evidence", []):
            k = e.get("sha256") or e.get("report_number")
            if k not in reports:
                reports.append(k)

    for t in trace if isinstance(trace, list) else [trace]:
        walk(t)
    return recs, reports


def main():
    page, mode = sys.argv[1], sys.argv[2]
    p = Page()
    p.feed(open(page, encoding="utf-8").read())
    p.close()
    if mode == "verdicts":
        want = [(r["profile"], r["verdict"]) for r in json.load(open(sys.argv[3]))]
        got = [(a.get("data-profile"), a.get("data-verdict")) for t, a in p.tags
               if t == "tr" and "verdict" in classes(a)]
        if got != want:
            fail("verdict rows %r, sdx check gives %r" % (got, want))
    elif mode == "nodes":
        recs, reports = records(json.load(open(sys.argv[3])))
        boxes = [a for t, a in p.tags if t == "g" and "node" in classes(a)]
        got_r = [a["data-ref"] for a in boxes if "record" in classes(a)]
        got_e = [a["data-ref"] for a in boxes if "report" in classes(a)]
        if got_r != recs or got_e != reports:
            fail("boxes: records %r reports %r; trace: %r %r" % (got_r, got_e, recs, reports))
    elif mode == "nofetch":
        for t, a in p.tags:
            if t in ("script", "link", "img", "iframe", "object", "embed", "base", "form"):
                fail("a <%s> element" % t)
            for k, v in a.items():
                if k in ("src", "href", "xlink:href", "action", "srcset", "poster") and v and \
                        v.strip().lower().startswith(("http:", "https:", "//")):
                    fail("<%s %s=%r> fetches" % (t, k, v))
        csp = [a.get("content", "") for t, a in p.tags
               if t == "meta" and a.get("http-equiv", "").lower() == "content-security-policy"]
        if not csp or "default-src 'none'" not in csp[0] or "connect-src 'none'" not in csp[0]:
            fail("no Content-Security-Policy forbidding fetches: %r" % csp)
        if "@import" in p.style or "url(" in p.style:
            fail("the stylesheet fetches (@import or url())")
        if "@media print" not in p.style:
            fail("no print stylesheet")
    elif mode == "marked":
        box = [a for t, a in p.tags if t == "g" and a.get("data-ref") == sys.argv[3]]
        if not box or "fail" not in classes(box[0]):
            fail("box of %s: %r" % (sys.argv[3], box))
    elif mode == "claims":
        n = sum(1 for t, a in p.tags if t == "tr" and "claim" in classes(a))
        if n != int(sys.argv[3]):
            fail("%d claim rows, expected %s" % (n, sys.argv[3]))
    else:
        fail("unknown mode " + mode)


main()
