#!/usr/bin/env python3
"""Precision harness: run a kvmx profile over real, accepted history and print
what it reports, per rule and per commit, for a person to judge.

  tests/bench/precision.py --repo DIR --range A..B [--profile P] [--kvmx BIN]
                           [--as-patches] [--judged FILE] [--list FILE]

--as-patches  exports every commit with `git format-patch -1` (From: = the
              author, the last Signed-off-by: = whoever applied it) and checks
              the files, as anyone exporting or backporting a commit does.
--judged FILE a TSV of judgments: commit-prefix <TAB> rule <TAB> verdict
              [<TAB> note], verdict one of: false (should not be reported),
              true (right, at the right severity), severity (right, but the
              severity is too high). Findings at warning or error are matched
              against it; the summary counts false findings left.
--list FILE   writes every finding as TSV (commit, rule, severity, subject,
              message) to judge.

The figures in docs/rules/precision.md come from this script.
"""
import argparse
import collections
import concurrent.futures
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_KVMX = os.path.join(HERE, '..', '..', 'build', 'apps', 'kvmx', 'kvmx')


def run_kvmx(kvmx, repo, profile, inputs, cwd):
    cmd = [kvmx, 'check', '--format', 'json', '--fail-on', 'info', '--repo', repo]
    if profile:
        cmd += ['--profile', profile]
    cmd += inputs
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if p.returncode not in (0, 1):
        sys.exit(f'precision: kvmx failed ({p.returncode}): {p.stderr.strip()}')
    return json.loads(p.stdout)


def export_patches(repo, commits, out):
    by_file = {}
    for i, c in enumerate(commits, 1):
        path = os.path.join(out, f'{i:05d}.patch')
        # --base as a careful sender gives it; a root commit has no base.
        base = ['--base=' + c + '^'] if subprocess.run(['git', '-C', repo, 'rev-parse', '-q', '--verify', c + '^'],
                                                      capture_output=True).returncode == 0 else []
        text = subprocess.run(['git', '-C', repo, 'format-patch', '-1', '--stdout'] + base + [c],
                              capture_output=True, check=True).stdout
        with open(path, 'wb') as f:
            f.write(text)
        by_file[path] = c
    return by_file


def load_judged(path):
    judged = {}
    if not path:
        return judged
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip('\n')
            if not line or line.startswith('#'):
                continue
            cols = line.split('\t')
            if len(cols) < 3 or cols[2] not in ('false', 'true', 'severity'):
                sys.exit(f'{path}:{n}: expected commit<TAB>rule<TAB>false|true|severity')
            judged[(cols[0], cols[1])] = cols[2]
    return judged


def verdict(judged, commit, rule):
    for (prefix, r), v in judged.items():
        if r == rule and commit.startswith(prefix):
            return v
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--kvmx', default=DEFAULT_KVMX)
    ap.add_argument('--repo', required=True)
    ap.add_argument('--range', required=True)
    ap.add_argument('--profile')
    ap.add_argument('--as-patches', action='store_true')
    ap.add_argument('--judged')
    ap.add_argument('--list')
    ap.add_argument('--ignore', action='append', default=[],
                    help='RULE or RULE:text; leave out findings of RULE (whose message contains text), e.g. '
                         'lookups in a sample repository that holds no history')
    a = ap.parse_args()
    kvmx = os.path.abspath(a.kvmx)
    repo = os.path.abspath(a.repo)
    commits = subprocess.run(['git', '-C', repo, 'rev-list', '--no-merges', '--reverse', a.range],
                             capture_output=True, text=True, check=True).stdout.split()
    if not commits:
        sys.exit('precision: the range holds no commits')
    subjects = {}
    if a.as_patches:
        with tempfile.TemporaryDirectory() as tmp:
            by_file = export_patches(repo, commits, tmp)
            # One file per run: a directory or several files would be read as one series.
            with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
                results = list(pool.map(lambda path: (path, run_kvmx(kvmx, repo, a.profile, [path], repo)), by_file))
        findings = []
        for path, data in results:
            for f in data['findings']:
                f['commit'] = by_file[path]
                findings.append(f)
    else:
        data = run_kvmx(kvmx, repo, a.profile, [a.range], repo)
        findings = data['findings']
    def ignored(f):
        for spec in a.ignore:
            rule, _, needle = spec.partition(':')
            if f['rule'] == rule and needle in f['message']:
                return True
        return False
    left_out = [f for f in findings if ignored(f)]
    findings = [f for f in findings if not ignored(f)]
    for f in findings:
        subjects[f['commit']] = f.get('subject', '')
    total = len(commits)
    judged = load_judged(a.judged)

    by_rule = collections.defaultdict(collections.Counter)
    sev_commits = collections.defaultdict(set)
    for f in findings:
        by_rule[f['rule']][f['severity']] += 1
        sev_commits[f['severity']].add(f['commit'])
    mode = 'format-patch files' if a.as_patches else 'commits'
    print(f'precision: {total} {mode} of {a.range} in {repo}, profile {a.profile or "kvm-x86"}')
    if left_out:
        print(f'left out by --ignore: {len(left_out)} findings')
    print(f'{"rule":28} {"error":>6} {"warning":>8} {"info":>6}')
    for rule in sorted(by_rule, key=lambda r: -sum(by_rule[r].values())):
        c = by_rule[rule]
        print(f'{rule:28} {c["error"]:6} {c["warning"]:8} {c["info"]:6}')
    n = collections.Counter(f['severity'] for f in findings)
    print(f'findings: {len(findings)} (error {n["error"]}, warning {n["warning"]}, info {n["info"]})')
    print(f'commits with an error: {len(sev_commits["error"])} ({100.0 * len(sev_commits["error"]) / total:.1f}%)')
    print(f'commits with a warning: {len(sev_commits["warning"])} '
          f'({100.0 * len(sev_commits["warning"]) / total:.1f}%); '
          f'warnings per commit: {n["warning"] / total:.2f}')
    if judged:
        counts = collections.Counter()
        unjudged = 0
        for f in findings:
            if f['severity'] == 'info':
                continue
            v = verdict(judged, f['commit'], f['rule'])
            if v is None:
                unjudged += 1
            else:
                counts[v] += 1
        print(f'judged, at warning or error: false {counts["false"]}, right but too severe '
              f'{counts["severity"]}, right {counts["true"]}, not judged {unjudged}')
    print('errors:')
    for f in findings:
        if f['severity'] == 'error':
            print(f'  {f["commit"][:12]} {f["rule"]}: {f["message"][:110]}')
    if a.list:
        with open(a.list, 'w') as out:
            for f in findings:
                msg = f['message'].replace('\t', ' ').replace('\n', ' ')
                out.write(f'{f["commit"][:12]}\t{f["rule"]}\t{f["severity"]}\t'
                          f'{subjects.get(f["commit"], "")[:70]}\t{msg}\n')


if __name__ == '__main__':
    main()
