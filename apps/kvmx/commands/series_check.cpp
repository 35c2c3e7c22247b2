#include "apps/kvmx/commands/series_check.h"

#include "libreview/mail/mailbox.h"
#include "libreview/series/subject.h"
#include "libreview/source/mail.h"

#include <algorithm>
#include <filesystem>

namespace kvmx {

void set_sender(review::Patch& patch, std::optional<review::Person> const& sender)
{
    if (!sender || patch.sender_known)
        return;
    patch.committer = *sender;
    patch.sender_known = true;
}

std::optional<review::Error> check_series_inputs(review::Engine const& engine, std::vector<std::string> const& inputs,
                                                 review::RepoLookup const* repo, review::Versions versions,
                                                 review::Report& report, review::SkipLog& skips, SeriesRun& run,
                                                 std::optional<review::Person> const& sender)
{
    std::vector<review::Patch> mails;
    for (auto const& input : inputs) {
        auto read = review::source::read_mail_input(input);
        if (!read)
            return read.error();
        run.problems.insert(run.problems.end(), read->problems.begin(), read->problems.end());
        // Random bytes, an image, a text with no headers: no patch to check
        // is an error, or a hook would let anything through.
        bool any_patch = std::any_of(read->mails.begin(), read->mails.end(), [](review::Patch const& m) {
            return m.diff_known || review::series::parse_subject(m.subject).is_patch;
        });
        if (!any_patch) {
            std::string why = read->mails.empty() ? "no mail or patch could be read from it"
                                                  : std::to_string(read->mails.size()) +
                                                        (read->mails.size() == 1 ? " mail" : " mails") +
                                                        " read, none of them a patch";
            if (read->mails.empty() && !read->problems.empty())
                why += " (" + read->problems.front().substr(read->problems.front().find(": ") + 2) + ")";
            return review::make_error("no patch to check: " + why, input, read->mails.empty() ? 1 : 0);
        }
        for (auto& m : read->mails) {
            set_sender(m, sender);
            mails.push_back(std::move(m));
        }
    }
    review::Mailbox box = review::assemble(std::move(mails));
    run.problems.insert(run.problems.end(), box.problems.begin(), box.problems.end());
    auto result = review::check_mailbox(engine, box, repo, skips, versions);
    run.series.insert(run.series.end(), result.series.begin(), result.series.end());
    run.replies += result.replies;
    report.patches += result.patches;
    report.findings.insert(report.findings.end(), std::make_move_iterator(result.findings.begin()),
                           std::make_move_iterator(result.findings.end()));
    for (auto const& p : run.problems)
        report.notes.push_back(p);
    report.by_series = true;
    report.series = run.series;
    report.replies = run.replies;
    return std::nullopt;
}

} // namespace kvmx
