// Rule contracts: each option declared once and read as declared, the
// registration list in id order, rule pages that give the declared
// defaults, and the effective profile read back to the same checks.

#include "libreview/core/text.h"
#include "libreview/patch/patch_file.h"
#include "libreview/rules/effective.h"
#include "tests/support/fixtures.h"
#include "tests/support/rule_fixture.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <set>

using namespace review;
namespace fs = std::filesystem;

namespace {

Engine make_engine(Profile profile)
{
    auto e = Engine::create(std::move(profile));
    REQUIRE(e.has_value());
    return std::move(*e);
}

Profile load(std::string const& name)
{
    auto opts = builtin_registry().load_options();
    auto p = builtin_profile_text(name) ? load_builtin_profile(name, opts) : load_profile_file(name, opts);
    REQUIRE(p.has_value());
    return std::move(*p);
}

// The option rows of a rule page's "## Options" table: name -> default,
// both without their backticks.
std::map<std::string, std::string> page_options(fs::path const& page)
{
    std::map<std::string, std::string> out;
    std::string const content = testsupport::read_file(page);
    bool in_options = false;
    for (auto line : text::split_lines(content)) {
        if (line.substr(0, 3) == "## ")
            in_options = line == "## Options";
        if (!in_options || line.substr(0, 3) != "| `")
            continue;
        std::vector<std::string_view> cells;
        std::string_view rest = line.substr(1);
        for (std::size_t bar; (bar = rest.find('|')) != std::string_view::npos; rest = rest.substr(bar + 1))
            cells.push_back(rest.substr(0, bar));
        if (cells.size() < 2)
            continue;
        auto unquote = [](std::string_view cell) {
            cell = text::trim(cell);
            if (cell.size() >= 2 && cell.front() == '`' && cell.back() == '`')
                cell = cell.substr(1, cell.size() - 2);
            return std::string(cell);
        };
        out[unquote(cells[0])] = unquote(cells[1]);
    }
    return out;
}

} // namespace

TEST_CASE("every rule reads exactly the options it declares, at their defaults", "[rules][contracts]")
{
    for (auto const& entry : builtin_registry().entries()) {
        INFO("rule " << entry.info.id);
        RuleOptions options(entry.info, nullptr, nullptr);
        auto rule = entry.make(entry.info, entry.info.severity, options);
        REQUIRE(rule);
        std::map<std::string, std::string> declared;
        for (auto const& o : entry.info.options)
            declared[o.name] = o.default_value;
        CHECK(options.effective() == declared);
        // Summaries quote option defaults through "{name}", expanded once.
        CHECK(entry.info.summary.find('{') == std::string::npos);
        CHECK(entry.info.severity_note.find('{') == std::string::npos);
    }
}

TEST_CASE("a summary quotes its options' defaults", "[rules][contracts]")
{
    auto const* length = builtin_registry().find("shortlog.length");
    REQUIRE(length);
    CHECK(length->info.summary == "Keep the shortlog within 75 characters (firm), 80 (hard)");
    CHECK(length->info.severity_note == "error above 80");
    RuleInfo info{"x.y", Severity::Info, Scope::Patch, "at most {max} of {words}", "s",
                  {IntOption{"max", 3, "d"}.spec(), ListOption{"words", {"a b", "c"}, "d"}.spec()}};
    CHECK(expand_defaults(info.summary, info) == "at most 3 of [a b, c]");
}

TEST_CASE("builtin_rules.def lists the rules in id order", "[rules][contracts]")
{
    auto ids = builtin_registry().ids();
    CHECK(ids.size() >= 48);
    CHECK(std::is_sorted(ids.begin(), ids.end()));
}

TEST_CASE("rule pages give every declared option with its default", "[rules][contracts][docs]")
{
    fs::path docs = testsupport::source_dir() / "docs" / "rules";
    for (auto const& entry : builtin_registry().entries()) {
        INFO("page " << entry.info.id << ".md");
        auto rows = page_options(docs / (entry.info.id + ".md"));
        for (auto const& o : entry.info.options) {
            INFO("option " << o.name);
            REQUIRE(rows.count(o.name));
            CHECK(rows[o.name] == o.default_value);
        }
        // No page documents an option the rule does not have.
        for (auto const& [name, value] : rows) {
            bool common = name == "severity" || name == "enabled" || name == "paths" || name == "outside";
            bool declared = std::any_of(entry.info.options.begin(), entry.info.options.end(),
                                        [&](OptionSpec const& o) { return o.name == name; });
            INFO("documented option " << name);
            CHECK((common || declared));
        }
    }
}

TEST_CASE("a wrongly typed option runs at its default, and the effective profile says so", "[rules][contracts]")
{
    auto opts = builtin_registry().load_options();
    auto p = parse_profile("extends: kvm-x86\nrules:\n  shortlog.length: {warn: many, error: 90}\n", "bad.yaml", opts);
    REQUIRE(p.has_value());
    Engine engine = make_engine(std::move(*p));
    REQUIRE(engine.option_problems().size() == 1);
    CHECK(engine.option_problems()[0] ==
          "bad.yaml:3: shortlog.length: option 'warn' must be an integer, not 'many'; using the default");
    std::string yaml = effective_profile_yaml(engine);
    CHECK(yaml.find("  shortlog.length:\n    severity: info\n    paths: []\n    warn: 75\n    error: 90\n") !=
          std::string::npos);
}

TEST_CASE("the effective profile reads back to the same profile and the same findings", "[rules][contracts]")
{
    auto opts = builtin_registry().load_options();
    std::map<std::string, std::pair<Engine, Engine>> engines; // profile -> (as named, read back)
    auto engines_for = [&](std::string const& name) -> std::pair<Engine, Engine>& {
        auto it = engines.find(name);
        if (it != engines.end())
            return it->second;
        Engine original = make_engine(load(name));
        std::string yaml = effective_profile_yaml(original);
        auto again = parse_profile(yaml, "effective.yaml", opts);
        INFO(yaml);
        REQUIRE(again.has_value());
        Engine read_back = make_engine(std::move(*again));
        CHECK(read_back.option_problems().empty());
        CHECK(effective_profile_yaml(read_back) == yaml);
        return engines.emplace(name, std::make_pair(std::move(original), std::move(read_back))).first->second;
    };
    engines_for("kvm-x86");
    engines_for("kvm-unit-tests");
    std::size_t compared = 0;
    for (auto const& patch_file : testsupport::rule_fixture_patches()) {
        auto fx = testsupport::load_rule_fixture(patch_file);
        INFO("fixture " << patch_file.string());
        auto patch = parse_patch_text(fx->text, patch_file.string());
        REQUIRE(patch.has_value());
        auto& [original, read_back] = engines_for(fx->profile);
        std::vector<std::string> got[2];
        Engine const* pair[2] = {&original, &read_back};
        for (int i = 0; i < 2; ++i) {
            std::vector<Finding> findings;
            SkipLog skips;
            pair[i]->check_patch(*patch, fx->lookup ? &*fx->lookup : nullptr, findings, skips);
            for (auto const& f : findings)
                got[i].push_back(f.rule + " " + fx->entry(f));
        }
        CHECK(got[0] == got[1]);
        compared += got[0].size();
    }
    CHECK(compared > 50);
}
