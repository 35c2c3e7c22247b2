#include "libreview/core/text.h"
#include "libreview/rules/registry.h"

namespace review {
namespace {

class ShortlogLength final : public Rule {
public:
    static inline IntOption const Warn{"warn", 75, "longer titles get the rule's severity"};
    static inline IntOption const Error{"error", 80, "longer titles are errors"};

    static RuleInfo describe()
    {
        // The handbook: 75 is "firm-but-not-hard", so running a few
        // characters over with good reason is fine (info); 80 is hard.
        return {"shortlog.length", Severity::Info, Scope::Patch,
                "Keep the shortlog within {warn} characters (firm), {error} (hard)", "Shortlog",
                {Warn.spec(), Error.spec()}, "error above {error}"};
    }
    ShortlogLength(RuleInfo const& info, Severity severity, RuleOptions const& options)
        : Rule(info, severity), m_warn(options.get(Warn)), m_error(options.get(Error))
    {
    }

    void check(PatchContext const& ctx, std::vector<Finding>& out) const override
    {
        std::size_t width = text::display_width(ctx.patch.message.title);
        if (static_cast<long>(width) <= m_warn)
            return;
        bool hard = static_cast<long>(width) > m_error;
        out.push_back(finding(ctx, ctx.patch.message.title_line, hard ? Severity::Error : severity(),
                              "shortlog is " + std::to_string(width) + " characters; keep it within " +
                                  std::to_string(m_warn) +
                                  (hard ? " (hard limit " + std::to_string(m_error) + ")"
                                        : ", or run over only with good reason (hard limit " +
                                              std::to_string(m_error) + ")")));
    }

private:
    long m_warn;
    long m_error;
};

} // namespace

} // namespace review

KVMX_REGISTER_RULE(shortlog_length, ShortlogLength)
