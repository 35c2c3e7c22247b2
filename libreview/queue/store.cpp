// The queue's database: the state names, the schema and its migrations,
// and the writes a user asks for (state, links, applied marks).

#include "libreview/queue/store.h"
#include "libreview/queue/store_internal.h"

#include <cstdlib>
#include <filesystem>

namespace review::queue {

namespace fs = std::filesystem;
using namespace detail;

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

// Version 2: gate reports imported by `kvmx queue gate-result`.
constexpr char const* schema_v2 = R"SQL(
CREATE TABLE gate_results(series_id INTEGER NOT NULL, version TEXT NOT NULL, status TEXT NOT NULL,
                          imported INTEGER NOT NULL, report TEXT NOT NULL, checks TEXT NOT NULL,
                          PRIMARY KEY(series_id, version));
)SQL";

// Migrations: index i takes the schema from version i to i + 1.
std::vector<char const*> const migrations = {schema_v1, schema_v2};

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

Result<void> Queue::set_gate_result(std::int64_t id, GateResultView const& g)
{
    auto tx = TRY(m_db.begin());
    auto st = TRY(m_db.prepare("INSERT OR REPLACE INTO gate_results(series_id, version, status, imported, report, "
                               "checks) VALUES(?1, ?2, ?3, strftime('%s', 'now'), ?4, ?5)"));
    TRY_VOID(st.bind(1, id).bind(2, g.version).bind(3, g.status).bind(4, g.report).bind(5, g.checks).run());
    return tx.commit();
}

} // namespace review::queue
