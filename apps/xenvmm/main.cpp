// xenvmm: a reference VMM for the Xen HVM guest ABI on plain KVM.
#include <CLI/CLI.hpp>

#include "commands/commands.h"

int main(int argc, char** argv)
{
    CLI::App app{"xenvmm: the Xen HVM guest ABI emulated in userspace on /dev/kvm"};
    app.require_subcommand(1);

    xenvmm::CapsOptions caps;
    auto* caps_cmd = app.add_subcommand("caps", "Report KVM capabilities and which path each Xen feature takes");
    caps_cmd->add_option("--format", caps.format, "text or json")->check(CLI::IsMember({"text", "json"}));

    xenvmm::RunOptions run;
    auto* run_cmd = app.add_subcommand("run", "Run a guest (embedded name or flat image path) and print its console");
    run_cmd->add_option("guest", run.guest, "Embedded guest name or path to a flat image")->required();
    run_cmd->add_option("--vcpus", run.vcpus, "Number of vCPUs (1-32)")->check(CLI::Range(1, 32));
    run_cmd->add_option("--arg", run.arg, "Value passed to the guest in boot_info.arg");
    run_cmd->add_option("--timeout", run.timeout_s, "Watchdog in seconds")->check(CLI::Range(1, 3600));
    const std::vector<std::string> irq_modes = {"callback", "lapic-callback", "lapic-percpu"};
    run_cmd->add_option("--irq", run.irq, "Interrupt mode: callback (default), lapic-callback or lapic-percpu")
        ->check(CLI::IsMember(irq_modes));
    const std::vector<std::string> xen_kernel_modes = {"none", "auto"};
    run_cmd->add_option("--xen-kernel", run.xen_kernel,
                        "none (default): all Xen emulation in userspace; auto: use the kernel's hypercall "
                        "intercept where KVM_CAP_XEN_HVM offers it")
        ->check(CLI::IsMember(xen_kernel_modes));

    xenvmm::TestOptions test;
    auto* test_cmd = app.add_subcommand("test", "Run the conformance suite");
    test_cmd->add_option("--filter", test.filter, "Glob over test names (default *)");
    auto irq_modes_all = irq_modes;
    irq_modes_all.push_back("all");
    test_cmd->add_option("--irq", test.irq, "Interrupt mode to run in: callback (default), lapic-callback, "
                                            "lapic-percpu, or all (each test in every mode)")
        ->check(CLI::IsMember(irq_modes_all));
    test_cmd->add_option("--format", test.format, "text, json or junit; with --list, text or markdown")
        ->check(CLI::IsMember({"text", "json", "junit", "markdown"}));
    test_cmd->add_flag("--list", test.list, "List the tests and exit");

    xenvmm::BenchOptions bench;
    auto* bench_cmd = app.add_subcommand("bench", "Hypercall round trip against a bare userspace exit");
    bench_cmd->add_option("--format", bench.format, "text or json")->check(CLI::IsMember({"text", "json"}));
    bench_cmd->add_option("--irq", bench.irq, "Interrupt mode of the event latency part: callback (default), "
                                              "lapic-callback, lapic-percpu, or all")
        ->check(CLI::IsMember(irq_modes_all));
    test_cmd->add_option("--xen-kernel", test.xen_kernel,
                         "none (default) or auto (the kernel's hypercall intercept where offered)")
        ->check(CLI::IsMember(xen_kernel_modes));
    bench_cmd->add_option("--iterations", bench.iterations, "Operations per kind (rounded to blocks of 100)")->check(CLI::Range(100, 1000000));

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        int rc = app.exit(e);
        return rc == 0 ? 0 : xenvmm::kExitUsage;
    }

    if (*caps_cmd)
        return xenvmm::cmd_caps(caps);
    if (*run_cmd)
        return xenvmm::cmd_run(run);
    if (*test_cmd)
        return xenvmm::cmd_test(test);
    if (*bench_cmd)
        return xenvmm::cmd_bench(bench);
    return xenvmm::kExitUsage;
}
