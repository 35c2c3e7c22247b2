#include "libreview/report/report.h"

#include "libreview/report/finding_json.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>

namespace review {

std::size_t Report::count(Severity s) const
{
    return static_cast<std::size_t>(
        std::count_if(findings.begin(), findings.end(), [&](Finding const& f) { return f.severity == s; }));
}

void write_json(Report const& report, std::ostream& out)
{
    nlohmann::json j;
    j["tool"] = {{"name", "kvmx"}, {"version", report.tool_version}};
    j["profile"] = report.profile;
    j["findings"] = nlohmann::json::array();
    for (auto const& f : report.findings)
        j["findings"].push_back(finding_to_json(f));
    j["skipped"] = nlohmann::json::array();
    for (auto const& [s, n] : report.skipped)
        j["skipped"].push_back({{"rule", s.rule}, {"reason", s.reason}, {"count", n}});
    j["notes"] = report.notes;
    j["summary"] = {{"patches", report.patches},
                    {"errors", report.count(Severity::Error)},
                    {"warnings", report.count(Severity::Warning)},
                    {"info", report.count(Severity::Info)}};
    // Replace invalid UTF-8 rather than throw: messages quote hostile input.
    out << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

static std::string sarif_level(Severity s)
{
    switch (s) {
    case Severity::Error:
        return "error";
    case Severity::Warning:
        return "warning";
    case Severity::Info:
        return "note";
    }
    return "warning";
}

std::string docs_url()
{
    char const* env = std::getenv("KVMX_DOCS_URL");
    std::string url = env && *env ? env : default_docs_url;
    if (!url.starts_with("https://") && !url.starts_with("http://") && !url.starts_with("file://"))
        url = default_docs_url; // helpUri must be absolute
    while (url.ends_with("/"))
        url.pop_back();
    return url;
}

void write_sarif(Report const& report, RuleRegistry const& registry, std::ostream& out)
{
    std::string const docs = docs_url();
    nlohmann::json rules = nlohmann::json::array();
    std::vector<std::string> ids;
    for (auto const& e : registry.entries()) {
        ids.push_back(e.info.id);
        rules.push_back({{"id", e.info.id},
                         {"shortDescription", {{"text", e.info.summary}}},
                         {"helpUri", docs + "/rules/" + e.info.id + ".md"},
                         {"defaultConfiguration", {{"level", sarif_level(e.info.severity)}}},
                         {"properties", {{"handbookSection", e.info.section}}}});
    }
    nlohmann::json results = nlohmann::json::array();
    for (auto const& f : report.findings) {
        nlohmann::json result;
        result["ruleId"] = f.rule;
        auto it = std::find(ids.begin(), ids.end(), f.rule);
        if (it != ids.end())
            result["ruleIndex"] = it - ids.begin();
        result["level"] = sarif_level(f.severity);
        result["message"] = {{"text", f.message}};
        nlohmann::json physical;
        std::string uri = !f.location.file.empty() ? f.location.file : "commit/" + f.location.commit;
        physical["artifactLocation"] = {{"uri", uri}};
        if (f.location.line > 0)
            physical["region"] = {{"startLine", f.location.line}};
        result["locations"] = nlohmann::json::array({{{"physicalLocation", physical}}});
        // The finding's other fields (docs/output-formats.md#finding).
        nlohmann::json properties = nlohmann::json::object();
        if (!f.location.commit.empty())
            properties["commit"] = f.location.commit;
        if (!f.location.subject.empty())
            properties["subject"] = f.location.subject;
        if (f.fix)
            properties["suggestedText"] = *f.fix;
        if (!f.series.empty())
            properties["series"] = f.series;
        if (!properties.empty())
            result["properties"] = properties;
        results.push_back(result);
    }
    nlohmann::json notifications = nlohmann::json::array();
    for (auto const& [s, n] : report.skipped)
        notifications.push_back({{"descriptor", {{"id", s.rule}}},
                                 {"level", "note"},
                                 {"message", {{"text", s.rule + " skipped for " + std::to_string(n) + " patches: " + s.reason}}}});
    nlohmann::json sarif = {
        {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
        {"version", "2.1.0"},
        {"runs",
         nlohmann::json::array({{{"tool",
                                  {{"driver",
                                    {{"name", "kvmx"},
                                     {"version", report.tool_version},
                                     {"informationUri", "https://docs.kernel.org/process/maintainer-kvm-x86.html"},
                                     {"rules", rules}}}}},
                                 {"invocations",
                                  nlohmann::json::array({{{"executionSuccessful", true},
                                                          {"toolExecutionNotifications", notifications}}})},
                                 {"results", results}}})}};
    out << sarif.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

} // namespace review
