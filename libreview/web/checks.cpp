#include "libreview/web/checks.h"

#include "libreview/core/text.h"

namespace review::web {

namespace q = review::queue;

std::pair<std::string, int> finding_line(std::string_view where)
{
    std::size_t close = where.rfind(">:");
    if (where.empty() || where.front() != '<' || close == std::string_view::npos)
        return {};
    std::string_view digits = where.substr(close + 2);
    if (digits.empty() || digits.size() > 9 || !std::all_of(digits.begin(), digits.end(), text::is_digit))
        return {};
    return {std::string(where.substr(1, close - 1)), std::stoi(std::string(digits))};
}

nlohmann::json patch_checks(q::SeriesView const& s, q::VersionView const& v, q::PatchView const& p)
{
    nlohmann::json out = nlohmann::json::array();
    if (!v.checked.empty() && v.checked.rfind("not checked", 0) != 0) {
        int errors = 0, warnings = 0;
        for (auto const& f : v.findings)
            if (finding_line(f.where).first == p.message_id) {
                errors += f.severity == "error";
                warnings += f.severity == "warning";
            }
        out.push_back({{"context", "kvmx-checks"},
                       {"state", errors ? "fail" : warnings ? "warning" : "success"},
                       {"target_url", nullptr},
                       {"description", "kvmx message checks (" + v.checked + "): " + std::to_string(errors) +
                                           " error(s), " + std::to_string(warnings) + " warning(s)"}});
    }
    if (!s.gate || s.gate->version != v.version + (v.rfc ? "rfc" : ""))
        return out;
    // The gate numbers the patches of a series from 0 in posting order.
    auto checks = nlohmann::json::parse(s.gate->checks, nullptr, false);
    if (!checks.is_object() || !checks.contains("patches") || !checks["patches"].is_array())
        return out;
    for (auto const& gp : checks["patches"])
        if (gp.is_object() && gp.value("index", -1) == p.index - 1 && gp.contains("checks") && gp["checks"].is_array())
            for (auto const& c : gp["checks"])
                if (c.is_object() && c.value("context", "") != "kvmx-checks")
                    out.push_back(c);
    return out;
}

} // namespace review::web
