#!/usr/bin/env python3
"""Write a git fast-import stream for a synthetic public-inbox v2 epoch:
one commit per message on refs/heads/master, file `m` holding the mail.
Series of 1-3 patches touching arch/x86/kvm/ (a cover letter when there is
more than one), replies with Reviewed-by, and every fifth series reposted
as v2 a week later, so sync exercises threading, versions, trailers and
the rules.

  make_epoch.py SERIES [FIRST] [--append]   # --append: continue master
"""
import sys

series_count = int(sys.argv[1])
first = int(sys.argv[2]) if len(sys.argv) > 2 and not sys.argv[2].startswith("--") else 0
append = "--append" in sys.argv
out = sys.stdout.buffer
mark = 0
t0 = 1700000000


def emit(subject, body, when):
    global mark
    mark += 1
    data = body.encode()
    subj = subject.encode()
    out.write(b"commit refs/heads/master\n")
    out.write(b"mark :%d\n" % mark)
    out.write(b"author Dev <dev@example.com> %d +0000\n" % when)
    out.write(b"committer public-inbox <pi@example.com> %d +0000\n" % (when + 5))
    out.write(b"data %d\n%s\n" % (len(subj), subj))
    if mark == 1 and append:
        out.write(b"from refs/heads/master^0\n")
    out.write(b"deleteall\nM 100644 inline m\ndata %d\n%s\n" % (len(data), data))


def mail(frm, subject, msgid, when, body, irt=None):
    h = f"From: {frm}\nTo: kvm@vger.kernel.org\nSubject: {subject}\nDate: {rfc2822(when)}\nMessage-ID: <{msgid}>\n"
    if irt:
        h += f"In-Reply-To: <{irt}>\nReferences: <{irt}>\n"
    emit(subject, h + "\n" + body, when)


def rfc2822(t):
    import time
    return time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime(t))


def patch_body(s, i, v):
    lines = "".join(f"+\tkvm->arch.field_{s}_{i}_{k} = {v + k};\n" for k in range(12))
    return (f"Rework field {i} of series {s} so that the MMU code path stays readable and the\n"
            f"fast path does not take the lock twice.\n\nSigned-off-by: Dev {s % 50} <dev{s % 50}@example.com>\n---\n"
            f" arch/x86/kvm/x86.c | 12 ++++++++++++\n 1 file changed, 12 insertions(+)\n\n"
            f"diff --git a/arch/x86/kvm/x86.c b/arch/x86/kvm/x86.c\nindex 1111111..2222222 100644\n"
            f"--- a/arch/x86/kvm/x86.c\n+++ b/arch/x86/kvm/x86.c\n@@ -{100 + i},6 +{100 + i},18 @@ static int kvm_fn_{s}(struct kvm *kvm)\n"
            f" \tint r;\n \n{lines} \n \treturn r;\n }}\n-- \n2.43.0\n")


def post(s, v, when):
    k = 1 + s % 3
    frm = f"Dev {s % 50} <dev{s % 50}@example.com>"
    tag = "PATCH" if v == 1 else f"PATCH v{v}"
    title = f"KVM: x86: Rework field handling for case {s}"
    cover = f"s{s}v{v}-0@example.com"
    if k > 1:
        mail(frm, f"[{tag} 0/{k}] {title}", cover, when, f"This series reworks case {s}.\n\n" + "".join(
            f"  KVM: x86: Rework field {i} of case {s}\n" for i in range(1, k + 1)))
    for i in range(1, k + 1):
        num = f" {i}/{k}" if k > 1 else ""
        subj = f"[{tag}{num}] KVM: x86: Rework field {i} of case {s}" if k > 1 else f"[{tag}] {title}"
        mail(frm, subj, f"s{s}v{v}-{i}@example.com", when + i, patch_body(s, i, v), irt=cover if k > 1 else None)
    if s % 2 == 0:
        target = cover if k > 1 else f"s{s}v{v}-1@example.com"
        mail("Rita Reviewer <rita@example.net>", f"Re: [{tag}] {title}", f"s{s}v{v}-r@example.net", when + 3600,
             "> This series reworks\n\nLooks fine.\n\nReviewed-by: Rita Reviewer <rita@example.net>\n", irt=target)


for s in range(first, first + series_count):
    when = t0 + s * 600
    post(s, 1, when)
    if s % 5 == 4:
        post(s, 2, when + 7 * 86400)
