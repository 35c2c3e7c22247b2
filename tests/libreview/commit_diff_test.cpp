// Repository::read_patch() trims common heads and tails before diffing and
// compares trees itself: its hunks must be those `git show -U0` prints, line
// numbers, texts and function lines included, for every shape of change.
// libgit2 has no indent heuristic, so git is asked for its plain placement.

#include "libreview/patch/diff.h"
#include "tests/support/git_repo.h"

#include <catch2/catch.hpp>

#include <cstdio>

namespace {

std::string git_show(std::filesystem::path const& repo, std::string const& id)
{
    std::string cmd = "git -C '" + repo.string() + "' -c core.quotepath=off show --no-renames --no-indent-heuristic --format= -U0 " + id;
    std::string out;
    FILE* p = popen(cmd.c_str(), "r");
    REQUIRE(p);
    char buf[65536];
    while (std::size_t n = fread(buf, 1, sizeof buf, p))
        out.append(buf, n);
    REQUIRE(pclose(p) == 0);
    return out;
}

std::string numbered(int from, int to, std::string const& word = "line")
{
    std::string s;
    for (int i = from; i <= to; ++i)
        s += (i % 25 == 0 ? "static int fn" + std::to_string(i) + "(void)\n" : "\t" + word + " " + std::to_string(i) + ";\n");
    return s;
}

void expect_same_as_git(testsupport::GitRepo& repo, std::string const& id)
{
    auto patch = repo.repository().read_patch(id, review::git::DiffDepth::Hunks);
    REQUIRE(patch);
    review::Diff git = review::parse_diff(git_show(repo.path(), id));
    REQUIRE(patch->diff.files.size() == git.files.size());
    for (std::size_t f = 0; f < git.files.size(); ++f) {
        auto const& ours = patch->diff.files[f];
        auto const& theirs = git.files[f];
        INFO("file " << theirs.path());
        CHECK(ours.path() == theirs.path());
        CHECK(ours.binary == theirs.binary);
        REQUIRE(ours.hunks.size() == theirs.hunks.size());
        for (std::size_t h = 0; h < ours.hunks.size(); ++h) {
            auto const& a = ours.hunks[h];
            auto const& b = theirs.hunks[h];
            INFO("hunk " << h);
            CHECK(a.new_start == b.new_start);
            CHECK(a.new_count == b.new_count);
            CHECK(a.old_count == b.old_count);
            CHECK(a.function_context == b.function_context);
            REQUIRE(a.added.size() == b.added.size());
            REQUIRE(a.removed.size() == b.removed.size());
            for (std::size_t l = 0; l < a.added.size(); ++l) {
                CHECK(a.added[l].text == b.added[l].text);
                CHECK(a.added[l].new_line == b.added[l].new_line);
            }
            for (std::size_t l = 0; l < a.removed.size(); ++l) {
                CHECK(a.removed[l].text == b.removed[l].text);
                CHECK(a.removed[l].old_line == b.removed[l].old_line);
            }
        }
    }
}

} // namespace

TEST_CASE("commit diffs match git show -U0 for every shape of change", "[git][diff]")
{
    testsupport::GitRepo repo;
    repo.commit("Base\n", {{"x86/big.c", numbered(1, 300)}, {"x86/small.c", "int a;\n"}, {"lib/dir/file.h", "x\n"},
                           {"x86/noeol.c", "a\nb"}, {"x86/bin.dat", std::string("\0\1\2", 3)}});
    std::vector<std::string> ids;
    // One line changed in the middle: trimmed head and tail.
    std::string mid = numbered(1, 300);
    mid.replace(mid.find("\tline 151;"), 10, "\tLINE 151;");
    ids.push_back(repo.commit("Middle\n", {{"x86/big.c", mid}}));
    // Changes near the top and the bottom: the whole-file path.
    std::string ends = "\tfirst;\n" + mid + "\tlast;\n";
    ids.push_back(repo.commit("Ends\n", {{"x86/big.c", ends}}));
    // A repeated line inserted next to its twin: xdiff's placement must not move.
    std::string twin = ends;
    twin.insert(twin.find("\tline 202;\n"), "\tline 201;\n");
    ids.push_back(repo.commit("Twin\n", {{"x86/big.c", twin}}));
    // A new file, an emptied file, a file without a final newline, a binary.
    ids.push_back(repo.commit("New\n", {{"x86/new.c", numbered(1, 60)}, {"x86/small.c", ""}}));
    ids.push_back(repo.commit("Noeol\n", {{"x86/noeol.c", "a\nb\nc"}, {"x86/bin.dat", std::string("\0\3\4", 3)}}));
    // Several hunks in a file with function lines between them.
    std::string many = twin;
    for (int n : {40, 90, 140, 260})
        many.replace(many.find("\tline " + std::to_string(n) + ";"), 7 + std::to_string(n).size() + 1,
                     "\tline " + std::to_string(n) + "x;");
    ids.push_back(repo.commit("Many\n", {{"x86/big.c", many}}));
    for (auto const& id : ids) {
        INFO("commit " << id);
        expect_same_as_git(repo, id);
    }
}
