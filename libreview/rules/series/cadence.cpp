#include "libreview/rules/registry.h"
#include "libreview/rules/series/series_text.h"

namespace review {
namespace {

// Seconds of [from, to) that fall on Saturday or Sunday (UTC).
std::int64_t weekend_seconds(std::int64_t from, std::int64_t to)
{
    std::int64_t total = 0;
    constexpr std::int64_t day = 86400;
    for (std::int64_t t = from; t < to && to - from < 400 * day;) {
        std::int64_t day_start = (t / day) * day;
        std::int64_t next = day_start + day;
        // 1970-01-01 was a Thursday: day index 2 and 3 (mod 7) are Sat and Sun.
        std::int64_t dow = ((t / day) % 7 + 7) % 7;
        if (dow == 2 || dow == 3)
            total += std::min(next, to) - t;
        t = next;
    }
    return total;
}

std::string describe_interval(std::int64_t seconds)
{
    if (seconds < 0)
        return "before";
    if (seconds < 3600)
        return std::to_string(seconds / 60) + " minutes after";
    if (seconds < 2 * 86400)
        return std::to_string(seconds / 3600) + (seconds / 3600 == 1 ? " hour" : " hours") + " after";
    return std::to_string(seconds / 86400) + " days after";
}

class SeriesCadence final : public Rule {
public:
    static inline IntOption const MinHours{"min-hours", 24, "minimum time between version N-1 and N, in hours"};
    static inline BoolOption const SkipWeekends{
        "skip-weekends", true, "do not count Saturday and Sunday (UTC) towards the minimum"};

    static RuleInfo describe()
    {
        return {"series.cadence", Severity::Warning, Scope::Series,
                "Wait at least one business day between versions", "Posting",
                {MinHours.spec(), SkipWeekends.spec()}};
    }
    SeriesCadence(RuleInfo const& info, Severity severity, RuleOptions const& o)
        : Rule(info, severity), m_min_hours(o.get(MinHours)), m_skip_weekends(o.get(SkipWeekends))
    {
    }

    std::optional<std::string> skip_reason(SeriesContext const& ctx) const override
    {
        Series const* prev = ctx.previous_version();
        if (!prev)
            return "no previous version of the series in the input";
        if (prev->date == 0 || ctx.series.date == 0)
            return "a version has no Date: header";
        return std::nullopt;
    }

    void check(SeriesContext const& ctx, std::vector<Finding>& out) const override
    {
        Series const& s = ctx.series;
        Series const& prev = *ctx.previous_version();
        if (s.version == prev.version)
            return; // a RESEND
        std::int64_t elapsed = s.date - prev.date;
        std::int64_t counted = elapsed;
        if (m_skip_weekends && elapsed > 0)
            counted -= weekend_seconds(prev.date, s.date);
        if (counted >= m_min_hours * 3600)
            return;
        out.push_back(series_finding(*this, ctx, nullptr, 0,
                                     "v" + std::to_string(s.version) + " was posted " + describe_interval(elapsed) +
                                         " v" + std::to_string(prev.version) + "; wait at least " +
                                         (m_min_hours == 24 ? std::string("one business day")
                                                            : std::to_string(m_min_hours) + " hours") +
                                         " between versions so reviewers can respond",
                                     severity()));
    }

private:
    long m_min_hours;
    bool m_skip_weekends;
};

} // namespace

} // namespace review

KVMX_REGISTER_RULE(series_cadence, SeriesCadence)
