#pragma once
// kvmx check over mail: mbox files (.gz too), Maildir folders, .eml files
// and directories of format-patch output are read as series and checked
// with the series rules; review::write_text() groups the text by series.

#include "libreview/report/report.h"
#include "libreview/rules/engine.h"
#include "libreview/rules/series_runner.h"

#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace kvmx {

struct SeriesRun {
    std::vector<review::SeriesSummary> series;
    std::vector<std::string> problems; // damaged mails, duplicate ids, ...
    std::size_t replies = 0;
};

// Read every input as mail, assemble series across all of them (so v2.mbox
// and v3.mbox form one history) and check them into `report`. An input that
// holds no patch (not mail at all, or mail without a patch) is an error.
// `sender`, when given, is who sends format-patch output (whose From: is the
// author): the hook's sendemail.from, or check --sender.
std::optional<review::Error> check_series_inputs(review::Engine const&, std::vector<std::string> const& inputs,
                                                 review::RepoLookup const*, review::Versions, review::Report&,
                                                 review::SkipLog&, SeriesRun&,
                                                 std::optional<review::Person> const& sender = std::nullopt);

// Name the sender of format-patch output, whose From: is only the author.
void set_sender(review::Patch&, std::optional<review::Person> const& sender);

} // namespace kvmx
