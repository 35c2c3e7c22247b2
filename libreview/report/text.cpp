#include "libreview/report/text.h"

#include "libreview/report/report.h"

namespace review {

std::string finding_line(Finding const& f)
{
    return f.location.describe() + ": " + std::string(severity_name(f.severity)) + ": " + f.message + " [" + f.rule +
           "]";
}

std::string finding_text(Finding const& f, std::string const& indent)
{
    std::string out = indent + finding_line(f) + "\n";
    if (f.fix)
        out += indent + "    suggested: " + *f.fix + "\n";
    return out;
}

std::string skipped_note(Skipped const& s, std::size_t n)
{
    // A series rule is skipped once per series, a patch rule once per patch.
    bool series_rule = false;
    for (auto const& e : builtin_registry().entries())
        if (e.info.id == s.rule)
            series_rule = e.info.scope == Scope::Series;
    std::string unit = series_rule ? " series" : n == 1 ? " patch" : " patches";
    return "note: " + s.rule + " skipped (" + std::to_string(n) + unit + "): " + s.reason;
}

namespace {

std::string plural(std::size_t n, char const* one, char const* many)
{
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

void write_series(Report const& report, std::ostream& out)
{
    for (auto const& s : report.series) {
        out << "series: " << s.title << " (v" << s.version << ", " << plural(s.patches, "patch", "patches")
            << (s.cover ? " + cover letter" : "") << ")\n";
        if (s.history.size() > 1) {
            out << "  versions:";
            for (auto const& h : s.history)
                out << " " << h << ";";
            out << "\n";
        }
        std::size_t n = 0;
        for (auto const& f : report.findings)
            if (f.series == s.key) {
                out << finding_text(f, "  ");
                ++n;
            }
        if (n == 0)
            out << "  no findings\n";
    }
    for (auto const& f : report.findings)
        if (f.series.empty())
            out << finding_text(f);
}

} // namespace

void write_text(Report const& report, std::ostream& out)
{
    if (report.by_series)
        write_series(report, out);
    else
        for (auto const& f : report.findings)
            out << finding_text(f);
    for (auto const& [s, n] : report.skipped)
        out << skipped_note(s, n) << "\n";
    for (auto const& note : report.notes)
        out << "note: " << note << "\n";
    if (report.replies)
        out << "note: " << plural(report.replies, "reply", "replies") << " kept apart from the series\n";
    if (report.by_series)
        out << report.series.size() << " series, ";
    out << plural(report.patches, "patch", "patches") << " checked: " << report.count(Severity::Error)
        << " errors, " << report.count(Severity::Warning) << " warnings, " << report.count(Severity::Info)
        << " info\n";
}

} // namespace review
