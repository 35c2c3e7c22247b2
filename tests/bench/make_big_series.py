#!/usr/bin/env python3
"""Write an mbox with one series of N patches (default 30) in two versions,
v2 a week after v1 with every patch changed, each patch a commit message
and a 40-line diff: the series page benchmark of bench_serve.sh.

  make_big_series.py [N] > big.mbox
"""
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 30
FROM = "Jane Developer <jane@example.com>"


def mail(subject, msgid, date, body, irt=None):
    h = ["From mboxrd@z Thu Jan  1 00:00:00 1970", f"From: {FROM}", "To: kvm@vger.kernel.org",
         f"Subject: {subject}", f"Date: {date}", f"Message-ID: <{msgid}>"]
    if irt:
        h += [f"In-Reply-To: <{irt}>", f"References: <{irt}>"]
    return "\n".join(h) + "\n\n" + body + "\n"


out = []
for v, date in ((1, "Mon, 01 Jan 2024 10:00:00 +0000"), (2, "Mon, 08 Jan 2024 10:00:00 +0000")):
    prefix = "PATCH" if v == 1 else "PATCH v2"
    cover = f"big-v{v}-0@example.com"
    log = "" if v == 1 else "v2:\n - every patch reworked\n\n"
    out.append(mail(f"[{prefix} 0/{n}] KVM: x86/mmu: Rework the frobnicator", cover, date,
                    f"This series reworks the frobnicator in {n} steps.\n\n{log}base-commit: "
                    "0123456789abcdef0123456789abcdef01234567\n"))
    for i in range(1, n + 1):
        lines = "".join(f"+int frob_{i}_{k} = {k + v};\n" for k in range(40))
        body = (f"Rework step {i} of the frobnicator so that the MMU can reuse it.\n\n"
                f"Signed-off-by: {FROM}\n---\n"
                f"diff --git a/arch/x86/kvm/mmu/frob{i}.c b/arch/x86/kvm/mmu/frob{i}.c\n"
                "new file mode 100644\nindex 0000000..1111111\n--- /dev/null\n"
                f"+++ b/arch/x86/kvm/mmu/frob{i}.c\n@@ -0,0 +1,40 @@\n{lines}")
        out.append(mail(f"[{prefix} {i}/{n}] KVM: x86/mmu: Rework frobnicator step {i}",
                        f"big-v{v}-{i}@example.com", date, body, irt=cover))
sys.stdout.write("".join(out))
