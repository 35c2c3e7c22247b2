// kvmx: KVM x86 patch review tools. main() only wires subcommands; each lives
// in commands/<name>.cpp.

#include "apps/kvmx/commands/commands.h"
#include "libreview/git/repository.h"

#include <iostream>

namespace kvmx {

int fail(std::string const& reason)
{
    std::cerr << "kvmx: error: " << reason << "\n";
    return ExitError;
}

} // namespace kvmx

int main(int argc, char** argv)
{
    review::git::Library git;
    CLI::App app{"kvmx: check KVM x86 patches against the maintainer handbook"};
    app.set_version_flag("--version", kvmx::version);
    app.require_subcommand(1);
    int status = kvmx::ExitClean;
    kvmx::add_check_command(app, status);
    kvmx::add_gate_command(app, status);
    kvmx::add_hook_command(app, status);
    kvmx::add_rules_command(app, status);
    kvmx::add_topic_command(app, status);
    kvmx::add_queue_command(app, status);
    kvmx::add_range_diff_command(app, status);
    kvmx::add_am_command(app, status);
    kvmx::add_ty_command(app, status);
    kvmx::add_serve_command(app, status);
    try {
        app.parse(argc, argv);
    } catch (CLI::CallForHelp const& e) {
        return app.exit(e);
    } catch (CLI::CallForAllHelp const& e) {
        return app.exit(e);
    } catch (CLI::CallForVersion const& e) {
        return app.exit(e);
    } catch (CLI::ParseError const& e) {
        std::cerr << "kvmx: error: " << e.what() << " (see 'kvmx --help')\n";
        return kvmx::ExitError;
    }
    return status;
}
