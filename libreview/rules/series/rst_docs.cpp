#include "libreview/rules/registry.h"
#include "libreview/rules/series/series_text.h"

#include "libreview/core/text.h"

namespace review {
namespace {

bool is_adornment(std::string_view l)
{
    if (l.size() < 3)
        return false;
    char c = l[0];
    if (std::string_view("=-~^\"'`#*+:.").find(c) == std::string_view::npos)
        return false;
    for (char k : l)
        if (k != c)
            return false;
    return true;
}

// Static checks that predict htmldocs warnings in added .rst lines: a title
// underline shorter than its title, and tabs.
class SeriesRstDocs final : public Rule {
public:
    static RuleInfo describe()
    {
        return {"series.rst-docs", Severity::Info, Scope::Series,
                "`.rst` changes must build htmldocs cleanly", "Testing", {}};
    }
    using Rule::Rule;

    void check(SeriesContext const& ctx, std::vector<Finding>& out) const override
    {
        for (auto const& p : ctx.series.patches)
            for (auto const& f : p.patch.diff.files) {
                std::string const& path = f.path();
                if (path.size() < 4 || path.compare(path.size() - 4, 4, ".rst") != 0)
                    continue;
                for (auto const& h : f.hunks) {
                    for (std::size_t i = 0; i < h.added.size(); ++i) {
                        std::string const& l = h.added[i].text;
                        std::string problem;
                        if (l.find('\t') != std::string::npos)
                            problem = "a tab in " + path + "; Sphinx expands tabs unpredictably, use spaces";
                        else if (i > 0 && is_adornment(l) && h.added[i - 1].new_line + 1 == h.added[i].new_line) {
                            std::string_view title = text::trim_right(h.added[i - 1].text);
                            if (!title.empty() && !is_adornment(title) && text::display_width(title) > l.size())
                                problem = "title underline shorter than the title in " + path +
                                          " (htmldocs warns); make it as long as the title";
                        }
                        if (!problem.empty()) {
                            out.push_back(series_finding(*this, ctx, &p, h.added[i].source_line, problem, severity()));
                            break;
                        }
                    }
                }
            }
    }
};

} // namespace

} // namespace review

KVMX_REGISTER_RULE(series_rst_docs, SeriesRstDocs)
