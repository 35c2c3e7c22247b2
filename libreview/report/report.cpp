#include "libreview/report/report.h"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace review {

std::size_t Report::count(Severity s) const
{
    return static_cast<std::size_t>(
        std::count_if(findings.begin(), findings.end(), [&](Finding const& f) { return f.severity == s; }));
}

void write_text(Report const& report, std::ostream& out)
{
    for (auto const& f : report.findings) {
        out << f.location.describe() << ": " << severity_name(f.severity) << ": " << f.message << " [" << f.rule
            << "]\n";
        if (f.fix)
            out << "    suggested: " << *f.fix << "\n";
    }
    for (auto const& [s, n] : report.skipped)
        out << "note: " << s.rule << " skipped (" << n << (n == 1 ? " patch" : " patches") << "): " << s.reason << "\n";
    for (auto const& note : report.notes)
        out << "note: " << note << "\n";
    out << report.patches << (report.patches == 1 ? " patch" : " patches") << " checked: "
        << report.count(Severity::Error) << " errors, " << report.count(Severity::Warning) << " warnings, "
        << report.count(Severity::Info) << " info\n";
}

static nlohmann::json finding_json(Finding const& f)
{
    nlohmann::json j;
    j["rule"] = f.rule;
    j["severity"] = std::string(severity_name(f.severity));
    j["message"] = f.message;
    j["commit"] = f.location.commit.empty() ? nlohmann::json(nullptr) : nlohmann::json(f.location.commit);
    j["file"] = f.location.file.empty() ? nlohmann::json(nullptr) : nlohmann::json(f.location.file);
    j["line"] = f.location.line;
    j["subject"] = f.location.subject;
    j["fix"] = f.fix ? nlohmann::json(*f.fix) : nlohmann::json(nullptr);
    if (!f.series.empty())
        j["series"] = f.series;
    return j;
}

void write_json(Report const& report, std::ostream& out)
{
    nlohmann::json j;
    j["tool"] = {{"name", "kvmx"}, {"version", report.tool_version}};
    j["profile"] = report.profile;
    j["findings"] = nlohmann::json::array();
    for (auto const& f : report.findings)
        j["findings"].push_back(finding_json(f));
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

void write_sarif(Report const& report, RuleRegistry const& registry, std::ostream& out)
{
    nlohmann::json rules = nlohmann::json::array();
    std::vector<std::string> ids;
    for (auto const& e : registry.entries()) {
        ids.push_back(e.info.id);
        rules.push_back({{"id", e.info.id},
                         {"shortDescription", {{"text", e.info.summary}}},
                         {"helpUri", "docs/rules/" + e.info.id + ".md"},
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
        if (!f.location.commit.empty())
            result["properties"]["commit"] = f.location.commit;
        if (f.fix)
            result["properties"]["suggestedText"] = *f.fix;
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
