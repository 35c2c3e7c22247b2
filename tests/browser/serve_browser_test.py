#!/usr/bin/env python3
"""kvmx serve in a real browser: headless Chromium loads the queue and series
pages from a server started here on 127.0.0.1 with a fixture queue, the test
asserts on the DOM Chromium renders (queue rows, findings, range-diff, the
hostile corpus shown as text, labelled controls), and saves screenshots at a
laptop and a phone width. Exit 77 (skip) when Chromium is missing.

usage: serve_browser_test.py KVMX FIXTURES_DIR SCREENSHOT_DIR
"""
import html.parser
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.request

SKIP = 77


class Dom(html.parser.HTMLParser):
    """Elements as (tag, attrs, text, ancestors)."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.elements, self.stack = [], []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        el = {"tag": tag, "attrs": dict(attrs), "text": "", "parents": [e["tag"] for e in self.stack]}
        self.elements.append(el)
        if tag not in ("meta", "link", "input", "br", "img"):
            self.stack.append(el)

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()["tag"] == tag:
                break

    def handle_data(self, data):
        for el in self.stack:
            el["text"] += data

    def find(self, tag, cls=None, **attrs):
        out = []
        for el in self.elements:
            if el["tag"] != tag:
                continue
            if cls and cls not in el["attrs"].get("class", "").split():
                continue
            if all(el["attrs"].get(k) == v for k, v in attrs.items()):
                out.append(el)
        return out


def check(cond, what):
    if not cond:
        print("FAIL: " + what, file=sys.stderr)
        sys.exit(1)
    print("ok: " + what)


def main():
    kvmx, fixtures, shots = sys.argv[1:4]
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        print("SKIP: chromium is not installed (apt-get install --no-install-recommends chromium)")
        return SKIP
    os.makedirs(shots, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="kvmx-browser-")
    db = os.path.join(tmp, "q.sqlite")
    for f in ("unlabeled-v1.mbox", "v5.5.mbox", "trailers.mbox", "partial-reroll.mbox", "hostile.mbox"):
        subprocess.run([kvmx, "queue", "sync", "--db", db, "--inbox", os.path.join(fixtures, "queue", f)],
                       check=True, stdout=subprocess.DEVNULL)
    server = subprocess.Popen([kvmx, "serve", "--db", db, "--listen", "127.0.0.1:0"], stdout=subprocess.PIPE,
                              text=True)
    try:
        line = server.stdout.readline()
        base = line[line.index("http://127.0.0.1:"):].split()[0]

        def api(path):
            with urllib.request.urlopen(base + path.lstrip("/"), timeout=30) as r:
                return json.load(r)

        queue = api("/api/series")
        frob = next(s["id"] for s in queue if s["subject"] == "KVM: x86: Frob the widget")
        hostile = next(s["id"] for s in queue if "Mallory" in s["author"])
        gate = os.path.join(fixtures, "queue", "gate-report.json")
        subprocess.run([kvmx, "queue", "gate-result", "--db", db, str(frob), gate], check=True,
                       stdout=subprocess.DEVNULL)

        def chrome(*args):
            profile = tempfile.mkdtemp(dir=tmp)
            cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                   "--disable-background-networking", "--no-first-run", "--hide-scrollbars",
                   "--user-data-dir=" + profile, *args]
            r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, timeout=60)
            check(r.returncode == 0, "chromium " + " ".join(args[:-1]) + " " + args[-1].replace(base, "/"))
            return r.stdout

        def dom(path):
            return Dom(chrome("--dump-dom", base + path.lstrip("/")))

        page = dom("/")
        rows = page.find("tr", "series")
        check(len(rows) == len(queue), f"the queue shows {len(queue)} rows as /api/series lists")
        check(any("Frob the widget" in r["text"] for r in rows), "a queue row names its series")
        check(not page.find("script") and not page.find("img") and not page.find("svg"),
              "no hostile subject turned into an element")
        check(any('<script>alert("s")</script>' in r["text"] for r in rows), "the hostile subject is shown as text")
        check(page.find("a", "skip", href="#main"), "a skip link for keyboard users")
        for control in page.find("select") + [i for i in page.find("input") if i["attrs"].get("type") != "hidden"]:
            check("label" in control["parents"], f"{control['tag']} {control['attrs'].get('name')} has a label")

        series = dom(f"/series/{frob}")
        findings = series.find("div", "finding")
        check(len(findings) > 0 and all("[series." in f["text"] or "[" in f["text"] for f in findings),
              f"series {frob} shows its findings ({len(findings)})")
        check(len(series.find("ol", id="timeline")) == 1 and len([e for e in series.find("li")
                                                                    if "ol" in e["parents"]]) == 2,
              "the timeline lists both versions")
        rd = series.find("pre", "range-diff")
        check(rd and "Use widget helper" in rd[0]["text"], "the range-diff compares v1 and v2")
        check(series.find("section", id="gate") and "fail" in series.find("section", id="gate")[0]["text"],
              "the gate report is shown")
        check(series.find("form", method="post") and series.find("input", type="hidden", name="csrf"),
              "the state form carries its token")

        evil = dom(f"/series/{hostile}")
        check(not evil.find("script") and not evil.find("img") and not evil.find("svg") and not evil.find("style"),
              "hostile bodies and names stay text")
        check(evil.find("span", "soon"), "v2 an hour after v1 is marked")
        check("\u202e" not in "".join(e["text"] for e in evil.elements), "no RTL override reaches the page")

        missing = dom("/series/424242")
        check("no series 424242 in the queue" in "".join(e["text"] for e in missing.find("p", id="error")),
              "a bad id gives a clear page")

        for name, path in (("queue", "/"), ("series", f"/series/{frob}")):
            for size, suffix in (("1280,900", ""), ("390,844", "-phone")):
                out = os.path.join(shots, f"serve-{name}{suffix}.png")
                if os.path.exists(out):
                    os.remove(out)
                chrome("--screenshot=" + out, "--window-size=" + size, base + path.lstrip("/"))
                with open(out, "rb") as f:
                    check(f.read(8) == b"\x89PNG\r\n\x1a\n", "screenshot " + out)
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)
    check(server.returncode == 0, "kvmx serve stops cleanly on SIGTERM")
    return 0


if __name__ == "__main__":
    sys.exit(main())
