#pragma once
// Internal to the queue's store (store*.cpp): encodings of the columns that
// hold lists, the dirty flag, and the in-memory snapshot list and show read.

#include "libreview/patch/patch.h"
#include "libreview/queue/identity.h"
#include "libreview/queue/store.h"

#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <vector>

namespace review::queue::detail {

std::string join_lines(std::vector<std::string> const& v, char sep);
std::vector<std::string> split_on(std::string_view s, char sep);
// Follow-up trailers as "key TAB value TAB email" lines.
std::string encode_trailers(std::vector<FollowupTrailer> const& t);
std::vector<FollowupTrailer> decode_trailers(std::string_view s);
// FNV-1a over the sorted ids: the key of a posting's cached findings.
std::string hash_ids(std::vector<std::string> ids);
std::string strip_brackets(std::string_view s);
// The 'dirty' flag: new mail stored, postings not yet rebuilt.
Result<void> set_dirty(Database& db);
Result<bool> dirty(Database& db);
Result<std::size_t> series_count(Database& db);

} // namespace review::queue::detail

namespace review::queue {

struct Queue::Snapshot {
    struct Mail {
        std::int64_t id = 0;
        std::string message_id, subject, title, from_name, from_email, version_label, patch_id, kind, project;
        std::int64_t date = 0;
        int index = 0, total = 0;
        bool rfc = false, resend = false, fix = false;
    };
    struct Reply {
        std::int64_t row = 0, target = 0;
        std::string message_id, from, sender, subject;
        std::int64_t date = 0;
        bool bot = false;
        std::vector<FollowupTrailer> trailers;
    };
    struct Posting {
        std::int64_t id = 0, series = 0, date = 0;
        std::vector<std::int64_t> members;
        bool has_cover = false;
        std::string link_reason, hash;
    };
    struct Series {
        std::int64_t id = 0;
        std::string state, state_version;
        std::vector<Posting> postings;
    };
    std::map<std::int64_t, Series> series;
    std::unordered_map<std::int64_t, Mail> mails;
    std::unordered_map<std::int64_t, std::vector<Reply>> replies_to; // target row -> replies
    std::unordered_map<std::string, std::tuple<std::string, int, int, std::string>> findings;
    std::unordered_map<std::string, std::pair<std::string, std::string>> applied; // message id -> commit, how
    std::unordered_map<std::int64_t, GateResultView> gates; // series id -> newest gate report
};

} // namespace review::queue
