#include "libreview/queue/db.h"

#include <sqlite3.h>

#include <utility>

namespace review::queue {

void detail::SqliteClose::operator()(sqlite3* db) const { sqlite3_close_v2(db); }
void detail::SqliteFinalize::operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }

Statement::Statement(sqlite3_stmt* stmt, sqlite3* db, std::string file)
    : m_stmt(stmt), m_db(db), m_file(std::move(file))
{
}
Statement::Statement(Statement&&) noexcept = default;
Statement& Statement::operator=(Statement&&) noexcept = default;
Statement::~Statement() = default;

Statement& Statement::bind(int index, std::int64_t value)
{
    sqlite3_bind_int64(m_stmt.get(), index, value);
    return *this;
}
Statement& Statement::bind(int index, std::string_view value)
{
    sqlite3_bind_text64(m_stmt.get(), index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
    return *this;
}
Statement& Statement::bind_null(int index)
{
    sqlite3_bind_null(m_stmt.get(), index);
    return *this;
}

Result<bool> Statement::step()
{
    int rc = sqlite3_step(m_stmt.get());
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        return false;
    std::string msg = sqlite3_errmsg(m_db);
    sqlite3_reset(m_stmt.get());
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
        return make_error("the queue database is locked by another kvmx (" + msg + ")", m_file);
    return make_error("database error: " + msg, m_file);
}

Result<void> Statement::run()
{
    while (TRY(step())) {
    }
    reset();
    return {};
}

void Statement::reset()
{
    sqlite3_reset(m_stmt.get());
    sqlite3_clear_bindings(m_stmt.get());
}

std::int64_t Statement::integer(int column) const { return sqlite3_column_int64(m_stmt.get(), column); }
std::string Statement::text(int column) const
{
    auto const* p = reinterpret_cast<char const*>(sqlite3_column_text(m_stmt.get(), column));
    int n = sqlite3_column_bytes(m_stmt.get(), column);
    return p ? std::string(p, static_cast<std::size_t>(n)) : std::string();
}
bool Statement::is_null(int column) const { return sqlite3_column_type(m_stmt.get(), column) == SQLITE_NULL; }

Database::Database(sqlite3* db, std::string path) : m_db(db), m_path(std::move(path)) {}
Database::Database(Database&&) noexcept = default;
Database& Database::operator=(Database&&) noexcept = default;
Database::~Database() = default;

Error Database::error(std::string_view what) const
{
    int rc = sqlite3_errcode(m_db.get());
    std::string msg = sqlite3_errmsg(m_db.get());
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
        return make_error("the queue database is locked by another kvmx (" + msg + ")", m_path);
    if (rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT)
        return make_error("the queue database is corrupt or not a database (" + msg + ")", m_path);
    return make_error(std::string(what) + ": " + msg, m_path);
}

Result<Database> Database::open(std::string const& path, int busy_timeout_ms)
{
    sqlite3* raw = nullptr;
    int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                             nullptr);
    if (rc != SQLITE_OK) {
        std::string msg = raw ? sqlite3_errmsg(raw) : "out of memory";
        if (raw)
            sqlite3_close_v2(raw);
        return make_error("cannot open the queue database: " + msg, path);
    }
    Database db(raw, path);
    sqlite3_busy_timeout(raw, busy_timeout_ms);
    sqlite3_extended_result_codes(raw, 0);
    TRY_VOID(db.exec("PRAGMA journal_mode=WAL"));
    TRY_VOID(db.exec("PRAGMA synchronous=NORMAL"));
    TRY_VOID(db.exec("PRAGMA foreign_keys=ON"));
    // Read pages through a mapping, not read() into a private cache: list and
    // show scan the messages table, and kvmx serve opens the file per request.
    TRY_VOID(db.exec("PRAGMA mmap_size=1073741824"));
    return db;
}

Result<void> Database::exec(std::string const& sql)
{
    char* err = nullptr;
    if (sqlite3_exec(m_db.get(), sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
        sqlite3_free(err);
        return error("database error");
    }
    return {};
}

Result<Statement> Database::prepare(std::string_view sql)
{
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(m_db.get(), sql.data(), static_cast<int>(sql.size()), &stmt, nullptr) != SQLITE_OK)
        return error("database error");
    return Statement(stmt, m_db.get(), m_path);
}

std::int64_t Database::last_insert_id() const { return sqlite3_last_insert_rowid(m_db.get()); }
int Database::changes() const { return sqlite3_changes(m_db.get()); }

Result<Database::Transaction> Database::begin()
{
    TRY_VOID(exec("BEGIN IMMEDIATE"));
    return Transaction(this);
}

Database::Transaction::Transaction(Transaction&& o) noexcept : m_db(std::exchange(o.m_db, nullptr)) {}
Database::Transaction::~Transaction()
{
    if (m_db)
        (void)m_db->exec("ROLLBACK");
}
Result<void> Database::Transaction::commit()
{
    Database* db = std::exchange(m_db, nullptr);
    if (auto r = db->exec("COMMIT"); !r) {
        (void)db->exec("ROLLBACK");
        return r;
    }
    return {};
}

} // namespace review::queue
