// Per-rule fixtures (format: tests/support/rule_fixture.h): each case gives
// exactly its expected findings of its rule, with position, severity,
// message and suggested fix.
//
// After a change of wording, KVMX_UPDATE_FIXTURES=1 rewrites the messages
// and fixes of the .expected files from the current output, but only where
// every finding keeps its line and severity: which lines fire stays written
// by hand (tests/fixtures/rules/cases.py and gen.py).

#include "libreview/core/text.h"
#include "libreview/patch/patch_file.h"
#include "libreview/rules/engine.h"
#include "tests/support/fixtures.h"
#include "tests/support/rule_fixture.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>

using namespace review;
namespace fs = std::filesystem;

namespace {

Engine& engine_for(std::string const& profile)
{
    static std::map<std::string, Engine> engines;
    auto it = engines.find(profile);
    if (it == engines.end()) {
        auto opts = builtin_registry().load_options();
        auto p = builtin_profile_text(profile) ? load_builtin_profile(profile, opts) : load_profile_file(profile, opts);
        REQUIRE(p.has_value());
        auto e = Engine::create(std::move(*p));
        REQUIRE(e.has_value());
        it = engines.emplace(profile, std::move(*e)).first;
    }
    return it->second;
}

std::vector<std::string> positions(std::vector<std::string> const& entries)
{
    std::vector<std::string> out;
    for (auto const& e : entries)
        out.push_back(testsupport::entry_position(e));
    std::sort(out.begin(), out.end());
    return out;
}

// The .expected file rewritten with `got`, its leading comments kept.
void update_expected(fs::path const& file, std::vector<std::string> const& got)
{
    std::string out;
    std::string const old = testsupport::read_file(file);
    for (auto line : text::split_lines(old)) {
        if (line.empty() || line[0] != '#')
            break;
        out += std::string(line) + "\n";
    }
    for (auto const& e : got)
        out += e + "\n";
    testsupport::write_file(file, out);
}

} // namespace

TEST_CASE("every rule fixture gives exactly its expected findings", "[rules][fixtures]")
{
    bool const update = std::getenv("KVMX_UPDATE_FIXTURES") != nullptr;
    std::size_t cases = 0;
    for (auto const& patch_file : testsupport::rule_fixture_patches()) {
        auto fx = testsupport::load_rule_fixture(patch_file);
        INFO("fixture " << patch_file.string());
        REQUIRE(fs::exists(fx->expected_file()));
        auto patch = parse_patch_text(fx->text, patch_file.string());
        REQUIRE(patch.has_value());
        std::vector<Finding> findings;
        SkipLog skips;
        engine_for(fx->profile).check_patch(*patch, fx->lookup ? &*fx->lookup : nullptr, findings, skips);
        std::vector<std::string> got;
        std::string details;
        for (auto const& f : findings) {
            details += f.location.describe() + ": " + std::string(severity_name(f.severity)) + ": " + f.message +
                       " [" + f.rule + "]\n";
            if (f.rule == fx->rule)
                got.push_back(fx->entry(f));
        }
        std::sort(got.begin(), got.end());
        INFO("all findings:\n" << details);
        auto expected = testsupport::expected_entries(fx->expected_file());
        if (update && got != expected && positions(got) == positions(expected))
            update_expected(fx->expected_file(), got), expected = got;
        CHECK(got == expected);
        ++cases;
    }
    CHECK(cases > 0);
}

TEST_CASE("rule fixture expectations pin the message of every finding", "[rules][fixtures]")
{
    for (auto const& patch_file : testsupport::rule_fixture_patches()) {
        auto file = fs::path(patch_file).replace_extension(".expected");
        INFO("fixture " << file.string());
        for (auto const& e : testsupport::expected_entries(file))
            CHECK(testsupport::entry_position(e) != e.substr(0, e.find('\n')));
    }
}

TEST_CASE("every registered rule has a doc page and firing and silent fixtures", "[rules][meta]")
{
    fs::path docs = testsupport::source_dir() / "docs" / "rules";
    for (auto const& entry : builtin_registry().entries()) {
        std::string const& id = entry.info.id;
        INFO("rule " << id);
        CHECK(fs::exists(docs / (id + ".md")));
        if (entry.info.scope == Scope::Series) {
            // Series rules are exercised by the series fixtures and tests.
            bool mentioned = false;
            fs::path series = testsupport::fixtures_dir() / "series";
            if (fs::exists(series))
                for (auto const& f : fs::recursive_directory_iterator(series))
                    if (f.is_regular_file() && testsupport::read_file(f.path()).find(id) != std::string::npos) {
                        mentioned = true;
                        break;
                    }
            CHECK(mentioned);
            continue;
        }
        fs::path dir = testsupport::fixtures_dir() / "rules" / id;
        bool fires = false, silent = false;
        if (fs::exists(dir)) {
            for (auto const& f : fs::directory_iterator(dir)) {
                if (f.path().extension() != ".expected")
                    continue;
                (testsupport::expected_entries(f.path()).empty() ? silent : fires) = true;
            }
        }
        CHECK(fires);
        CHECK(silent);
    }
}
