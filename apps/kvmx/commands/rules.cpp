// kvmx rules: list every rule with its id, severity, summary and section.

#include "apps/kvmx/commands/commands.h"
#include "libreview/rules/registry.h"

#include <nlohmann/json.hpp>

#include <iomanip>
#include <iostream>

namespace kvmx {

void add_rules_command(CLI::App& app, int& status)
{
    auto format = std::make_shared<std::string>("text");
    auto* cmd = app.add_subcommand("rules", "list every rule with its default severity and handbook section");
    cmd->add_option("--format", *format, "text or json");
    cmd->callback([format, &status] {
        auto const& registry = review::builtin_registry();
        if (*format == "json") {
            nlohmann::json out = nlohmann::json::array();
            for (auto const& e : registry.entries()) {
                nlohmann::json options = nlohmann::json::array();
                for (auto const& o : e.info.options)
                    options.push_back({{"name", o.name}, {"default", o.default_value}, {"description", o.description}});
                out.push_back({{"id", e.info.id},
                               {"severity", std::string(review::severity_name(e.info.severity))},
                               {"scope", e.info.scope == review::Scope::Patch ? "patch" : "series"},
                               {"summary", e.info.summary},
                               {"section", e.info.section},
                               {"options", options}});
            }
            std::cout << out.dump(2) << "\n";
        } else if (*format == "text") {
            for (auto const& e : registry.entries())
                std::cout << std::left << std::setw(28) << e.info.id << std::setw(8)
                          << review::severity_name(e.info.severity) << e.info.summary << " [" << e.info.section
                          << "]\n";
        } else {
            status = fail("--format must be text or json, not '" + *format + "'");
            return;
        }
        status = ExitClean;
    });
}

} // namespace kvmx
