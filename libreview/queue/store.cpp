#include "libreview/queue/store.h"

#include "libreview/core/text.h"
#include "libreview/git/inbox.h"
#include "libreview/mail/message.h"
#include "libreview/patch/patch_file.h"
#include "libreview/queue/identity.h"
#include "libreview/queue/ingest.h"
#include "libreview/rules/engine.h"
#include "libreview/rules/profile.h"
#include "libreview/rules/topics.h"
#include "libreview/rules/series_runner.h"
#include "libreview/series/series.h"
#include "libreview/source/mail.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <unordered_map>

namespace review::queue {

namespace fs = std::filesystem;

std::string_view state_name(State s)
{
    switch (s) {
    case State::New: return "new";
    case State::Reviewing: return "reviewing";
    case State::ChangesRequested: return "changes-requested";
    case State::Waiting: return "waiting";
    case State::Superseded: return "superseded";
    case State::PartiallyApplied: return "partially-applied";
    case State::Applied: return "applied";
    case State::Thanked: return "thanked";
    case State::Archived: return "archived";
    }
    return "new";
}

std::vector<std::string> state_names()
{
    std::vector<std::string> out;
    for (int i = 0; i <= static_cast<int>(State::Archived); ++i)
        out.emplace_back(state_name(static_cast<State>(i)));
    return out;
}

std::optional<State> parse_state(std::string_view n)
{
    for (int i = 0; i <= static_cast<int>(State::Archived); ++i)
        if (state_name(static_cast<State>(i)) == n)
            return static_cast<State>(i);
    return std::nullopt;
}

namespace {

constexpr char const* schema_v1 = R"SQL(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE messages(
  id INTEGER PRIMARY KEY,
  message_id TEXT NOT NULL UNIQUE,
  in_reply_to TEXT NOT NULL DEFAULT '',
  refs TEXT NOT NULL DEFAULT '',
  subject TEXT NOT NULL DEFAULT '',
  title TEXT NOT NULL DEFAULT '',
  from_name TEXT NOT NULL DEFAULT '',
  from_email TEXT NOT NULL DEFAULT '',
  date INTEGER NOT NULL DEFAULT 0,
  received INTEGER NOT NULL DEFAULT 0,
  kind TEXT NOT NULL,
  project TEXT NOT NULL DEFAULT '',
  rfc INTEGER NOT NULL DEFAULT 0,
  resend INTEGER NOT NULL DEFAULT 0,
  version_key INTEGER NOT NULL DEFAULT 100,
  version_label TEXT NOT NULL DEFAULT '1',
  idx INTEGER NOT NULL DEFAULT 0,
  total INTEGER NOT NULL DEFAULT 0,
  patch_id TEXT NOT NULL DEFAULT '',
  change_id TEXT NOT NULL DEFAULT '',
  paths TEXT NOT NULL DEFAULT '',
  trailers TEXT NOT NULL DEFAULT '',
  fix INTEGER NOT NULL DEFAULT 0,
  bot INTEGER NOT NULL DEFAULT 0,
  source TEXT NOT NULL DEFAULT '',
  deleted INTEGER NOT NULL DEFAULT 0,
  raw BLOB NOT NULL);
CREATE INDEX messages_kind ON messages(kind);
CREATE TABLE cursors(source TEXT PRIMARY KEY, commit_id TEXT NOT NULL, received INTEGER NOT NULL,
                     subject TEXT NOT NULL, message_id TEXT NOT NULL);
CREATE TABLE series(id INTEGER PRIMARY KEY, state TEXT NOT NULL DEFAULT 'new', state_version TEXT NOT NULL DEFAULT '',
                    merged_into INTEGER, created INTEGER NOT NULL DEFAULT 0);
CREATE TABLE posting_series(lead TEXT PRIMARY KEY, series_id INTEGER NOT NULL);
CREATE TABLE postings(id INTEGER PRIMARY KEY, series_id INTEGER NOT NULL, ordinal INTEGER NOT NULL,
                      lead TEXT NOT NULL, members TEXT NOT NULL, duplicates TEXT NOT NULL, date INTEGER NOT NULL,
                      link_reason TEXT NOT NULL, has_cover INTEGER NOT NULL, members_hash TEXT NOT NULL);
CREATE INDEX postings_series ON postings(series_id);
CREATE TABLE replies(row INTEGER PRIMARY KEY, target INTEGER NOT NULL);
CREATE TABLE links(a TEXT NOT NULL, b TEXT NOT NULL, PRIMARY KEY(a, b));
CREATE TABLE applied(message_id TEXT PRIMARY KEY, commit_id TEXT NOT NULL, branch TEXT NOT NULL, how TEXT NOT NULL,
                     at INTEGER NOT NULL);
CREATE TABLE findings_cache(members_hash TEXT PRIMARY KEY, profile TEXT NOT NULL, errors INTEGER NOT NULL,
                            warnings INTEGER NOT NULL, findings TEXT NOT NULL);
)SQL";

// Migrations: index i takes the schema from version i to i + 1.
std::vector<char const*> const migrations = {schema_v1};

std::string join_lines(std::vector<std::string> const& v, char sep)
{
    std::string out;
    for (auto const& s : v) {
        if (!out.empty())
            out += sep;
        out += s;
    }
    return out;
}

std::vector<std::string> split_on(std::string_view s, char sep)
{
    std::vector<std::string> out;
    while (!s.empty()) {
        std::size_t p = s.find(sep);
        out.emplace_back(s.substr(0, p));
        if (p == std::string_view::npos)
            break;
        s.remove_prefix(p + 1);
    }
    return out;
}

std::string encode_trailers(std::vector<FollowupTrailer> const& t)
{
    std::string out;
    for (auto const& x : t) {
        std::string v = x.value;
        std::replace(v.begin(), v.end(), '\t', ' ');
        out += x.key + "\t" + v + "\t" + x.email + "\n";
    }
    return out;
}

std::vector<FollowupTrailer> decode_trailers(std::string_view s)
{
    std::vector<FollowupTrailer> out;
    for (auto const& line : split_on(s, '\n')) {
        auto parts = split_on(line, '\t');
        if (parts.size() == 3)
            out.push_back({parts[0], parts[1], parts[2]});
    }
    return out;
}

std::string hash_ids(std::vector<std::string> ids)
{
    std::sort(ids.begin(), ids.end());
    std::uint64_t h = 14695981039346656037ull;
    for (auto const& id : ids) {
        for (unsigned char c : id) {
            h ^= c;
            h *= 1099511628211ull;
        }
        h ^= 0xff;
        h *= 1099511628211ull;
    }
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
}

std::string strip_brackets(std::string_view s)
{
    s = text::trim(s);
    if (s.size() >= 2 && s.front() == '<' && s.back() == '>')
        s = s.substr(1, s.size() - 2);
    return std::string(s);
}

struct Inserter {
    Database& db;
    Statement insert;
    Statement mark_deleted;
    SyncReport& report;

    Result<void> add(std::string_view raw, std::string const& source, int line, std::int64_t received)
    {
        ++report.read;
        std::vector<std::string> problems;
        auto meta = read_meta(raw, source, line, &problems);
        if (!meta) {
            ++report.skipped;
            if (report.problems.size() < 1000)
                report.problems.push_back(meta.error().describe() + " (mail skipped)");
            return {};
        }
        auto const& m = *meta;
        std::vector<std::string> refs = m.references;
        insert.bind(1, m.message_id)
            .bind(2, m.in_reply_to)
            .bind(3, join_lines(refs, ' '))
            .bind(4, m.subject)
            .bind(5, m.title)
            .bind(6, m.from_name)
            .bind(7, m.from_email)
            .bind(8, m.date)
            .bind(9, received ? received : m.date)
            .bind(10, kind_name(m.kind))
            .bind(11, m.project)
            .bind(12, m.rfc ? 1 : 0)
            .bind(13, m.resend ? 1 : 0)
            .bind(14, m.version.key)
            .bind(15, m.version.label)
            .bind(16, m.index)
            .bind(17, m.total)
            .bind(18, m.patch_id)
            .bind(19, m.change_id)
            .bind(20, join_lines(m.paths, '\n'))
            .bind(21, encode_trailers(m.trailers))
            .bind(22, m.fix ? 1 : 0)
            .bind(23, m.bot ? 1 : 0)
            .bind(24, source)
            .bind(25, raw);
        TRY_VOID(insert.run());
        if (db.changes() == 0)
            ++report.duplicates;
        else
            ++report.added;
        return {};
    }

    Result<void> remove(std::string_view raw, std::string const& source)
    {
        auto meta = read_meta(raw, source, 1);
        if (!meta)
            return {};
        TRY_VOID(mark_deleted.bind(1, meta->message_id).run());
        if (db.changes() > 0)
            ++report.deleted;
        return {};
    }
};

Result<Inserter> make_inserter(Database& db, SyncReport& report)
{
    auto insert = TRY(db.prepare(
        "INSERT OR IGNORE INTO messages(message_id, in_reply_to, refs, subject, title, from_name, from_email, date, "
        "received, kind, project, rfc, resend, version_key, version_label, idx, total, patch_id, change_id, paths, "
        "trailers, fix, bot, source, raw) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, "
        "?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25)"));
    auto del = TRY(db.prepare("UPDATE messages SET deleted = 1 WHERE message_id = ?1 AND deleted = 0"));
    return Inserter{db, std::move(insert), std::move(del), report};
}

Result<void> set_dirty(Database& db)
{
    return db.exec("INSERT OR REPLACE INTO meta(key, value) VALUES('dirty', '1')");
}

Result<bool> dirty(Database& db)
{
    auto st = TRY(db.prepare("SELECT 1 FROM meta WHERE key = 'dirty'"));
    return st.step();
}

Result<std::size_t> series_count(Database& db)
{
    auto st = TRY(db.prepare("SELECT count(DISTINCT series_id) FROM postings"));
    (void)TRY(st.step());
    return static_cast<std::size_t>(st.integer(0));
}

std::string message_id_of_raw(std::string const& raw)
{
    auto meta = read_meta(raw, "inbox", 1);
    return meta ? meta->message_id : std::string();
}

} // namespace

std::string Queue::default_path()
{
    char const* xdg = std::getenv("XDG_DATA_HOME");
    fs::path base;
    if (xdg && *xdg)
        base = xdg;
    else if (char const* home = std::getenv("HOME"); home && *home)
        base = fs::path(home) / ".local" / "share";
    else
        base = ".";
    return (base / "kvmx" / "queue.sqlite").string();
}

Result<Queue> Queue::open(std::string const& path)
{
    std::error_code ec;
    fs::path parent = fs::path(path).parent_path();
    if (!parent.empty() && !fs::exists(parent, ec))
        fs::create_directories(parent, ec);
    Queue q(TRY(Database::open(path)));
    TRY_VOID(q.migrate());
    return q;
}

Result<void> Queue::migrate()
{
    // Reading the version proves the file is a database (a corrupt or
    // foreign file fails here, before anything is written).
    TRY_VOID(m_db.exec("CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)"));
    auto st = TRY(m_db.prepare("SELECT value FROM meta WHERE key = 'schema_version'"));
    int current = 0;
    if (TRY(st.step()))
        current = static_cast<int>(std::strtol(st.text(0).c_str(), nullptr, 10));
    st.reset();
    if (current > schema_version)
        return make_error("the queue database has schema version " + std::to_string(current) +
                              ", newer than this kvmx knows (" + std::to_string(schema_version) + ")",
                          m_db.path());
    if (current == schema_version)
        return {};
    auto tx = TRY(m_db.begin());
    for (int v = current; v < schema_version; ++v) {
        std::string sql = migrations[static_cast<std::size_t>(v)];
        if (v == 0) // meta already exists
            sql.erase(0, sql.find(';') + 1);
        TRY_VOID(m_db.exec(sql));
    }
    TRY_VOID(m_db.exec("INSERT OR REPLACE INTO meta(key, value) VALUES('schema_version', '" +
                       std::to_string(schema_version) + "')"));
    return tx.commit();
}

Result<std::optional<std::string>> Queue::cursor(std::string const& source)
{
    auto st = TRY(m_db.prepare("SELECT commit_id FROM cursors WHERE source = ?1"));
    st.bind(1, source);
    if (TRY(st.step()))
        return std::optional<std::string>(st.text(0));
    return std::optional<std::string>();
}

Result<SyncReport> Queue::sync_path(std::string const& path, SyncOptions const& opts)
{
    SyncReport report;
    std::error_code ec;
    if (!fs::exists(path, ec))
        return make_error("no such file or directory", path);
    bool inbox = fs::is_directory(fs::path(path) / "git", ec) || fs::exists(fs::path(path) / "HEAD", ec) ||
                 fs::is_directory(fs::path(path) / ".git", ec);
    if (!inbox) {
        std::vector<mail::RawMail> raws;
        std::vector<std::string> files;
        if (fs::is_directory(path, ec)) {
            for (char const* sub : {"cur", "new", ""}) {
                fs::path dir = *sub ? fs::path(path) / sub : fs::path(path);
                if (!fs::is_directory(dir, ec))
                    continue;
                std::vector<std::string> here;
                for (auto const& e : fs::directory_iterator(dir, ec))
                    if (e.is_regular_file(ec) && e.path().filename().string()[0] != '.')
                        here.push_back(e.path().string());
                std::sort(here.begin(), here.end());
                files.insert(files.end(), here.begin(), here.end());
                if (*sub && !here.empty() && std::string(sub) == "new")
                    break;
            }
        } else {
            files.push_back(path);
        }
        if (files.empty())
            return make_error("no mails: expected a public-inbox archive, a Maildir (cur/, new/), mail files or an mbox",
                              path);
        for (auto const& f : files) {
            auto data = TRY(read_file_bounded(f, mail::max_mailbox_size));
            if (data.size() >= 2 && static_cast<unsigned char>(data[0]) == 0x1f &&
                static_cast<unsigned char>(data[1]) == 0x8b)
                data = TRY(mail::gunzip(data, f));
            auto more = mail::split_mbox(data, f);
            for (auto& m : more)
                raws.push_back(std::move(m));
            if (raws.size() > mail::max_mails)
                return make_error("more than " + std::to_string(mail::max_mails) + " mails in one input", path);
        }
        return sync_raw(raws, opts);
    }

    auto epochs = TRY(git::inbox_epochs(path));
    for (auto const& epoch : epochs) {
        auto box = TRY(git::Inbox::open(epoch));
        std::string source = "inbox:" + fs::weakly_canonical(epoch, ec).string();
        git::InboxCursor cursor;
        if (!opts.rescan) {
            auto st = TRY(m_db.prepare("SELECT commit_id, received, subject, message_id FROM cursors WHERE source = ?1"));
            st.bind(1, source);
            if (TRY(st.step()))
                cursor = {st.text(0), st.integer(1), st.text(2), st.text(3)};
        }
        auto walk = TRY(box.pending(cursor, message_id_of_raw));
        report.recovered = report.recovered || walk.recovered;
        std::size_t n = walk.commits.size();
        if (opts.limit && n > opts.limit)
            n = opts.limit;
        std::size_t batch = std::max<std::size_t>(1, opts.batch);
        for (std::size_t begin = 0; begin < n; begin += batch) {
            std::size_t end = std::min(n, begin + batch);
            // Read the batch before taking the write lock: a corrupt object
            // fails here and leaves the queue as it was.
            std::vector<git::InboxEntry> entries;
            for (std::size_t i = begin; i < end; ++i)
                entries.push_back(TRY(box.read(walk.commits[i])));
            auto tx = TRY(m_db.begin());
            auto ins = TRY(make_inserter(m_db, report));
            std::size_t changed = report.added + report.deleted;
            for (auto const& e : entries) {
                if (e.too_large) {
                    ++report.skipped;
                    report.problems.push_back(epoch + ": commit " + e.commit.substr(0, 12) + ": message larger than " +
                                              std::to_string(git::max_inbox_message >> 20) + " MiB skipped");
                    continue;
                }
                if (e.raw.empty())
                    continue;
                if (e.deleted)
                    TRY_VOID(ins.remove(e.raw, epoch));
                else
                    TRY_VOID(ins.add(e.raw, epoch + "@" + e.commit.substr(0, 12), 1, e.received));
            }
            auto const& last = entries.back();
            auto cur = TRY(m_db.prepare("INSERT OR REPLACE INTO cursors(source, commit_id, received, subject, "
                                        "message_id) VALUES(?1, ?2, ?3, ?4, ?5)"));
            TRY_VOID(cur.bind(1, source)
                         .bind(2, last.commit)
                         .bind(3, last.received)
                         .bind(4, last.subject)
                         .bind(5, message_id_of_raw(last.raw))
                         .run());
            if (report.added + report.deleted != changed)
                TRY_VOID(set_dirty(m_db));
            TRY_VOID(tx.commit());
        }
    }
    if (report.added || report.deleted || TRY(dirty(m_db)))
        TRY_VOID(rebuild(opts, report));
    else
        report.series = TRY(series_count(m_db));
    return report;
}

Result<SyncReport> Queue::sync_raw(std::vector<mail::RawMail> const& raws, SyncOptions const& opts,
                                   std::optional<std::pair<std::string, std::string>> cursor)
{
    SyncReport report;
    std::size_t batch = std::max<std::size_t>(1, opts.batch);
    std::size_t n = opts.limit ? std::min(opts.limit, raws.size()) : raws.size();
    for (std::size_t begin = 0; begin < n || (begin == 0 && cursor); begin += batch) {
        std::size_t end = std::min(n, begin + batch);
        auto tx = TRY(m_db.begin());
        auto ins = TRY(make_inserter(m_db, report));
        std::size_t changed = report.added + report.deleted;
        for (std::size_t i = begin; i < end; ++i)
            TRY_VOID(ins.add(raws[i].text, raws[i].source, raws[i].line, 0));
        if (end >= n && cursor) {
            auto cur = TRY(m_db.prepare("INSERT OR REPLACE INTO cursors(source, commit_id, received, subject, "
                                        "message_id) VALUES(?1, ?2, 0, '', '')"));
            TRY_VOID(cur.bind(1, cursor->first).bind(2, cursor->second).run());
        }
        if (report.added + report.deleted != changed)
            TRY_VOID(set_dirty(m_db));
        TRY_VOID(tx.commit());
        if (end >= n)
            break;
    }
    if (report.added || report.deleted || TRY(dirty(m_db)))
        TRY_VOID(rebuild(opts, report));
    else
        report.series = TRY(series_count(m_db));
    return report;
}

// ---------------------------------------------------------------------------
// Rebuild: group every mail into postings and series, keep series ids
// stable through the leads of their postings, and check new postings.

namespace {

struct Loaded {
    std::vector<std::int64_t> ids;
    std::vector<MailMeta> metas;
};

Result<Loaded> load_metas(Database& db)
{
    Loaded l;
    auto st = TRY(db.prepare("SELECT id, message_id, in_reply_to, refs, title, from_email, date, kind, project, rfc, "
                             "resend, version_key, version_label, idx, total, patch_id, change_id, from_name "
                             "FROM messages WHERE deleted = 0 ORDER BY id"));
    while (TRY(st.step())) {
        MailMeta m;
        l.ids.push_back(st.integer(0));
        m.message_id = st.text(1);
        m.in_reply_to = st.text(2);
        std::string refs = st.text(3);
        if (!refs.empty())
            m.references = split_on(refs, ' ');
        m.title = st.text(4);
        m.from_email = st.text(5);
        m.date = st.integer(6);
        m.kind = kind_from_name(st.text(7));
        m.project = st.text(8);
        m.rfc = st.integer(9) != 0;
        m.resend = st.integer(10) != 0;
        m.version.key = static_cast<int>(st.integer(11));
        m.version.label = st.text(12);
        m.index = static_cast<int>(st.integer(13));
        m.total = static_cast<int>(st.integer(14));
        m.patch_id = st.text(15);
        m.change_id = st.text(16);
        m.from_name = st.text(17);
        l.metas.push_back(std::move(m));
    }
    return l;
}

// Findings of one posting, by the profile its paths belong to.
struct Checker {
    std::string forced;
    std::map<std::string, std::optional<Engine>> engines;

    Engine const* engine(std::string const& name)
    {
        auto it = engines.find(name);
        if (it != engines.end())
            return it->second ? &*it->second : nullptr;
        auto const& registry = builtin_registry();
        auto opts = registry.load_options();
        Result<Profile> profile = builtin_profile_text(name) ? load_builtin_profile(name, opts)
                                                             : load_profile_file(name, opts);
        std::optional<Engine> e;
        if (profile) {
            auto created = Engine::create(std::move(*profile), registry);
            if (created)
                e.emplace(std::move(*created));
        }
        auto& slot = engines[name];
        slot = std::move(e);
        return slot ? &*slot : nullptr;
    }

    std::string choose(std::string const& project, std::vector<std::string> const& paths)
    {
        if (!forced.empty())
            return forced;
        if (text::icontains(project, "kvm-unit-tests"))
            return "kvm-unit-tests";
        Engine const* kvm = engine("kvm-x86");
        if (!kvm)
            return {};
        for (auto const& p : paths)
            if (kvm->topics().is_subsystem_path(p) || kvm->topics().is_guest_path(p))
                return "kvm-x86";
        return {};
    }
};

} // namespace

Result<void> Queue::rebuild(SyncOptions const& opts, SyncReport& report)
{
    auto tx = TRY(m_db.begin());
    auto loaded = TRY(load_metas(m_db));
    std::vector<std::pair<std::string, std::string>> manual;
    {
        auto st = TRY(m_db.prepare("SELECT a, b FROM links"));
        while (TRY(st.step()))
            manual.emplace_back(st.text(0), st.text(1));
    }
    Grouping g = group_mails(loaded.metas, manual);
    auto const& metas = loaded.metas;

    // Series ids: reuse the id an earlier rebuild gave any lead of the series.
    std::unordered_map<std::string, std::int64_t> known;
    {
        auto st = TRY(m_db.prepare("SELECT lead, series_id FROM posting_series"));
        while (TRY(st.step()))
            known.emplace(st.text(0), st.integer(1));
    }
    std::map<std::int64_t, std::pair<std::string, std::string>> states; // id -> state, state_version
    std::map<std::int64_t, std::int64_t> merged;
    {
        auto st = TRY(m_db.prepare("SELECT id, state, state_version, merged_into FROM series"));
        while (TRY(st.step())) {
            states[st.integer(0)] = {st.text(1), st.text(2)};
            if (!st.is_null(3))
                merged[st.integer(0)] = st.integer(3);
        }
    }
    TRY_VOID(m_db.exec("DELETE FROM postings; DELETE FROM replies;"));
    auto new_series = TRY(m_db.prepare("INSERT INTO series(state, state_version, created) VALUES('new', '', ?1)"));
    auto merge_series =
        TRY(m_db.prepare("UPDATE series SET merged_into = ?2, state = 'superseded' WHERE id = ?1"));
    auto unmerge = TRY(m_db.prepare("UPDATE series SET merged_into = NULL WHERE id = ?1"));
    auto reset_state = TRY(m_db.prepare("UPDATE series SET state = 'new' WHERE id = ?1"));
    auto put_lead = TRY(m_db.prepare("INSERT OR REPLACE INTO posting_series(lead, series_id) VALUES(?1, ?2)"));
    auto put_posting = TRY(m_db.prepare(
        "INSERT INTO postings(series_id, ordinal, lead, members, duplicates, date, link_reason, has_cover, "
        "members_hash) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"));
    auto cached = TRY(m_db.prepare("SELECT 1 FROM findings_cache WHERE members_hash = ?1"));
    auto put_findings = TRY(m_db.prepare("INSERT OR REPLACE INTO findings_cache(members_hash, profile, errors, "
                                         "warnings, findings) VALUES(?1, ?2, ?3, ?4, ?5)"));
    auto raw_of = TRY(m_db.prepare("SELECT raw, source, paths FROM messages WHERE id = ?1"));
    Checker checker{opts.profile, {}};

    for (auto const& s : g.series) {
        std::set<std::int64_t> ids;
        for (auto pi : s.postings)
            if (auto it = known.find(metas[g.postings[pi].lead].message_id); it != known.end()) {
                std::int64_t id = it->second;
                for (int hop = 0; hop < 16 && merged.count(id); ++hop)
                    id = merged[id];
                ids.insert(id);
            }
        std::int64_t id;
        if (ids.empty()) {
            TRY_VOID(new_series.bind(1, g.postings[s.postings.front()].date).run());
            id = m_db.last_insert_id();
            states[id] = {"new", ""};
        } else {
            id = *ids.begin();
            for (auto other : ids)
                if (other != id)
                    TRY_VOID(merge_series.bind(1, other).bind(2, id).run());
            if (merged.count(id))
                TRY_VOID(unmerge.bind(1, id).run());
        }
        // A newer version resets "changes requested" and "waiting".
        auto const& last_lead = metas[g.postings[s.postings.back()].lead];
        auto const& st = states[id];
        if ((st.first == "changes-requested" || st.first == "waiting") && !st.second.empty() &&
            st.second != last_lead.version.label + (last_lead.rfc ? "rfc" : ""))
            TRY_VOID(reset_state.bind(1, id).run());
        int ordinal = 0;
        std::vector<std::string> history_ids;
        // One posting as the series model sees it, for the rules.
        auto build_series = [&](std::size_t pi) -> Result<Series> {
            auto const& p = g.postings[pi];
            auto const& lead = metas[p.lead];
            Series out;
            out.version = std::max(1, lead.version.key / 100);
            out.rfc = lead.rfc;
            out.project = lead.project;
            out.total = lead.total;
            out.date = p.date;
            for (auto r : p.mails) {
                raw_of.bind(1, loaded.ids[r]);
                bool found = TRY(raw_of.step());
                std::string raw = found ? raw_of.text(0) : std::string();
                raw_of.reset();
                // Findings name the mail by its Message-ID: "<id>:LINE" within that mail.
                auto patch = review::source::mail_to_patch(raw, "<" + metas[r].message_id + ">", 1);
                if (!patch)
                    continue;
                Posting posting = make_posting(std::move(*patch));
                if (metas[r].kind == Kind::Cover)
                    out.cover = std::move(posting);
                else
                    out.patches.push_back(std::move(posting));
            }
            out.title = out.cover ? out.cover->tags.title : out.patches.empty() ? lead.title : out.patches.front().tags.title;
            out.key = out.title + " v" + lead.version.label;
            return out;
        };
        for (auto pi : s.postings) {
            auto const& p = g.postings[pi];
            std::vector<std::string> members, dups, member_ids;
            for (auto r : p.mails) {
                members.push_back(std::to_string(loaded.ids[r]));
                member_ids.push_back(metas[r].message_id);
            }
            for (auto r : p.duplicates)
                dups.push_back(std::to_string(loaded.ids[r]));
            // Findings depend on the versions before this one too.
            for (auto const& id : member_ids)
                history_ids.push_back("v" + std::to_string(ordinal) + ":" + id);
            std::string hash = hash_ids(history_ids) + (opts.profile.empty() ? "" : ":" + opts.profile);
            TRY_VOID(put_lead.bind(1, metas[p.lead].message_id).bind(2, id).run());
            TRY_VOID(put_posting.bind(1, id)
                         .bind(2, ordinal++)
                         .bind(3, metas[p.lead].message_id)
                         .bind(4, join_lines(members, ','))
                         .bind(5, join_lines(dups, ','))
                         .bind(6, p.date)
                         .bind(7, p.link_reason)
                         .bind(8, p.has_cover ? 1 : 0)
                         .bind(9, hash)
                         .run());
            cached.bind(1, hash);
            bool have = TRY(cached.step());
            cached.reset();
            if (have)
                continue;
            // Check the posting with the versions before it as history.
            std::vector<std::string> paths;
            for (auto r : p.mails) {
                raw_of.bind(1, loaded.ids[r]);
                if (TRY(raw_of.step()))
                    for (auto const& path : split_on(raw_of.text(2), '\n'))
                        paths.push_back(path);
                raw_of.reset();
            }
            std::string profile = checker.choose(metas[p.lead].project, paths);
            Engine const* engine = profile.empty() ? nullptr : checker.engine(profile);
            int errors = 0, warnings = 0;
            nlohmann::json list = nlohmann::json::array();
            std::string checked = profile.empty() ? "not checked: no profile for its paths" : profile;
            if (engine) {
                Mailbox box;
                SeriesHistory history;
                for (std::size_t k = 0; k <= static_cast<std::size_t>(ordinal - 1); ++k)
                    history.versions.push_back(TRY(build_series(s.postings[k])));
                box.series.push_back(std::move(history));
                SkipLog skips;
                auto result = check_mailbox(*engine, box, nullptr, skips, Versions::Latest);
                // A list archive holds what was sent to that list: a partial
                // posting is normal there, and shown as received/total.
                std::size_t received = 0;
                for (auto r : p.mails)
                    received += metas[r].kind == Kind::Patch;
                bool partial = metas[p.lead].total > 0 && received < static_cast<std::size_t>(metas[p.lead].total);
                for (auto const& f : result.findings) {
                    if (partial && f.rule == "series.numbering")
                        continue;
                    errors += f.severity == Severity::Error;
                    warnings += f.severity == Severity::Warning;
                    if (list.size() < 500)
                        list.push_back({{"rule", f.rule},
                                        {"severity", std::string(severity_name(f.severity))},
                                        {"message", f.message},
                                        {"where", f.location.describe()}});
                }
                ++report.checked;
            } else if (!profile.empty()) {
                checked = "not checked: profile " + profile + " cannot be loaded";
            }
            TRY_VOID(put_findings.bind(1, hash)
                         .bind(2, checked)
                         .bind(3, errors)
                         .bind(4, warnings)
                         .bind(5, list.dump())
                         .run());
        }
    }
    auto put_reply = TRY(m_db.prepare("INSERT INTO replies(row, target) VALUES(?1, ?2)"));
    for (auto const& [row, target] : g.reply_target)
        TRY_VOID(put_reply.bind(1, loaded.ids[row]).bind(2, loaded.ids[target]).run());
    TRY_VOID(m_db.exec("DELETE FROM meta WHERE key = 'dirty'"));
    report.series = g.series.size();
    return tx.commit();
}

// ---------------------------------------------------------------------------
// Reading.

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
};

Result<Queue::Snapshot> Queue::load(std::optional<std::int64_t> only)
{
    Snapshot snap;
    {
        auto st = TRY(m_db.prepare("SELECT id, state, state_version FROM series WHERE merged_into IS NULL" +
                                   std::string(only ? " AND id = ?1" : "")));
        if (only)
            st.bind(1, *only);
        while (TRY(st.step()))
            snap.series[st.integer(0)] = {st.integer(0), st.text(1), st.text(2), {}};
    }
    {
        auto st = TRY(m_db.prepare("SELECT id, series_id, date, members, has_cover, link_reason, members_hash FROM "
                                   "postings" + std::string(only ? " WHERE series_id = ?1" : "") +
                                   " ORDER BY series_id, ordinal"));
        if (only)
            st.bind(1, *only);
        while (TRY(st.step())) {
            Snapshot::Posting p;
            p.id = st.integer(0);
            p.series = st.integer(1);
            p.date = st.integer(2);
            for (auto const& m : split_on(st.text(3), ','))
                p.members.push_back(std::strtoll(m.c_str(), nullptr, 10));
            p.has_cover = st.integer(4) != 0;
            p.link_reason = st.text(5);
            p.hash = st.text(6);
            auto it = snap.series.find(p.series);
            if (it != snap.series.end())
                it->second.postings.push_back(std::move(p));
        }
    }
    std::set<std::int64_t> wanted;
    for (auto const& [id, s] : snap.series)
        for (auto const& p : s.postings)
            wanted.insert(p.members.begin(), p.members.end());
    {
        auto st = TRY(m_db.prepare("SELECT id, message_id, subject, title, from_name, from_email, version_label, "
                                   "patch_id, kind, date, idx, total, rfc, resend, fix, project FROM messages WHERE "
                                   "kind IN ('patch', 'cover') AND deleted = 0"));
        while (TRY(st.step())) {
            std::int64_t id = st.integer(0);
            if (only && !wanted.count(id))
                continue;
            Snapshot::Mail m;
            m.id = id;
            m.message_id = st.text(1);
            m.subject = st.text(2);
            m.title = st.text(3);
            m.from_name = st.text(4);
            m.from_email = st.text(5);
            m.version_label = st.text(6);
            m.patch_id = st.text(7);
            m.kind = st.text(8);
            m.date = st.integer(9);
            m.index = static_cast<int>(st.integer(10));
            m.total = static_cast<int>(st.integer(11));
            m.rfc = st.integer(12) != 0;
            m.resend = st.integer(13) != 0;
            m.fix = st.integer(14) != 0;
            m.project = st.text(15);
            snap.mails.emplace(id, std::move(m));
        }
    }
    {
        // Every reply for show; only those with trailers for list.
        auto st = TRY(m_db.prepare(std::string("SELECT r.row, r.target, m.message_id, m.from_name, m.from_email, "
                                               "m.subject, m.date, m.bot, m.trailers FROM replies r JOIN messages m ON "
                                               "m.id = r.row WHERE m.deleted = 0") +
                                   (only ? "" : " AND m.trailers != ''")));
        while (TRY(st.step())) {
            Snapshot::Reply r;
            r.row = st.integer(0);
            r.target = st.integer(1);
            if (only && !wanted.count(r.target))
                continue;
            r.message_id = st.text(2);
            Person p{st.text(3), st.text(4)};
            r.from = p.describe();
            r.subject = st.text(5);
            r.date = st.integer(6);
            r.bot = st.integer(7) != 0;
            r.sender = p.email;
            r.trailers = decode_trailers(st.text(8));
            snap.replies_to[r.target].push_back(std::move(r));
        }
    }
    {
        auto st = TRY(m_db.prepare("SELECT members_hash, profile, errors, warnings, findings FROM findings_cache"));
        std::set<std::string> hashes;
        for (auto const& [id, s] : snap.series)
            for (auto const& p : s.postings)
                hashes.insert(p.hash);
        while (TRY(st.step())) {
            std::string h = st.text(0);
            if (!hashes.count(h))
                continue;
            snap.findings.emplace(h, std::make_tuple(st.text(1), static_cast<int>(st.integer(2)),
                                                     static_cast<int>(st.integer(3)),
                                                     only ? st.text(4) : std::string()));
        }
    }
    {
        auto st = TRY(m_db.prepare("SELECT message_id, commit_id, how FROM applied"));
        while (TRY(st.step()))
            snap.applied[st.text(0)] = {st.text(1), st.text(2)};
    }
    return snap;
}

namespace {

using Snap = Queue::Snapshot;

std::string email_of(std::string const& from)
{
    Person p = parse_person(from);
    return text::to_lower(p.email);
}

// Trailers of one mail: direct replies, and replies to the cover letter.
void add_trailers(Snap const& snap, std::int64_t row, bool from_cover, std::string const& carried,
                  std::vector<TrailerView>& out)
{
    auto it = snap.replies_to.find(row);
    if (it == snap.replies_to.end())
        return;
    for (auto const& r : it->second)
        for (auto const& t : r.trailers) {
            bool dup = std::any_of(out.begin(), out.end(), [&](TrailerView const& x) {
                return text::iequals(x.key, t.key) && text::iequals(x.value, t.value);
            });
            if (dup)
                continue;
            TrailerView v;
            v.key = t.key;
            v.value = t.value;
            v.message_id = r.message_id;
            v.sender = r.sender;
            v.address_mismatch = !r.sender.empty() && t.email != r.sender;
            v.from_cover = from_cover;
            v.carried_from = carried;
            out.push_back(std::move(v));
        }
}

std::string s_version_label(Snap const& snap, Snap::Posting const& p)
{
    for (auto row : p.members)
        if (auto it = snap.mails.find(row); it != snap.mails.end())
            return it->second.version_label;
    return "1";
}

PatchView patch_view(Snap::Mail const& m)
{
    PatchView p;
    p.index = m.index;
    p.subject = m.subject;
    p.title = m.title;
    p.message_id = m.message_id;
    p.author = Person{m.from_name, m.from_email}.describe();
    p.date = m.date;
    p.patch_id = m.patch_id;
    return p;
}

SeriesView build_series_view(Snap const& snap, Snap::Series const& s, bool detail)
{
    SeriesView v;
    v.id = s.id;
    v.state = parse_state(s.state).value_or(State::New);
    // Versions, with the trailers of each patch (carried over by patch-id).
    std::vector<std::vector<PatchView>> per_version;
    for (std::size_t k = 0; k < s.postings.size(); ++k) {
        auto const& p = s.postings[k];
        VersionView ver;
        ver.posting = p.id;
        ver.date = p.date;
        ver.link_reason = p.link_reason;
        ver.cover = p.has_cover;
        std::optional<std::int64_t> cover_row;
        std::vector<PatchView> patches;
        for (auto row : p.members) {
            auto it = snap.mails.find(row);
            if (it == snap.mails.end())
                continue;
            auto const& m = it->second;
            if (ver.message_id.empty()) {
                ver.message_id = m.message_id;
                ver.version = m.version_label;
                ver.rfc = m.rfc;
                ver.resend = m.resend;
                ver.title = m.title;
                ver.patches = std::max(1, m.total);
                if (v.author.empty() || k + 1 == s.postings.size())
                    v.author = Person{m.from_name, m.from_email}.describe();
            }
            if (m.kind == "cover") {
                cover_row = row;
                if (detail)
                    ver.cover_letter = patch_view(m);
                continue;
            }
            v.fix = v.fix || (k + 1 == s.postings.size() && m.fix);
            PatchView pv = patch_view(m);
            add_trailers(snap, row, false, "", pv.trailers);
            if (cover_row)
                add_trailers(snap, *cover_row, true, "", pv.trailers);
            // Carried over from older versions when the patch-id matches.
            for (std::size_t j = 0; j < per_version.size() && !m.patch_id.empty(); ++j)
                for (auto const& old : per_version[j])
                    if (old.patch_id == m.patch_id)
                        for (auto const& t : old.trailers) {
                            bool dup = std::any_of(pv.trailers.begin(), pv.trailers.end(), [&](auto const& x) {
                                return text::iequals(x.key, t.key) && text::iequals(x.value, t.value);
                            });
                            if (!dup) {
                                TrailerView c = t;
                                if (c.carried_from.empty())
                                    c.carried_from = "v" + s_version_label(snap, s.postings[j]);
                                pv.trailers.push_back(std::move(c));
                            }
                        }
            if (auto a = snap.applied.find(m.message_id); a != snap.applied.end()) {
                pv.applied_commit = a->second.first;
                pv.applied_how = a->second.second;
            }
            patches.push_back(std::move(pv));
        }
        ver.received = static_cast<int>(patches.size());
        if (ver.patches < ver.received)
            ver.patches = ver.received;
        if (auto f = snap.findings.find(p.hash); f != snap.findings.end()) {
            ver.checked = std::get<0>(f->second);
            ver.errors = std::get<1>(f->second);
            ver.warnings = std::get<2>(f->second);
            if (detail && !std::get<3>(f->second).empty()) {
                auto j = nlohmann::json::parse(std::get<3>(f->second), nullptr, false);
                if (j.is_array())
                    for (auto const& x : j)
                        ver.findings.push_back({x.value("rule", ""), x.value("severity", ""), x.value("message", ""),
                                                x.value("where", "")});
            }
        }
        if (detail) {
            auto add_replies = [&](std::int64_t row, int index) {
                auto it = snap.replies_to.find(row);
                if (it == snap.replies_to.end())
                    return;
                for (auto const& r : it->second) {
                    ReplyView rv{r.message_id, r.from, r.subject, r.date, index, r.bot, {}};
                    for (auto const& t : r.trailers)
                        rv.trailers.push_back({t.key, t.value, r.message_id, r.sender, t.email != r.sender,
                                               index == 0, ""});
                    ver.replies.push_back(std::move(rv));
                }
            };
            if (cover_row)
                add_replies(*cover_row, 0);
            for (auto row : p.members)
                if (!cover_row || row != *cover_row)
                    if (auto it = snap.mails.find(row); it != snap.mails.end())
                        add_replies(row, it->second.index);
            std::sort(ver.replies.begin(), ver.replies.end(),
                      [](auto const& a, auto const& b) { return a.date < b.date; });
            ver.patch_list = patches;
        }
        per_version.push_back(std::move(patches));
        v.versions.push_back(std::move(ver));
    }
    if (v.versions.empty())
        return v;
    for (std::size_t k = 0; k + 1 < v.versions.size(); ++k)
        v.versions[k].superseded = true;
    auto const& latest = v.versions.back();
    v.subject = latest.title;
    v.first_posted = v.versions.front().date;
    v.errors = latest.errors;
    v.warnings = latest.warnings;
    std::string latest_tag = latest.version + (latest.rfc ? "rfc" : "");
    v.newer_version = v.versions.size() > 1 && !s.state_version.empty() && s.state_version != latest_tag;
    std::set<std::pair<std::string, std::string>> people;
    for (auto const& p : per_version.back())
        for (auto const& t : p.trailers)
            people.insert({text::to_lower(t.key), email_of(t.value)});
    for (auto const& [key, who] : people) {
        v.trailers.acked += key == "acked-by";
        v.trailers.reviewed += key == "reviewed-by";
        v.trailers.tested += key == "tested-by";
    }
    return v;
}

} // namespace

Result<std::vector<SeriesView>> Queue::list(ListFilter const& filter)
{
    auto snap = TRY(load(std::nullopt));
    std::vector<SeriesView> out;
    for (auto const& [id, s] : snap.series) {
        if (s.postings.empty())
            continue;
        SeriesView v = build_series_view(snap, s, false);
        if (v.versions.empty())
            continue;
        if (filter.state) {
            if (v.state != *filter.state)
                continue;
        } else if (!filter.all && (v.state == State::Superseded || v.state == State::Archived ||
                                   v.state == State::Thanked)) {
            continue;
        }
        out.push_back(std::move(v));
    }
    // Handbook order: fixes first, then series with acks or reviews, each FIFO by v1's posting.
    auto tier = [](SeriesView const& v) { return v.fix ? 0 : (v.trailers.acked + v.trailers.reviewed) ? 1 : 2; };
    std::stable_sort(out.begin(), out.end(), [&](SeriesView const& a, SeriesView const& b) {
        if (tier(a) != tier(b))
            return tier(a) < tier(b);
        if (a.first_posted != b.first_posted)
            return a.first_posted < b.first_posted;
        return a.id < b.id;
    });
    return out;
}

Result<SeriesView> Queue::show(std::int64_t id)
{
    auto snap = TRY(load(id));
    auto it = snap.series.find(id);
    if (it == snap.series.end() || it->second.postings.empty())
        return make_error("no series " + std::to_string(id) + " in the queue", m_db.path());
    return build_series_view(snap, it->second, true);
}

Result<std::int64_t> Queue::resolve(std::string const& ref)
{
    auto [id, version] = TRY(resolve_version(ref));
    (void)version;
    return id;
}

Result<std::pair<std::int64_t, std::size_t>> Queue::resolve_version(std::string const& ref_in)
{
    std::string ref = strip_brackets(ref_in);
    if (ref.empty())
        return make_error("empty series reference", m_db.path());
    if (ref.size() < 19 && std::all_of(ref.begin(), ref.end(), text::is_digit)) {
        std::int64_t id = std::stoll(ref);
        for (int hop = 0; hop < 16; ++hop) {
            auto st = TRY(m_db.prepare("SELECT merged_into FROM series WHERE id = ?1"));
            st.bind(1, id);
            if (!TRY(st.step()))
                return make_error("no series " + ref + " in the queue", m_db.path());
            if (st.is_null(0))
                break;
            id = st.integer(0);
        }
        auto st = TRY(m_db.prepare("SELECT count(*) FROM postings WHERE series_id = ?1"));
        st.bind(1, id);
        (void)TRY(st.step());
        if (st.integer(0) == 0)
            return make_error("no series " + ref + " in the queue", m_db.path());
        return std::make_pair(id, static_cast<std::size_t>(st.integer(0) - 1));
    }
    auto st = TRY(m_db.prepare("SELECT id FROM messages WHERE message_id = ?1"));
    st.bind(1, ref);
    if (!TRY(st.step()))
        return make_error("no mail with Message-ID <" + ref + "> in the queue", m_db.path());
    std::int64_t row = st.integer(0);
    // A reply stands for the mail it answers.
    auto rep = TRY(m_db.prepare("SELECT target FROM replies WHERE row = ?1"));
    rep.bind(1, row);
    if (TRY(rep.step()))
        row = rep.integer(0);
    std::string needle = std::to_string(row);
    auto ps = TRY(m_db.prepare("SELECT series_id, members FROM postings ORDER BY series_id, ordinal"));
    std::int64_t last_series = -1;
    std::size_t ordinal = 0;
    while (TRY(ps.step())) {
        std::int64_t sid = ps.integer(0);
        ordinal = sid == last_series ? ordinal + 1 : 0;
        last_series = sid;
        for (auto const& m : split_on(ps.text(1), ','))
            if (m == needle)
                return std::make_pair(sid, ordinal);
    }
    return make_error("the mail <" + ref + "> belongs to no series (not a patch, cover letter or reply to one)",
                      m_db.path());
}

Result<void> Queue::set_state(std::int64_t id, State state)
{
    auto view = TRY(show(id));
    auto tx = TRY(m_db.begin());
    auto st = TRY(m_db.prepare("UPDATE series SET state = ?2, state_version = ?3 WHERE id = ?1"));
    auto const& latest = view.latest();
    TRY_VOID(st.bind(1, id).bind(2, state_name(state)).bind(3, latest.version + (latest.rfc ? "rfc" : "")).run());
    return tx.commit();
}

Result<void> Queue::link(std::string const& a, std::string const& b)
{
    auto first = TRY(resolve_version(a));
    auto second = TRY(resolve_version(b));
    if (first.first == second.first)
        return {};
    auto lead = [&](std::int64_t series) -> Result<std::string> {
        auto st = TRY(m_db.prepare("SELECT lead FROM postings WHERE series_id = ?1 ORDER BY ordinal LIMIT 1"));
        st.bind(1, series);
        if (!TRY(st.step()))
            return make_error("no series " + std::to_string(series), m_db.path());
        return st.text(0);
    };
    std::string la = TRY(lead(first.first)), lb = TRY(lead(second.first));
    {
        auto tx = TRY(m_db.begin());
        auto st = TRY(m_db.prepare("INSERT OR IGNORE INTO links(a, b) VALUES(?1, ?2)"));
        TRY_VOID(st.bind(1, la).bind(2, lb).run());
        TRY_VOID(set_dirty(m_db));
        TRY_VOID(tx.commit());
    }
    SyncReport report;
    return rebuild({}, report);
}

Result<VersionMails> Queue::version_mails(std::int64_t id, std::optional<std::size_t> version)
{
    VersionMails out;
    out.series = TRY(show(id));
    std::size_t k = version ? *version : out.series.versions.size() - 1;
    if (k >= out.series.versions.size())
        return make_error("series " + std::to_string(id) + " has no version " + std::to_string(k + 1), m_db.path());
    out.version = k;
    auto const& ver = out.series.versions[k];
    auto st = TRY(m_db.prepare("SELECT raw FROM messages WHERE message_id = ?1"));
    auto raw = [&](std::string const& mid) -> Result<std::string> {
        st.bind(1, mid);
        bool found = TRY(st.step());
        std::string text = found ? st.text(0) : std::string();
        st.reset();
        return text;
    };
    if (ver.cover_letter)
        out.cover = VersionMail{*ver.cover_letter, TRY(raw(ver.cover_letter->message_id))};
    for (auto const& p : ver.patch_list)
        out.patches.push_back({p, TRY(raw(p.message_id))});
    return out;
}

Result<void> Queue::mark_applied(std::vector<AppliedMark> const& marks, std::string const& branch)
{
    auto tx = TRY(m_db.begin());
    auto st = TRY(m_db.prepare("INSERT OR REPLACE INTO applied(message_id, commit_id, branch, how, at) "
                               "VALUES(?1, ?2, ?3, ?4, strftime('%s', 'now'))"));
    for (auto const& m : marks)
        TRY_VOID(st.bind(1, m.message_id).bind(2, m.commit).bind(3, branch).bind(4, m.how).run());
    return tx.commit();
}

} // namespace review::queue
