#!/usr/bin/env python3
"""Write a git fast-import stream of N KVM-looking commits to stdout.

Each commit edits one or two files under arch/x86/kvm/ or the selftests with
a small hunk and carries a realistic message: shortlog with a topic, two
paragraphs, Fixes:/Link:/Reviewed-by: trailers on some. Deterministic.
"""
import random
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
rng = random.Random(42)
files = {
    'arch/x86/kvm/x86.c': 'x86', 'arch/x86/kvm/mmu/mmu.c': 'x86/mmu', 'arch/x86/kvm/mmu/tdp_mmu.c': 'x86/mmu',
    'arch/x86/kvm/pmu.c': 'x86/pmu', 'arch/x86/kvm/xen.c': 'x86/xen', 'arch/x86/kvm/vmx/vmx.c': 'VMX',
    'arch/x86/kvm/vmx/nested.c': 'nVMX', 'arch/x86/kvm/svm/svm.c': 'SVM', 'arch/x86/kvm/svm/nested.c': 'nSVM',
    'tools/testing/selftests/kvm/x86_64/xen_shinfo_test.c': 'selftests', 'virt/kvm/kvm_main.c': None,
}
verbs = ['Add', 'Drop', 'Move', 'Rename', 'Fix', 'Use', 'Skip', 'Handle', 'Track', 'Clear']
things = ['the MMU role', 'a stale comment', 'the PMU counters', 'shared_info remaps', 'nested VM-Enter',
          'the TLB flush', 'the CPUID cache', 'vCPU requests', 'the APIC timer', 'the EFER shadow']
contents = {f: ['/* %s */' % f] + ['int v%d;' % i for i in range(40)] for f in files}
out = sys.stdout.buffer


def data(b):
    out.write(b'data %d\n' % len(b))
    out.write(b)
    out.write(b'\n')


mark = 0
ids = []
for i in range(n):
    touched = rng.sample(sorted(files), rng.choice([1, 1, 1, 2]))
    for f in touched:
        lines = contents[f]
        k = rng.randrange(1, len(lines))
        lines[k] = 'int v%d = %d; /* %s */' % (k, i, rng.choice(things))
        if rng.random() < 0.3:
            lines.insert(k, 'static int kvm_helper_%d(struct kvm_vcpu *vcpu) { return %d; }' % (i, k))
    topic = files[touched[0]] if len(touched) == 1 else 'x86'
    verb = rng.choice(verbs)
    title = 'KVM: %s%s %s in kvm_helper_%d()' % ((topic + ': ') if topic else '', verb, rng.choice(things), i)
    body = ('%s %s so that callers stop open coding the lookup, and so that the\n'
            'state stays consistent across vCPU resets and migration.\n\n'
            'No functional change intended for guests that never use the feature,\n'
            'as the default path is unchanged.\n' % (verb, rng.choice(things)))
    trailers = []
    if verb == 'Fix' and ids:
        trailers.append('Fixes: %012x ("KVM: x86: Something older")' % (i * 7919))
    if rng.random() < 0.3:
        trailers.append('Reviewed-by: Rev Iewer <reviewer@example.com>')
    trailers.append('Signed-off-by: Jane Developer <jane@example.com>')
    if rng.random() < 0.5:
        trailers.append('Link: https://lore.kernel.org/r/2023%06d.%d-1-jane@example.com' % (i, i))
    msg = '%s\n\n%s\n%s\n' % (title, body, '\n'.join(trailers))
    mark += 1
    out.write(b'commit refs/heads/main\nmark :%d\n' % mark)
    out.write(b'author Jane Developer <jane@example.com> %d +0000\n' % (1600000000 + i * 600))
    out.write(b'committer Jane Developer <jane@example.com> %d +0000\n' % (1600000000 + i * 600))
    data(msg.encode())
    if mark > 1:
        out.write(b'from :%d\n' % (mark - 1))
    for f in (touched if mark > 1 else sorted(files)):
        data_bytes = ('\n'.join(contents[f]) + '\n').encode()
        out.write(b'M 100644 inline %s\n' % f.encode())
        data(data_bytes)
    out.write(b'\n')
    ids.append(mark)
