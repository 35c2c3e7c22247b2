// kvmx rules: list every rule with its id, severity, summary and section;
// --format markdown writes the rule index of docs/rules/README.md, and
// --effective prints a profile as it runs, as a profile kvmx check reads.

#include "apps/kvmx/commands/commands.h"
#include "apps/kvmx/commands/profile_option.h"
#include "libreview/rules/effective.h"
#include "libreview/rules/registry.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <iomanip>
#include <iostream>

namespace kvmx {
namespace {

struct Family {
    char const* prefix;
    char const* title;
};

// The rule index's sections, in the order a patch is read.
constexpr Family families[] = {
    {"shortlog.", "Shortlog (the subject line)"}, {"changelog.", "Changelog (the body)"},
    {"tags.", "Tags (trailers)"},                 {"code.", "Code in the diff"},
    {"series.", "Series (cover letter, base, order, posting)"},
};

// Markdown table cell text: summaries mark code with backticks; outside
// them, no raw HTML; nowhere a column break.
std::string markdown_cell(std::string const& text)
{
    std::string out;
    bool code = false;
    for (char c : text) {
        if (c == '`')
            code = !code;
        if (c == '|')
            out += "\\|";
        else if (!code && c == '<')
            out += "&lt;";
        else if (!code && c == '>')
            out += "&gt;";
        else
            out += c;
    }
    return out;
}

// Terminal text: the summary's Markdown code marks as quotes.
std::string plain(std::string text)
{
    std::replace(text.begin(), text.end(), '`', '\'');
    return text;
}

void print_markdown(review::RuleRegistry const& registry)
{
    bool first = true;
    for (auto const& family : families) {
        std::cout << (first ? "" : "\n") << "## " << family.title << "\n\n"
                  << "| id | severity | summary | page |\n|---|---|---|---|\n";
        first = false;
        for (auto const& e : registry.entries()) {
            if (e.info.id.rfind(family.prefix, 0) != 0)
                continue;
            std::string severity(review::severity_name(e.info.severity));
            if (!e.info.severity_note.empty())
                severity += " (" + e.info.severity_note + ")";
            std::cout << "| " << e.info.id << " | " << markdown_cell(severity) << " | " << markdown_cell(e.info.summary)
                      << " | [" << e.info.id << "](" << e.info.id << ".md) |\n";
        }
    }
}

void print_json(review::RuleRegistry const& registry)
{
    nlohmann::json out = nlohmann::json::array();
    for (auto const& e : registry.entries()) {
        nlohmann::json options = nlohmann::json::array();
        for (auto const& o : e.info.options)
            options.push_back({{"name", o.name},
                               {"type", review::option_type_name(o.type)},
                               {"default", o.default_value},
                               {"description", o.description}});
        out.push_back({{"id", e.info.id},
                       {"severity", std::string(review::severity_name(e.info.severity))},
                       {"severity_note", e.info.severity_note},
                       {"scope", e.info.scope == review::Scope::Patch ? "patch" : "series"},
                       {"summary", e.info.summary},
                       {"section", e.info.section},
                       {"options", options}});
    }
    std::cout << out.dump(2) << "\n";
}

struct RulesOptions {
    std::string format = "text";
    std::string profile;
    bool effective = false;
};

} // namespace

void add_rules_command(CLI::App& app, int& status)
{
    auto opts = std::make_shared<RulesOptions>();
    auto* cmd = app.add_subcommand("rules", "list every rule with its default severity and handbook section");
    cmd->add_option("--format", opts->format, "text, json or markdown (the index of docs/rules/README.md)");
    cmd->add_flag("--effective", opts->effective,
                  "print the profile as it runs: every rule's severity, paths and options, as YAML that "
                  "kvmx check --profile reads back");
    cmd->add_option("--profile", opts->profile, "with --effective: builtin name (kvm-x86, kvm-unit-tests) or YAML file");
    cmd->callback([opts, &status] {
        auto const& registry = review::builtin_registry();
        if (opts->effective) {
            auto engine = load_engine(opts->profile);
            if (!engine) {
                status = fail(engine.error().describe());
                return;
            }
            for (auto const& problem : engine->option_problems())
                std::cerr << "kvmx: note: " << problem << "\n";
            std::cout << review::effective_profile_yaml(*engine, registry);
        } else if (!opts->profile.empty()) {
            status = fail("--profile needs --effective");
            return;
        } else if (opts->format == "json") {
            print_json(registry);
        } else if (opts->format == "markdown") {
            print_markdown(registry);
        } else if (opts->format == "text") {
            for (auto const& e : registry.entries())
                std::cout << std::left << std::setw(28) << e.info.id << std::setw(8)
                          << review::severity_name(e.info.severity) << plain(e.info.summary) << " [" << e.info.section
                          << "]\n";
        } else {
            status = fail("--format must be text, json or markdown, not '" + opts->format + "'");
            return;
        }
        status = ExitClean;
    });
}

} // namespace kvmx
