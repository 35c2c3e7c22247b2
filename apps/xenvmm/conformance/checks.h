// Host halves of the conformance tests, one file per concern; suite.cpp
// joins them by name to the entries of the conformance list (list.def).
// A test without a host half only has to report PASS.
#pragma once

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "conformance/suite.h"
#include "vmm/xen/abi.h"

namespace xenvmm {

struct HostChecks {
    // One VM run per entry, with boot_info.arg set to it.
    std::vector<uint64_t> run_args{0};
    bool abi_probe = false;
    SyncHandler on_sync;
    OutcomeCheck check;  // Default: the guest must report PASS.
};
using HostCheckTable = std::map<std::string, HostChecks>;

void add_basic_checks(HostCheckTable& t);   // checks_basic.cpp: tests 1-12, 29, hostile_random
void add_evtchn_checks(HostCheckTable& t);  // checks_evtchn.cpp: tests 13-20
void add_upcall_checks(HostCheckTable& t);  // checks_upcall.cpp: tests 21-28
void add_smp_checks(HostCheckTable& t);     // checks_upcall.cpp: tests 30-31

inline std::string hex(uint64_t v)
{
    char buf[32];
    std::snprintf(buf, sizeof(buf), "0x%llx", static_cast<unsigned long long>(v));
    return buf;
}

inline xen::SharedInfo* shinfo(Machine& m) { return reinterpret_cast<xen::SharedInfo*>(m.memory().overlay()); }

}  // namespace xenvmm
