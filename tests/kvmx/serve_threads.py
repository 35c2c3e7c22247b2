#!/usr/bin/env python3
"""kvmx serve's request threads under load: a fixture queue, the server on a
free loopback port with 4 threads, 4 clients sending 400 requests over the
pages, the API and a state change (with its CSRF token), then SIGTERM. Every
answer must have its expected status and the server must exit 0; in a
KVMX_SANITIZE=thread build a data race makes it exit 66 (TSAN_OPTIONS).

usage: serve_threads.py KVMX FIXTURES_DIR
"""
import http.client
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import urllib.error
import urllib.parse
import urllib.request


def get(url, data=None):
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data), timeout=60) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")
    except (OSError, http.client.HTTPException) as e:  # refused, reset, closed without an answer
        return -1, str(e)


def main():
    kvmx, fixtures = sys.argv[1:3]
    tmp = tempfile.mkdtemp(prefix="kvmx-serve-threads-")
    db = os.path.join(tmp, "q.sqlite")
    for f in ("unlabeled-v1.mbox", "v5.5.mbox", "trailers.mbox", "hostile.mbox"):
        subprocess.run([kvmx, "queue", "sync", "--db", db, "--inbox", os.path.join(fixtures, "queue", f)],
                       check=True, stdout=subprocess.DEVNULL)
    server = subprocess.Popen([kvmx, "serve", "--db", db, "--listen", "127.0.0.1:0", "--threads", "4"],
                              stdout=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline()
        base = line[line.index("http://127.0.0.1:"):].split()[0].rstrip("/")
        status, page = get(base + "/series/1")
        if status != 200:
            print("FAIL: /series/1 answered %d" % status, file=sys.stderr)
            return 1
        token = re.search(r'name="csrf" value="([^"]+)"', page)
        if not token:
            print("FAIL: no CSRF token in /series/1", file=sys.stderr)
            return 1
        targets = [("/", 200), ("/series/1", 200), ("/api/series", 200), ("/api/series/2", 200),
                   ("/series/999", 404), ("/?state=new&sort=age", 200)]
        failures = []

        def client(n):
            for i in range(100):
                path, want = targets[(i + n) % len(targets)]
                if i % 25 == 0:
                    body = urllib.parse.urlencode({"csrf": token.group(1), "state": "reviewing" if i % 50 else "new"})
                    status, _ = get(base + "/series/1/state", body.encode())
                    if status not in (200, 303):
                        failures.append("POST /series/1/state: %d" % status)
                    continue
                status, _ = get(base + path)
                if status != want:
                    failures.append("%s: %d, expected %d" % (path, status, want))

        threads = [threading.Thread(target=client, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        server.send_signal(signal.SIGTERM)
        rc = server.wait(timeout=60)
    finally:
        if server.poll() is None:
            server.kill()
    if failures:
        print("FAIL: %d of 400 requests: %s" % (len(failures), "; ".join(failures[:5])), file=sys.stderr)
        return 1
    if rc != 0:
        print("FAIL: kvmx serve exited %d after SIGTERM" % rc, file=sys.stderr)
        return 1
    print("ok: 400 requests on 4 threads, clean exit")
    return 0


if __name__ == "__main__":
    sys.exit(main())
