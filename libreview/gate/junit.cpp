#include "libreview/gate/junit.h"

#include "libreview/report/text.h"
#include "libreview/report/xml.h"

#include <cstdio>
#include <map>

namespace review::gate {

namespace {

std::string seconds(double s)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", s);
    return buf;
}

} // namespace

void write_junit(GateRun const& run, std::ostream& out)
{
    // Findings that are not about one step (message checks, selftest order)
    // attach to the commit's "checks" test case.
    std::map<std::string, std::vector<Finding const*>> by_commit;
    auto findings = classify(run);
    for (auto const& f : findings)
        if (!f.rule.starts_with("gate."))
            by_commit[f.location.commit.empty() ? f.location.file : f.location.commit].push_back(&f);

    std::size_t tests = 0, failures = 0, skipped = 0;
    std::string body;
    for (auto const& c : run.commits) {
        std::size_t s_tests = 0, s_failures = 0, s_skipped = 0;
        double s_time = 0;
        std::string cases;
        std::string suite = "[" + std::to_string(c.index + 1) + "/" + std::to_string(run.total) + "] " +
                            (c.source.empty() ? c.commit.substr(0, 12) : c.source) + " " + c.title;
        std::string key = c.source.empty() ? c.commit : c.source;
        {
            ++s_tests;
            cases += "    <testcase classname=\"kvmx.gate.checks\" name=\"checks\" time=\"0\">\n";
            std::string text;
            bool failing = false;
            for (auto const* f : by_commit[key]) {
                text += finding_text(*f);
                failing = failing || f->severity == Severity::Error || f->rule == "series.selftest-order";
            }
            if (failing) {
                ++s_failures;
                cases += "      <failure message=\"message checks or series order\" type=\"checks\">" +
                         xml_escape(text) + "</failure>\n";
            } else if (!text.empty()) {
                cases += "      <system-out>" + xml_escape(text) + "</system-out>\n";
            }
            cases += "    </testcase>\n";
        }
        for (auto const& s : c.steps) {
            ++s_tests;
            s_time += s.seconds;
            cases += "    <testcase classname=\"kvmx.gate." + xml_escape(s.config.empty() ? s.kind : s.config) +
                     "\" name=\"" + xml_escape(s.kind + " " + s.name) + "\" time=\"" + seconds(s.seconds) + "\">\n";
            if (s.status == Status::Fail) {
                if (classify_failure(s, run.baseline_step(s.key())) == Blame::PreExisting) {
                    ++s_skipped;
                    cases += "      <skipped message=\"pre-existing: fails the same way on the base commit\"/>\n";
                } else {
                    ++s_failures;
                    std::string detail;
                    for (auto const& line : s.signature)
                        detail += line + "\n";
                    cases += "      <failure message=\"" + xml_escape("exit " + std::to_string(s.exit_code) + ", " +
                                                                     s.reason + "; log: " + s.log) +
                             "\" type=\"" + xml_escape(s.kind) + "\">" + xml_escape(detail) + "</failure>\n";
                }
            } else if (s.status == Status::Skip) {
                ++s_skipped;
                cases += "      <skipped message=\"" + xml_escape(s.reason) + "\"/>\n";
            }
            if (!s.log.empty() || s.status == Status::Warn)
                cases += "      <system-out>" +
                         xml_escape((s.status == Status::Warn ? "warning: " + s.reason + "; " : std::string()) +
                                    "log: " + s.log) +
                         "</system-out>\n";
            cases += "    </testcase>\n";
        }
        tests += s_tests;
        failures += s_failures;
        skipped += s_skipped;
        body += "  <testsuite name=\"" + xml_escape(suite) + "\" tests=\"" + std::to_string(s_tests) +
                "\" failures=\"" + std::to_string(s_failures) + "\" errors=\"0\" skipped=\"" +
                std::to_string(s_skipped) + "\" time=\"" + seconds(s_time) + "\">\n" + cases + "  </testsuite>\n";
    }
    out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out << "<testsuites name=\"kvmx gate " << xml_escape(run.config) << "\" tests=\"" << tests << "\" failures=\""
        << failures << "\" errors=\"0\" skipped=\"" << skipped << "\" time=\"" << seconds(run.seconds) << "\">\n";
    out << body << "</testsuites>\n";
}

} // namespace review::gate
