#include "libreview/git/tree.h"

#include "libreview/git/handles.h"

namespace review::git {

static_assert(mode_regular == GIT_FILEMODE_BLOB && mode_executable == GIT_FILEMODE_BLOB_EXECUTABLE &&
              mode_symlink == GIT_FILEMODE_LINK);

namespace {

Result<git_oid> parse_oid(std::string const& id, char const* what)
{
    git_oid oid;
    if (git_oid_fromstr(&oid, id.c_str()) != 0)
        return make_error(std::string("not a ") + what + " id: '" + id + "'");
    return oid;
}

// An empty id is the empty tree (a null handle, as libgit2's diff takes it).
Result<TreePtr> lookup_tree(Repository const& repo, std::string const& id)
{
    if (id.empty())
        return TreePtr{};
    auto oid = TRY(parse_oid(id, "tree"));
    git_tree* tree = nullptr;
    if (git_tree_lookup(&tree, repo.raw(), &oid) != 0)
        return make_error("tree " + id + ": " + last_error());
    return TreePtr(tree);
}

Result<CommitPtr> lookup_commit(Repository const& repo, std::string const& id)
{
    auto oid = TRY(parse_oid(id, "commit"));
    git_commit* c = nullptr;
    if (git_commit_lookup(&c, repo.raw(), &oid) != 0)
        return make_error("commit " + id + ": " + last_error());
    return CommitPtr(c);
}

} // namespace

Result<std::string> tree_of_commit(Repository const& repo, std::string const& commit)
{
    auto c = TRY(lookup_commit(repo, commit));
    return oid_hex(git_commit_tree_id(c.get()));
}

Result<std::string> first_parent(Repository const& repo, std::string const& commit)
{
    auto c = TRY(lookup_commit(repo, commit));
    if (git_commit_parentcount(c.get()) == 0)
        return std::string();
    return oid_hex(git_commit_parent_id(c.get(), 0));
}

Result<std::string> apply_to_tree(Repository const& repo, std::string const& tree, std::string const& diff_text,
                                  std::string const& name)
{
    auto base = TRY(lookup_tree(repo, tree));
    git_diff* diff = nullptr;
    if (git_diff_from_buffer(&diff, diff_text.data(), diff_text.size()) != 0)
        return make_error("cannot parse the diff: " + last_error(), name);
    DiffPtr owned_diff(diff);
    git_index* index = nullptr;
    if (git_apply_to_tree(&index, repo.raw(), base.get(), diff, nullptr) != 0)
        return make_error("does not apply: " + last_error(), name);
    IndexPtr owned_index(index);
    git_oid out;
    if (git_index_write_tree_to(&out, index, repo.raw()) != 0)
        return make_error("cannot write the applied tree: " + last_error(), name);
    return oid_hex(&out);
}

Result<std::vector<std::string>> changed_paths(Repository const& repo, std::string const& old_tree,
                                               std::string const& new_tree)
{
    auto a = TRY(lookup_tree(repo, old_tree));
    auto b = TRY(lookup_tree(repo, new_tree));
    git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
    git_diff* diff = nullptr;
    if (git_diff_tree_to_tree(&diff, repo.raw(), a.get(), b.get(), &opts) != 0)
        return make_error("diff " + old_tree + ".." + new_tree + ": " + last_error());
    DiffPtr owned(diff);
    std::vector<std::string> paths;
    for (std::size_t i = 0; i < git_diff_num_deltas(diff); ++i) {
        git_diff_delta const* d = git_diff_get_delta(diff, i);
        if (d->old_file.path && d->status != GIT_DELTA_ADDED)
            paths.emplace_back(d->old_file.path);
        if (d->new_file.path && (paths.empty() || paths.back() != d->new_file.path))
            paths.emplace_back(d->new_file.path);
    }
    return paths;
}

Result<std::vector<TreeFile>> tree_files(Repository const& repo, std::string const& tree)
{
    auto root = TRY(lookup_tree(repo, tree));
    if (!root)
        return std::vector<TreeFile>{};
    std::vector<TreeFile> files;
    auto callback = [](char const* root_path, git_tree_entry const* entry, void* payload) -> int {
        if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB)
            return 0; // trees are walked into; submodule commits have nothing to write
        TreeFile f{std::string(root_path) + git_tree_entry_name(entry), oid_hex(git_tree_entry_id(entry)),
                   static_cast<unsigned>(git_tree_entry_filemode(entry))};
        static_cast<std::vector<TreeFile>*>(payload)->push_back(std::move(f));
        return 0;
    };
    if (git_tree_walk(root.get(), GIT_TREEWALK_PRE, callback, &files) != 0)
        return make_error("walking tree " + tree + ": " + last_error());
    return files;
}

Result<void> with_blob(Repository const& repo, std::string const& blob,
                       std::function<Result<void>(std::string_view)> const& use)
{
    auto oid = TRY(parse_oid(blob, "blob"));
    git_blob* raw = nullptr;
    if (git_blob_lookup(&raw, repo.raw(), &oid) != 0)
        return make_error("blob " + blob + ": " + last_error());
    BlobPtr owned(raw);
    return use(std::string_view(static_cast<char const*>(git_blob_rawcontent(raw)),
                                static_cast<std::size_t>(git_blob_rawsize(raw))));
}

} // namespace review::git
