#include "tests/support/rule_fixture.h"

#include "libreview/core/text.h"
#include "libreview/rules/profile.h"

#include <algorithm>

namespace testsupport {
namespace fs = std::filesystem;

fs::path RuleFixture::expected_file() const { return fs::path(patch_file).replace_extension(".expected"); }

std::string RuleFixture::entry(review::Finding const& f) const
{
    std::string out = std::to_string(f.location.line) + ": " + std::string(review::severity_name(f.severity)) +
                      ": " + f.message;
    if (f.fix) {
        std::string fix = *f.fix;
        for (std::size_t at; (at = fix.find('\n')) != std::string::npos;)
            fix.replace(at, 1, "\\n");
        out += "\n    fix: " + fix;
    }
    // Full ids first, then the 12-character form the patches cite.
    for (std::size_t len : {std::size_t(40), std::size_t(12)})
        for (std::size_t i = 0; i < commits.size(); ++i) {
            std::string id = commits[i].substr(0, len);
            std::string key = "{{commit:" + std::to_string(i + 1) + "}}";
            for (std::size_t at; (at = out.find(id)) != std::string::npos;)
                out.replace(at, id.size(), key);
        }
    return out;
}

std::vector<fs::path> rule_fixture_patches()
{
    std::vector<fs::path> out;
    fs::path root = fixtures_dir() / "rules";
    if (!fs::is_directory(root))
        return out;
    for (auto const& dir : fs::directory_iterator(root)) {
        if (!dir.is_directory())
            continue;
        for (auto const& entry : fs::directory_iterator(dir.path()))
            if (entry.path().extension() == ".patch")
                out.push_back(entry.path());
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::unique_ptr<RuleFixture> load_rule_fixture(fs::path const& patch_file)
{
    auto fx = std::make_unique<RuleFixture>();
    fx->patch_file = patch_file;
    fs::path dir = patch_file.parent_path();
    fx->rule = dir.filename().string();
    fx->profile = "kvm-x86";
    auto profile_file = fs::path(patch_file).replace_extension(".profile");
    if (fs::exists(profile_file)) {
        fx->profile = std::string(review::text::trim(read_file(profile_file)));
        if (!review::builtin_profile_text(fx->profile))
            fx->profile = (dir / fx->profile).string();
    }
    fx->text = read_file(patch_file);
    auto repo_file = fs::path(patch_file).replace_extension(".repo");
    if (fs::exists(repo_file)) {
        fx->repo.emplace();
        std::string const history = read_file(repo_file);
        for (auto line : review::text::split_lines(history)) {
            if (line.substr(0, 7) == "commit ")
                fx->commits.push_back(fx->repo->commit(std::string(line.substr(7))));
            else if (line.substr(0, 4) == "tag ")
                fx->repo->tag(std::string(line.substr(4)), fx->commits.back());
        }
        for (std::size_t i = 0; i < fx->commits.size(); ++i) {
            std::string key = "{{commit:" + std::to_string(i + 1) + "}}";
            for (std::size_t at; (at = fx->text.find(key)) != std::string::npos;)
                fx->text.replace(at, key.size(), fx->commits[i].substr(0, 12));
        }
        fx->lookup.emplace(fx->repo->repository());
    }
    return fx;
}

std::vector<std::string> expected_entries(fs::path const& file)
{
    std::vector<std::string> out;
    std::string const content = read_file(file);
    for (auto line : review::text::split_lines(content)) {
        if (review::text::trim(line).empty() || line[0] == '#')
            continue;
        if (line[0] == ' ' && !out.empty())
            out.back() += "\n" + std::string(line);
        else
            out.emplace_back(line);
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::string entry_position(std::string const& entry)
{
    // "12: error: message": the position ends at the second ": ".
    std::size_t first = entry.find(": ");
    std::size_t second = first == std::string::npos ? first : entry.find(": ", first + 2);
    std::size_t end = std::min(second, entry.find('\n'));
    return std::string(review::text::trim(std::string_view(entry).substr(0, end)));
}

} // namespace testsupport
