#include "libreview/gate/input.h"

#include "libreview/git/tree.h"
#include "libreview/mail/message.h"
#include "libreview/patch/patch_file.h"
#include "libreview/rules/engine.h"
#include "libreview/series/subject.h"
#include "libreview/source/input.h"
#include "libreview/source/mail.h"

#include <algorithm>
#include <filesystem>
#include <map>

namespace review::gate {
namespace {

// The unified diff of a decoded mail body: from the first "diff --git" line
// to the signature ("-- ") or the format-patch --base trailer.
std::string diff_text_of(std::string const& body)
{
    std::size_t start = body.starts_with("diff --git ") ? 0 : body.find("\ndiff --git ");
    if (start == std::string::npos)
        return {};
    if (start != 0)
        ++start;
    std::size_t end = body.size();
    for (std::string_view stop : {"\n-- \n", "\nbase-commit: ", "\nprerequisite-patch-id: "}) {
        auto at = body.find(stop, start);
        if (at != std::string::npos)
            end = std::min(end, at + 1);
    }
    return body.substr(start, end - start);
}

} // namespace

Result<GateInput> read_range(git::Repository const& repo, std::string const& spec)
{
    GateInput input;
    input.description = spec;
    auto ids = TRY(repo.resolve(spec));
    if (ids.empty())
        return make_error("'" + spec + "' names no commits (merges are skipped)");
    input.base_commit = TRY(git::first_parent(repo, ids.front()));
    if (!input.base_commit.empty())
        input.base_tree = TRY(git::tree_of_commit(repo, input.base_commit));
    for (auto const& id : ids) {
        GateItem item;
        item.patch = TRY(repo.read_patch(id));
        item.commit = id;
        item.tree = TRY(git::tree_of_commit(repo, id));
        if (auto parent = TRY(git::first_parent(repo, id)); !parent.empty())
            item.parent_tree = TRY(git::tree_of_commit(repo, parent));
        input.items.push_back(std::move(item));
    }
    return input;
}

Result<GateInput> read_series(git::Repository const& repo, std::string const& path, std::string const& base)
{
    GateInput input;
    input.description = path;
    struct Mail {
        Patch patch;
        std::string diff;
        int index = 0;
        int version = 1;
        std::size_t order = 0;
    };
    std::vector<Mail> mails;
    std::string base_commit = base;
    auto raws = TRY(source::read_raw_mails(path));
    if (!raws.problems.empty())
        return make_error(raws.problems.front());
    for (auto const& raw : raws.mails) {
        auto decoded = TRY(mail::decode_mail(raw.text, raw.source));
        auto patch = TRY(source::decoded_to_patch(decoded, raw.source, raw.line));
        if (base_commit.empty() && !patch.base_commit.empty())
            base_commit = patch.base_commit;
        std::string diff = diff_text_of(decoded.body);
        if (diff.empty() || is_cover_letter(patch))
            continue; // cover letters and replies carry no change
        auto tags = series::parse_subject(patch.subject);
        Mail m{std::move(patch), std::move(diff), tags.index, tags.version, mails.size()};
        m.patch.file = raw.source;
        mails.push_back(std::move(m));
    }
    if (mails.empty())
        return make_error("no patches in " + path);
    // An mbox holding several versions of the series: gate the latest.
    int latest = 0;
    for (auto const& m : mails)
        latest = std::max(latest, m.version);
    std::erase_if(mails, [&](Mail const& m) { return m.version != latest; });
    std::stable_sort(mails.begin(), mails.end(), [](Mail const& a, Mail const& b) { return a.index < b.index; });
    if (base_commit.empty())
        return make_error(path + ": no base-commit: line; give the base with --base (format-patch --base adds it)");
    auto resolved = repo.resolve_commit(base_commit);
    if (!resolved)
        return make_error("base commit " + base_commit + " is not in " + repo.path() +
                          "; fetch it or give another with --base");
    input.base_commit = *resolved;
    input.base_tree = TRY(git::tree_of_commit(repo, *resolved));
    std::map<std::string, std::size_t> per_file;
    for (auto const& m : mails)
        ++per_file[m.patch.file];
    std::string tree = input.base_tree;
    for (std::size_t i = 0; i < mails.size(); ++i) {
        auto& m = mails[i];
        std::string label = m.patch.file + " (patch " + std::to_string(i + 1) + "/" + std::to_string(mails.size()) + ")";
        GateItem item;
        item.parent_tree = tree;
        tree = TRY(git::apply_to_tree(repo, tree, m.diff, label));
        item.source = m.patch.file;
        if (per_file[m.patch.file] > 1) // one mbox holds several patches: tell them apart by line
            item.source += ":" + std::to_string(m.patch.message.title_line);
        item.tree = tree;
        item.patch = std::move(m.patch);
        input.items.push_back(std::move(item));
    }
    return input;
}

} // namespace review::gate
