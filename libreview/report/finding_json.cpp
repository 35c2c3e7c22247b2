#include "libreview/report/finding_json.h"

#include <nlohmann/json.hpp>

namespace review {
namespace {

nlohmann::json or_null(std::string const& s) { return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s); }

// A string field that may be null or missing.
std::string text_field(nlohmann::json const& j, char const* key)
{
    auto it = j.find(key);
    if (it == j.end() || it->is_null())
        return {};
    return it->get<std::string>();
}

} // namespace

nlohmann::json finding_to_json(Finding const& f)
{
    nlohmann::json j = {{"rule", f.rule},
                        {"severity", std::string(severity_name(f.severity))},
                        {"message", f.message},
                        {"commit", or_null(f.location.commit)},
                        {"file", or_null(f.location.file)},
                        {"line", f.location.line},
                        {"subject", f.location.subject},
                        {"fix", f.fix ? nlohmann::json(*f.fix) : nlohmann::json(nullptr)}};
    if (!f.series.empty())
        j["series"] = f.series;
    return j;
}

Result<Finding> finding_from_json(nlohmann::json const& j, std::string const& name)
{
    try {
        if (!j.is_object())
            return make_error("a finding is not a JSON object", name);
        Finding f;
        f.rule = j.at("rule").get<std::string>();
        std::string severity = j.at("severity").get<std::string>();
        auto s = parse_severity(severity);
        if (!s)
            return make_error("finding of " + f.rule + " has unknown severity '" + severity + "'", name);
        f.severity = *s;
        f.message = text_field(j, "message");
        f.location.commit = text_field(j, "commit");
        f.location.file = text_field(j, "file");
        f.location.line = j.value("line", 0);
        f.location.subject = text_field(j, "subject");
        if (auto fix = j.find("fix"); fix != j.end() && !fix->is_null())
            f.fix = fix->get<std::string>();
        f.series = text_field(j, "series");
        return f;
    } catch (nlohmann::json::exception const& e) {
        return make_error(std::string("malformed finding: ") + e.what(), name);
    }
}

} // namespace review
