#include "libreview/rules/code/comments.h"

#include "libreview/core/text.h"

namespace review {

bool is_c_source(std::string_view path)
{
    auto ends = [&](std::string_view ext) {
        return path.size() > ext.size() && path.substr(path.size() - ext.size()) == ext;
    };
    return ends(".c") || ends(".h") || ends(".S");
}

void for_each_added_comment(Diff const& diff,
                            std::function<bool(FileDiff const&, DiffLine const&, std::string_view)> const& visit)
{
    for (auto const& file : diff.files) {
        if (file.binary || !is_c_source(file.path()))
            continue;
        for (auto const& hunk : file.hunks) {
            for (auto const& line : hunk.added) {
                std::string_view t = text::trim(line.text);
                std::string_view comment;
                if (t.substr(0, 2) == "/*" || t.substr(0, 2) == "//")
                    comment = t.substr(2);
                else if (t == "*" || t.substr(0, 2) == "* " || t == "*/")
                    comment = t.substr(1);
                else if (auto p = t.find("/*"); p != std::string_view::npos)
                    comment = t.substr(p + 2);
                else if (auto q = t.find(" // "); q != std::string_view::npos)
                    comment = t.substr(q + 4);
                else
                    continue;
                if (comment.size() >= 2 && comment.substr(comment.size() - 2) == "*/")
                    comment.remove_suffix(2);
                comment = text::trim(comment);
                if (!comment.empty() && comment.front() == '*')
                    comment = text::trim(comment.substr(1));
                if (comment.empty())
                    continue;
                if (!visit(file, line, comment))
                    return;
            }
        }
    }
}

} // namespace review
