// Series rule fixtures: tests/fixtures/series/<rule-id>/<case>.mbox with the
// expected severities of that rule's findings in <case>.expected (one per
// line; '#' lines are comments, no lines means the rule stays silent).
// series.base-branch builds a repository: the "silent" case is based on
// kvm-x86/next, the "fire" case on a commit the repository lacks.

#include "libreview/core/text.h"
#include "libreview/rules/git_lookup.h"
#include "libreview/mail/mailbox.h"
#include "libreview/rules/engine.h"
#include "libreview/rules/series_runner.h"
#include "libreview/source/mail.h"
#include "tests/support/fixtures.h"
#include "tests/support/git_repo.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>

using namespace review;
namespace fs = std::filesystem;

namespace {

Engine const& default_engine()
{
    static Engine engine = [] {
        auto p = load_builtin_profile("kvm-x86", builtin_registry().load_options());
        REQUIRE(p.has_value());
        auto e = Engine::create(std::move(*p));
        REQUIRE(e.has_value());
        return std::move(*e);
    }();
    return engine;
}

std::vector<std::string> expected(fs::path const& file)
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

TEST_CASE("every series rule fixture gives exactly its expected findings", "[series][fixtures]")
{
    fs::path root = testsupport::fixtures_dir() / "series";
    std::size_t cases = 0;
    std::vector<std::string> rules;
    for (auto const& dir : fs::directory_iterator(root)) {
        std::string rule = dir.path().filename().string();
        if (!dir.is_directory() || rule.rfind("series.", 0) != 0)
            continue;
        rules.push_back(rule);
        bool fire = false, silent = false;
        for (auto const& entry : fs::directory_iterator(dir.path())) {
            if (entry.path().extension() != ".mbox")
                continue;
            INFO("fixture " << entry.path().string());
            auto input = review::source::read_mail_input(entry.path().string());
            REQUIRE(input.has_value());
            CHECK(input->problems.empty());
            Mailbox box = assemble(std::move(input->mails));
            REQUIRE(box.series.size() == 1);
            std::optional<testsupport::GitRepo> repo;
            std::optional<RepositoryLookup> lookup;
            if (rule == "series.base-branch") {
                repo.emplace();
                std::string base = repo->commit("KVM: x86: Base", {{"a.c", "a\n"}});
                repo->branch("kvm-x86/next", base);
                repo->commit("KVM: x86: Elsewhere", {{"b.c", "b\n"}});
                if (entry.path().stem() == "silent")
                    box.series.front().versions.back().cover->patch.base_commit = base;
                lookup.emplace(repo->repository());
            }
            SkipLog skips;
            auto result = check_mailbox(default_engine(), box, lookup ? &*lookup : nullptr, skips);
            std::vector<std::string> got;
            std::string details;
            for (auto const& f : result.findings) {
                details += f.location.describe() + ": " + f.message + " [" + f.rule + "]\n";
                if (f.rule == rule)
                    got.emplace_back(severity_name(f.severity));
            }
            std::sort(got.begin(), got.end());
            INFO("all findings:\n" << details);
            auto want = expected(fs::path(entry.path()).replace_extension(".expected"));
            CHECK(got == want);
            (want.empty() ? silent : fire) = true;
            ++cases;
        }
        INFO("rule " << rule);
        CHECK(fire);
        CHECK(silent);
    }
    CHECK(cases >= 2 * rules.size());
    // Every registered series rule has its fixture directory.
    for (auto const& e : builtin_registry().entries())
        if (e.info.scope == Scope::Series) {
            INFO("rule " << e.info.id);
            CHECK(std::find(rules.begin(), rules.end(), e.info.id) != rules.end());
        }
}
