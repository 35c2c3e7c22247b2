#include "libreview/rules/series_runner.h"

#include "libreview/rules/series_context.h"

#include <ctime>

namespace review {

std::string format_utc(std::int64_t seconds)
{
    if (seconds == 0)
        return "no date";
    std::time_t t = static_cast<std::time_t>(seconds);
    std::tm tm {};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm);
    return buf;
}

namespace {

std::string interval(std::int64_t s)
{
    if (s < 0)
        return "earlier";
    if (s < 3600)
        return "+" + std::to_string(s / 60) + "m";
    if (s < 2 * 86400)
        return "+" + std::to_string(s / 3600) + "h";
    return "+" + std::to_string(s / 86400) + "d";
}

} // namespace

MailboxResult check_mailbox(Engine const& engine, Mailbox const& box, RepoLookup const* repo, SkipLog& skips,
                            Versions versions)
{
    MailboxResult result;
    result.replies = box.replies.size();
    for (auto const& history : box.series) {
        std::vector<std::string> dates;
        for (std::size_t i = 0; i < history.versions.size(); ++i) {
            auto const& v = history.versions[i];
            std::string line = "v" + std::to_string(v.version) + (v.rfc ? " RFC" : "") + " " + format_utc(v.date);
            if (i > 0 && v.date && history.versions[i - 1].date)
                line += " (" + interval(v.date - history.versions[i - 1].date) + ")";
            dates.push_back(line);
        }
        std::size_t first = versions == Versions::All ? 0 : history.versions.size() - 1;
        for (std::size_t i = first; i < history.versions.size(); ++i) {
            Series const& s = history.versions[i];
            SeriesSummary summary{s.key, s.title, s.version, s.patches.size(), s.cover.has_value(), dates};
            result.series.push_back(summary);
            result.patches += s.patches.size();
            SeriesContext ctx{s, {}, engine.topics(), repo, &skips};
            for (std::size_t k = 0; k < i; ++k)
                ctx.previous.push_back(&history.versions[k]);
            std::size_t begin = result.findings.size();
            engine.check_series(ctx, result.findings, skips);
            for (auto const* m : s.mails())
                engine.check_patch(m->patch, repo, result.findings, skips);
            for (auto const& d : s.duplicates)
                engine.check_patch(d.patch, repo, result.findings, skips);
            for (std::size_t k = begin; k < result.findings.size(); ++k)
                result.findings[k].series = s.key;
        }
    }
    return result;
}

} // namespace review
