#pragma once
// The queue's read API: what `kvmx queue list` and `kvmx queue show` print,
// as plain structs with a JSON encoding (json.h), so the web view reads the
// same data without knowing the SQL behind it.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace review::queue {

// The states of a series, in the order a maintainer moves through them.
enum class State { New, Reviewing, ChangesRequested, Waiting, Superseded, PartiallyApplied, Applied, Thanked, Archived };
std::string_view state_name(State);
std::optional<State> parse_state(std::string_view);
std::vector<std::string> state_names();

struct TrailerView {
    std::string key;          // Reviewed-by, Acked-by, Tested-by, ...
    std::string value;        // "Name <addr>"
    std::string message_id;   // the reply that gave it
    std::string sender;       // the reply's From address
    bool address_mismatch = false; // value's address differs from the sender's
    bool from_cover = false;  // given to the cover letter, so to every patch
    std::string carried_from; // "v2" when carried over from an older version (same patch-id)
};

struct ReplyView {
    std::string message_id;
    std::string from;
    std::string subject;
    std::int64_t date = 0;
    int to_index = -1;        // patch index it answers (0: cover letter)
    bool bot = false;
    std::vector<TrailerView> trailers;
};

struct FindingView {
    std::string rule;
    std::string severity;
    std::string message;
    std::string where; // "[PATCH 2/3]" or "cover letter"
};

struct PatchView {
    int index = 0;
    std::string subject;
    std::string title;
    std::string message_id;
    std::string author;
    std::int64_t date = 0;
    std::string patch_id;
    std::vector<TrailerView> trailers;
    std::string applied_commit; // full id once `queue applied` matched it
    std::string applied_how;    // patch-id, subject or link
};

struct VersionView {
    std::int64_t posting = 0; // internal id of this posting
    std::string version;      // "1", "3", "5.5"
    bool rfc = false;
    bool resend = false;
    std::string message_id;   // cover letter, or the first patch
    std::int64_t date = 0;
    int patches = 0;          // n of m/n (1 for a single patch)
    int received = 0;         // patches that reached the archive
    bool cover = false;
    std::string title;
    std::string link_reason;  // how it was linked: first, thread, change-id, patch-id, subject, manual
    bool superseded = false;  // a newer version exists
    std::string checked;      // profile the findings come from, or why none ran
    int errors = 0;
    int warnings = 0;
    // show only:
    std::vector<FindingView> findings;
    std::optional<PatchView> cover_letter;
    std::vector<PatchView> patch_list;
    std::vector<ReplyView> replies;
};

// The last `kvmx gate` report imported for a version (`queue gate-result`).
struct GateResultView {
    std::string version;       // the version it ran on ("3")
    std::string status;        // pass or fail (an error finding)
    std::int64_t imported = 0;
    std::string report;        // the report.json, as imported (show only)
    std::string checks;        // per-patch checks in patchwork's shape (show only)
};

struct TrailerCounts {
    int acked = 0;
    int reviewed = 0;
    int tested = 0;
};

struct SeriesView {
    std::int64_t id = 0;
    std::string subject;      // the latest version's title
    std::string author;       // "Name <addr>" of the latest version
    State state = State::New;
    bool fix = false;         // Fixes: or Cc: stable in a patch
    bool newer_version = false; // a version arrived after the state was last set
    std::int64_t first_posted = 0; // v1's date (FIFO key)
    TrailerCounts trailers;   // on the latest version
    int errors = 0;           // findings on the latest version
    int warnings = 0;
    std::vector<VersionView> versions; // oldest first
    std::optional<GateResultView> gate; // the newest imported gate report

    VersionView const& latest() const { return versions.back(); }
};

struct ListFilter {
    std::optional<State> state;
    bool all = false; // include superseded, archived, applied and thanked series
};

} // namespace review::queue
