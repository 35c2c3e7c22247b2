#!/usr/bin/env python3
"""kvmx check --format sarif against the OASIS SARIF 2.1.0 JSON schema.

Usage: check_sarif_schema.py <kvmx binary> <source dir>

Checks a patch file and a series mbox (so results carry a series), validates
each log with tests/fixtures/sarif/sarif-schema-2.1.0.json, and checks that
SARIF carries the same fields as the JSON findings (docs/output-formats.md,
"Finding"), with absolute helpUri values. Exits 77 (skip) when the
jsonschema module is missing (Debian: python3-jsonschema).
"""
import json
import os
import subprocess
import sys

try:
    import jsonschema
except ImportError:
    print("skip: python3-jsonschema is not installed")
    sys.exit(77)

kvmx, source = sys.argv[1], sys.argv[2]
fixtures = os.path.join(source, "tests", "fixtures")
with open(os.path.join(fixtures, "sarif", "sarif-schema-2.1.0.json")) as f:
    schema = json.load(f)
validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)


def run(fmt, inputs, env=None):
    p = subprocess.run([kvmx, "check", "--format", fmt] + inputs, capture_output=True, text=True,
                       env=dict(os.environ, **(env or {})))
    if p.returncode not in (0, 1):
        sys.exit(f"kvmx check {fmt} {inputs} exited {p.returncode}: {p.stderr.strip()}")
    return json.loads(p.stdout)


cases = {
    "patch file": [os.path.join(fixtures, "rules", "tags.signoff", "fire-no-signoff.patch")],
    "series mbox": [os.path.join(fixtures, "series", "seed000", "v2.mbox"),
                    os.path.join(fixtures, "series", "seed000", "v3.mbox")],
}
for name, inputs in cases.items():
    sarif = run("sarif", inputs)
    errors = sorted(validator.iter_errors(sarif), key=lambda e: list(e.path))
    for e in errors[:5]:
        failures.append(f"{name}: schema: {'/'.join(map(str, e.path))}: {e.message[:200]}")
    findings = run("json", inputs)["findings"]
    driver = sarif["runs"][0]["tool"]["driver"]
    for rule in driver["rules"]:
        check(rule["helpUri"].startswith("https://") and rule["helpUri"].endswith(f"/rules/{rule['id']}.md"),
              f"{name}: helpUri of {rule['id']} is not absolute: {rule['helpUri']}")
    results = sarif["runs"][0]["results"]
    check(len(results) == len(findings) > 0, f"{name}: {len(results)} SARIF results, {len(findings)} JSON findings")
    for res, f in zip(results, findings):
        props = res.get("properties", {})
        loc = res["locations"][0]["physicalLocation"]
        check(res["ruleId"] == f["rule"], f"{name}: ruleId {res['ruleId']} != {f['rule']}")
        check(driver["rules"][res["ruleIndex"]]["id"] == f["rule"], f"{name}: ruleIndex of {f['rule']}")
        level = {"error": "error", "warning": "warning", "info": "note"}[f["severity"]]
        check(res["level"] == level, f"{name}: level {res['level']} for {f['severity']}")
        check(res["message"]["text"] == f["message"], f"{name}: message differs for {f['rule']}")
        check(loc["artifactLocation"]["uri"] == (f["file"] or "commit/" + f["commit"]), f"{name}: location uri")
        check(loc.get("region", {}).get("startLine", 0) == f["line"], f"{name}: line of {f['rule']}")
        check(props.get("commit") == f["commit"], f"{name}: commit of {f['rule']}")
        check(props.get("subject", "") == f["subject"], f"{name}: subject of {f['rule']}")
        check(props.get("suggestedText") == f["fix"], f"{name}: fix of {f['rule']}")
        check(props.get("series") == f.get("series"), f"{name}: series of {f['rule']}")
    if name == "series mbox":
        check(all("series" in r.get("properties", {}) for r in results), "series mbox: a result has no series")

# The rule pages' base is configurable, and must stay absolute.
custom = run("sarif", cases["patch file"], {"KVMX_DOCS_URL": "https://example.org/kvmx/docs/"})
uri = custom["runs"][0]["tool"]["driver"]["rules"][0]["helpUri"]
check(uri.startswith("https://example.org/kvmx/docs/rules/") and "//rules" not in uri, f"KVMX_DOCS_URL: {uri}")
relative = run("sarif", cases["patch file"], {"KVMX_DOCS_URL": "docs"})
uri = relative["runs"][0]["tool"]["driver"]["rules"][0]["helpUri"]
check(uri.startswith("https://"), f"a relative KVMX_DOCS_URL must not make helpUri relative: {uri}")

for f in failures:
    print("FAIL:", f)
sys.exit(1 if failures else 0)
