#!/usr/bin/env python3
"""opdscheck.py BAG - check an archive's OPDS catalogue (data/opds.xml and the feeds it links).

1. Element by element, what Atom (RFC 4287) and OPDS Catalog 1.2 require of every feed and
   entry: ids (absolute IRIs, unique), titles, RFC 3339 updated times, authors, self and start
   links, the catalog media types on links to feeds (kind=navigation / kind=acquisition, and the
   linked feed really being of that kind), navigation feeds without acquisition links,
   acquisition feeds whose every entry has an acquisition link with a media type, facets only in
   acquisition feeds with at most one active per group, the complete feed marked fh:complete and
   ordered newest first, dc:issued and dc:language well formed.
2. Walked over HTTP from a server on 127.0.0.1 (started here) the way KOReader's OPDS browser
   reads a catalogue: feed links whose type holds "application/atom+xml", facet links grouped by
   opds:facetGroup, entry links to feeds when their rel is absent or subsection / sort/new /
   crawlable, acquisition links when their rel starts with http://opds-spec.org/acquisition,
   hrefs resolved against the feed's URL. Every PDF and EPUB of the bag must be reachable this
   way, each download must be the file named, of its media type, and of the length announced.
Prints PASS:/FAIL: lines.
"""
import http.server
import os
import re
import socketserver
import sys
import threading
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

A = '{http://www.w3.org/2005/Atom}'
OPDS = '{http://opds-spec.org/2010/catalog}'
DC = '{http://purl.org/dc/terms/}'
THR = '{http://purl.org/syndication/thread/1.0}'
FH = '{http://purl.org/syndication/history/1.0}'
ACQ = 'http://opds-spec.org/acquisition'
FACET = 'http://opds-spec.org/facet'
T_NAV = 'application/atom+xml;profile=opds-catalog;kind=navigation'
T_ACQ = 'application/atom+xml;profile=opds-catalog;kind=acquisition'
RFC3339 = re.compile(r'^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$')
W3CDTF = re.compile(r'^\d{4}(-\d{2}(-\d{2})?)?$')
UUID = re.compile(r'^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$')
BCP47 = re.compile(r'^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$')
KOREADER_CATALOG_RELS = {'subsection', 'http://opds-spec.org/subsection', 'http://opds-spec.org/crawlable',
                         'http://opds-spec.org/sort/popular', 'http://opds-spec.org/sort/new'}

failures = []


def fail(where, what):
    failures.append(f'{where}: {what}')


def utc_seconds(s):
    """RFC 3339 -> a comparable number of seconds."""
    m = re.match(r'(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|([+-])(\d{2}):(\d{2}))$', s)
    import calendar
    y, mo, d, h, mi, se = (int(x) for x in m.groups()[:6])
    t = calendar.timegm((y, mo, d, h, mi, se))
    if m.group(7) != 'Z':
        off = (int(m.group(9)) * 60 + int(m.group(10))) * 60
        t -= off if m.group(8) == '+' else -off
    return t


def one(el, tag, where, required=True):
    found = el.findall(tag)
    if len(found) > 1:
        fail(where, f'more than one {tag.split("}")[1]}')
    if required and not found:
        fail(where, f'no {tag.split("}")[1]}')
    return found[0] if found else None


def check_common(el, where, ids):
    """id, title, updated of a feed or an entry (RFC 4287 4.1.1, 4.1.2)."""
    i = one(el, A + 'id', where)
    if i is not None:
        v = (i.text or '').strip()
        if not UUID.match(v) and not re.match(r'^[a-z][a-z0-9+.-]*:', v):
            fail(where, f'id is not an absolute IRI: {v!r}')
        if v in ids:
            fail(where, f'id {v} used twice')
        ids.add(v)
    t = one(el, A + 'title', where)
    if t is not None and not (t.text or '').strip():
        fail(where, 'empty title')
    if t is not None and t.get('type', 'text') not in ('text', 'html', 'xhtml'):
        fail(where, 'title of unknown type')
    u = one(el, A + 'updated', where)
    if u is not None and not RFC3339.match((u.text or '').strip()):
        fail(where, f'updated is not an RFC 3339 date-time: {u.text!r}')
    for a in el.findall(A + 'author'):
        if len(a.findall(A + 'name')) != 1 or not (a.find(A + 'name').text or '').strip():
            fail(where, 'an author without exactly one name')
    for l in el.findall(A + 'link'):
        if not l.get('href'):
            fail(where, 'a link without href')
    alts = [(l.get('type'), l.get('hreflang')) for l in el.findall(A + 'link') if l.get('rel', 'alternate') == 'alternate']
    if len(alts) != len(set(alts)):
        fail(where, 'two alternate links of the same type and language')
    return (i.text or '').strip() if i is not None else None, (u.text or '').strip() if u is not None else None


def check_feed(name, root, kind_expected, entry_ids):
    """One feed document; returns its kind."""
    where = name
    if root.tag != A + 'feed':
        fail(where, f'root element is {root.tag}, not atom:feed')
        return None
    check_common(root, where, set())
    selfs = [l for l in root.findall(A + 'link') if l.get('rel') == 'self']
    if len(selfs) != 1:
        fail(where, f'{len(selfs)} self links (OPDS: one)')
    kind = None
    if selfs:
        t = selfs[0].get('type', '')
        kind = 'navigation' if t == T_NAV else 'acquisition' if t == T_ACQ else None
        if kind is None:
            fail(where, f'self link type {t!r} is not an OPDS catalog type')
    if kind_expected and kind and kind != kind_expected:
        fail(where, f'linked to as {kind_expected}, says it is {kind}')
    if not [l for l in root.findall(A + 'link') if l.get('rel') == 'start' and l.get('type') in (T_NAV, T_ACQ)]:
        fail(where, 'no start link with a catalog type')
    entries = root.findall(A + 'entry')
    if root.find(A + 'author') is None:
        for e in entries:
            if e.find(A + 'author') is None:
                fail(where, 'neither the feed nor every entry has an author (RFC 4287 4.1.1)')
                break
    facets = [l for l in root.findall(A + 'link') if l.get('rel') == FACET]
    if facets and kind != 'acquisition':
        fail(where, 'facet links in a feed that is not an acquisition feed')
    groups = {}
    for f in facets:
        if f.get('type') not in (T_ACQ,):
            fail(where, f'facet {f.get("title")} without the acquisition feed type')
        groups.setdefault(f.get(OPDS + 'facetGroup', ''), []).append(f)
        c = f.get(THR + 'count')
        if c is not None and not c.isdigit():
            fail(where, f'thr:count {c!r} is not a number')
    for g, fs in groups.items():
        if sum(1 for f in fs if f.get(OPDS + 'activeFacet') == 'true') > 1:
            fail(where, f'facet group {g} has more than one active facet')
    ids = set()
    times = []
    for k, e in enumerate(entries):
        ew = f'{name} entry {k + 1}'
        eid, upd = check_common(e, ew, ids)
        acq = [l for l in e.findall(A + 'link') if l.get('rel', '').startswith(ACQ)]
        nav = [l for l in e.findall(A + 'link') if l.get('type') in (T_NAV, T_ACQ)]
        if kind == 'navigation':
            if acq:
                fail(ew, 'an acquisition link in a navigation feed')
            if not nav:
                fail(ew, 'a navigation entry without a link to a feed')
            if e.find(A + 'content') is None and e.find(A + 'summary') is None:
                fail(ew, 'a navigation entry without content or summary')
        elif kind == 'acquisition':
            if not acq:
                fail(ew, 'an entry without an acquisition link')
            for l in acq:
                if not l.get('type') or '/' not in l.get('type'):
                    fail(ew, 'an acquisition link without a media type')
            for iss in e.findall(DC + 'issued'):
                if not W3CDTF.match((iss.text or '').strip()):
                    fail(ew, f'dc:issued {iss.text!r} is not a W3C date')
            for lang in e.findall(DC + 'language'):
                if not BCP47.match((lang.text or '').strip()):
                    fail(ew, f'dc:language {lang.text!r}')
            for c in e.findall(A + 'category'):
                if not c.get('term'):
                    fail(ew, 'a category without term')
            # the same publication has the same id in every feed
            for l in acq:
                key = l.get('href').split('/')[-1]
                if key in entry_ids and entry_ids[key] != eid:
                    fail(ew, f'{key} has another id in another feed')
                entry_ids[key] = eid
        if upd and RFC3339.match(upd):
            times.append(utc_seconds(upd))
    if root.find(FH + 'complete') is not None:
        if times != sorted(times, reverse=True):
            fail(where, 'a complete acquisition feed not ordered newest first')
    return kind


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *a):
        pass


def main():
    bag = sys.argv[1]
    data = os.path.join(bag, 'data')
    handler = lambda *a, **k: Quiet(*a, directory=data, **k)
    srv = socketserver.TCPServer(('127.0.0.1', 0), handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    base = f'http://127.0.0.1:{srv.server_address[1]}/'

    # the walk: feeds to visit (url, kind it was linked as), as KOReader's browser would
    todo = [(base + 'opds.xml', None)]
    seen = {}
    acquired = {}   # url -> (type, length)
    entry_ids = {}
    feeds = 0
    while todo:
        url, kind = todo.pop(0)
        if url in seen:
            if kind and seen[url] and seen[url] != kind:
                fail(url[len(base):], f'linked to as {kind}, is {seen[url]}')
            continue
        try:
            body = urllib.request.urlopen(url, timeout=10).read()
            root = ET.fromstring(body)
        except Exception as ex:  # unreachable or not XML: a broken link
            fail(url[len(base):], f'cannot be read as a feed: {ex}')
            seen[url] = None
            continue
        feeds += 1
        name = url[len(base):]
        seen[url] = check_feed(name, root, kind, entry_ids)
        for l in root.findall(A + 'link'):
            t = l.get('type') or ''
            if 'application/atom+xml' in t and l.get('href'):
                k = 'navigation' if 'kind=navigation' in t else 'acquisition' if 'kind=acquisition' in t else None
                todo.append((urllib.parse.urljoin(url, l.get('href')), k))
        for e in root.findall(A + 'entry'):
            for l in e.findall(A + 'link'):
                href = urllib.parse.urljoin(url, l.get('href', ''))
                t = l.get('type') or ''
                rel = l.get('rel')
                if 'application/atom+xml' in t and (rel is None or rel in KOREADER_CATALOG_RELS):
                    todo.append((href, 'navigation' if 'kind=navigation' in t else 'acquisition'))
                elif rel and rel.startswith(ACQ):
                    acquired[href] = (t, l.get('length'))
    srv_files = {}
    for d, _, fs in os.walk(data):
        for f in fs:
            if f.endswith('.pdf') or f.endswith('.epub'):
                rel = os.path.relpath(os.path.join(d, f), data)
                srv_files[base + urllib.parse.quote(rel)] = os.path.join(d, f)
    missing = set(srv_files) - set(acquired)
    extra = set(acquired) - set(srv_files)
    if missing:
        fail('walk', f'{len(missing)} publications of the bag cannot be reached, e.g. {sorted(missing)[0][len(base):]}')
    if extra:
        fail('walk', f'{len(extra)} acquisition links to files not in the bag, e.g. {sorted(extra)[0][len(base):]}')
    for url, (t, length) in sorted(acquired.items()):
        if url not in srv_files:
            continue
        got = urllib.request.urlopen(url, timeout=10).read()
        want = open(srv_files[url], 'rb').read()
        if got != want:
            fail(url[len(base):], 'download differs from the file')
        magic = {'application/pdf': b'%PDF-', 'application/epub+zip': b'PK\x03\x04'}.get(t)
        if magic is None or not got.startswith(magic):
            fail(url[len(base):], f'type {t!r} does not match the file')
        if t == 'application/epub+zip' and got[30:58] != b'mimetypeapplication/epub+zip':
            fail(url[len(base):], 'not an EPUB container')
        if length is not None and int(length) != len(got):
            fail(url[len(base):], f'length {length} announced, {len(got)} served')
    srv.shutdown()
    npub = len(srv_files)
    if failures:
        for f in failures[:12]:
            print(f'FAIL: opds: {f}')
        if len(failures) > 12:
            print(f'FAIL: opds: ... and {len(failures) - 12} more problems')
    else:
        print(f'PASS: opds: {feeds} feeds valid as Atom and OPDS 1.2, element by element')
        print(f'PASS: opds: walked over HTTP like KOReader, all {npub} PDFs and EPUBs reached and downloaded intact')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
