// kvmx topic: the shortlog prefix the profile's topic tree gives some paths.

#include "apps/kvmx/commands/commands.h"
#include "apps/kvmx/commands/profile_option.h"

#include <iostream>

namespace kvmx {

void add_topic_command(CLI::App& app, int& status)
{
    struct Options {
        std::string profile;
        std::vector<std::string> paths;
    };
    auto opts = std::make_shared<Options>();
    auto* cmd = app.add_subcommand("topic", "print the shortlog prefix for the given paths");
    cmd->add_option("--profile", opts->profile, "profile: builtin name or YAML file");
    cmd->add_option("paths", opts->paths, "paths relative to the repository root")->required();
    cmd->callback([opts, &status] {
        auto engine = load_engine(opts->profile);
        if (!engine) {
            status = fail(engine.error().describe());
            return;
        }
        auto const& topics = engine->topics();
        auto topic = topics.suggest(opts->paths);
        std::string const& subsystem = engine->profile().subsystem;
        if (!topic) {
            bool any = false;
            for (auto const& p : opts->paths)
                any = any || topics.is_subsystem_path(p);
            if (any && !subsystem.empty()) {
                std::cout << subsystem << ":\n";
                status = ExitClean;
                return;
            }
            status = fail("no topic maps these paths; they follow their own subsystem's prefix");
            return;
        }
        std::string prefix = review::compose_shortlog(subsystem, *topic, "");
        while (!prefix.empty() && prefix.back() == ' ')
            prefix.pop_back();
        std::cout << prefix << "\n";
        status = ExitClean;
    });
}

} // namespace kvmx
