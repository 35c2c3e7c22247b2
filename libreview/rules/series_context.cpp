#include "libreview/rules/series_context.h"

namespace review {

Finding series_finding(Rule const& rule, SeriesContext const& ctx, Posting const* posting, int line,
                       std::string message, Severity severity)
{
    Finding f;
    f.rule = rule.id();
    f.severity = severity;
    f.message = std::move(message);
    if (!posting)
        posting = ctx.series.lead();
    if (posting) {
        f.location.file = posting->patch.file;
        f.location.commit = posting->patch.commit;
        f.location.line = line > 0 ? line : posting->patch.message.title_line;
        f.location.subject = posting->patch.message.title;
    }
    f.series = ctx.series.key;
    return f;
}

} // namespace review
