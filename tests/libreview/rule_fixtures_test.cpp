// Per-rule fixtures: tests/fixtures/rules/<rule-id>/<case>.patch with the
// expected findings of that rule in <case>.expected ("<line>: <severity>" per
// finding; an empty file means the rule must stay silent). A <case>.profile
// file names another profile (builtin name or path relative to the fixture).
// A <case>.repo file builds a repository first: "commit <title>" lines make
// commits, "tag <name>" tags the last one; "{{commit:N}}" in the patch is
// replaced by the 12-character id of the Nth commit.

#include "libreview/core/text.h"
#include "libreview/rules/git_lookup.h"
#include "tests/support/git_repo.h"
#include "libreview/patch/patch_file.h"
#include "libreview/rules/engine.h"
#include "tests/support/fixtures.h"

#include <catch2/catch.hpp>

#include <algorithm>
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

std::vector<std::string> expected_lines(fs::path const& file)
{
    std::vector<std::string> out;
    std::string const content = testsupport::read_file(file);
    for (auto line : text::split_lines(content)) {
        auto t = text::trim(line);
        if (!t.empty() && t[0] != '#')
            out.emplace_back(t);
    }
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace

TEST_CASE("every rule fixture gives exactly its expected findings", "[rules][fixtures]")
{
    fs::path root = testsupport::fixtures_dir() / "rules";
    REQUIRE(fs::is_directory(root));
    std::size_t cases = 0;
    for (auto const& dir : fs::directory_iterator(root)) {
        if (!dir.is_directory())
            continue;
        std::string rule = dir.path().filename().string();
        for (auto const& entry : fs::directory_iterator(dir.path())) {
            if (entry.path().extension() != ".patch")
                continue;
            auto expected_file = fs::path(entry.path()).replace_extension(".expected");
            INFO("fixture " << entry.path().string());
            REQUIRE(fs::exists(expected_file));
            std::string profile = "kvm-x86";
            auto profile_file = fs::path(entry.path()).replace_extension(".profile");
            if (fs::exists(profile_file)) {
                profile = std::string(text::trim(testsupport::read_file(profile_file)));
                if (!builtin_profile_text(profile))
                    profile = (dir.path() / profile).string();
            }
            std::string text = testsupport::read_file(entry.path());
            auto repo_file = fs::path(entry.path()).replace_extension(".repo");
            std::optional<testsupport::GitRepo> repo;
            std::optional<RepositoryLookup> lookup;
            if (fs::exists(repo_file)) {
                repo.emplace();
                std::vector<std::string> ids;
                std::string const history = testsupport::read_file(repo_file);
                for (auto line : text::split_lines(history)) {
                    if (line.substr(0, 7) == "commit ")
                        ids.push_back(repo->commit(std::string(line.substr(7))));
                    else if (line.substr(0, 4) == "tag ")
                        repo->tag(std::string(line.substr(4)), ids.back());
                }
                for (std::size_t i = 0; i < ids.size(); ++i) {
                    std::string key = "{{commit:" + std::to_string(i + 1) + "}}";
                    for (std::size_t at; (at = text.find(key)) != std::string::npos;)
                        text.replace(at, key.size(), ids[i].substr(0, 12));
                }
                lookup.emplace(repo->repository());
            }
            auto patch = parse_patch_text(text, entry.path().string());
            REQUIRE(patch.has_value());
            std::vector<Finding> findings;
            SkipLog skips;
            engine_for(profile).check_patch(*patch, lookup ? &*lookup : nullptr, findings, skips);
            std::vector<std::string> got;
            std::string details;
            for (auto const& f : findings) {
                details += f.location.describe() + ": " + std::string(severity_name(f.severity)) + ": " + f.message +
                           " [" + f.rule + "]\n";
                if (f.rule == rule)
                    got.push_back(std::to_string(f.location.line) + ": " + std::string(severity_name(f.severity)));
            }
            std::sort(got.begin(), got.end());
            INFO("all findings:\n" << details);
            CHECK(got == expected_lines(expected_file));
            ++cases;
        }
    }
    CHECK(cases > 0);
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
                (expected_lines(f.path()).empty() ? silent : fires) = true;
            }
        }
        CHECK(fires);
        CHECK(silent);
    }
}
