# tests/cli/leak.py BUNDLE NEEDLE: is NEEDLE in any member of the bundle,
# decoded?  Every member is searched as it is, then every JSON string and
# every base64 or base64url run in it, decoded, recursively (DSSE payloads,
# disclosures).  Prints the number of members, then where NEEDLE was found
# ("member > base64 > ..."), nothing if nowhere.  Used by t0044 and t0046.
import base64, binascii, json, re, sys, tarfile
needle = sys.argv[2].encode()
found, members = [], 0
def b64(s):
    for dec in (base64.b64decode, base64.urlsafe_b64decode):
        try:
            yield dec(s + "=" * (-len(s) % 4))
        except (binascii.Error, ValueError):
            pass
def search(data, where, depth=0):
    if depth > 6:
        return
    if needle in data:
        found.append(where)
        return
    text = data.decode("utf-8", "replace")
    strings = []
    def walk(j):
        if isinstance(j, str): strings.append(j)
        elif isinstance(j, list): [walk(x) for x in j]
        elif isinstance(j, dict): [walk(x) for x in list(j.keys()) + list(j.values())]
    for doc in [text] + text.splitlines():
        try:
            walk(json.loads(doc))
        except ValueError:
            pass
    strings += re.findall(r"[A-Za-z0-9+/_-]{16,}={0,2}", text)
    for s in strings:
        if len(s) >= 8:
            for d in b64(s.strip()):
                search(d, where + " > base64", depth + 1)
with tarfile.open(sys.argv[1], "r:gz") as t:
    for m in t.getmembers():
        if m.isfile():
            members += 1
            search(t.extractfile(m).read(), m.name)
print(members, " ".join(sorted(set(found))))
