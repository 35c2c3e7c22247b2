#pragma once
// RAII over SQLite: one connection, prepared statements with typed binds,
// and transactions that roll back unless committed. The queue opens its
// database in WAL mode with a busy timeout so a `list` reads while a `sync`
// writes; writers take the write lock up front (BEGIN IMMEDIATE).

#include "libreview/core/result.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace review::queue::detail {
// Close and finalize, defined in db.cpp so that this header does not
// include <sqlite3.h>.
struct SqliteClose {
    void operator()(sqlite3*) const;
};
struct SqliteFinalize {
    void operator()(sqlite3_stmt*) const;
};
} // namespace review::queue::detail

namespace review::queue {

class Statement {
public:
    Statement() = default;
    Statement(Statement&&) noexcept;
    Statement& operator=(Statement&&) noexcept;
    ~Statement();

    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
    Statement& bind(int index, std::string_view value);
    Statement& bind(int index, char const* value) { return bind(index, std::string_view(value)); }
    Statement& bind(int index, std::string const& value) { return bind(index, std::string_view(value)); }
    Statement& bind_null(int index);

    // Next row: true with a row, false when done; errors are Results.
    Result<bool> step();
    // Run to completion (INSERT/UPDATE), then reset for reuse.
    Result<void> run();
    void reset();

    std::int64_t integer(int column) const;
    std::string text(int column) const;
    bool is_null(int column) const;

private:
    friend class Database;
    Statement(sqlite3_stmt*, sqlite3*, std::string file);
    std::unique_ptr<sqlite3_stmt, detail::SqliteFinalize> m_stmt;
    sqlite3* m_db = nullptr; // owned by the Database
    std::string m_file;
};

class Database {
public:
    // Open (creating) the file; WAL, busy timeout, foreign keys.
    static Result<Database> open(std::string const& path, int busy_timeout_ms = 5000);
    Database(Database&&) noexcept;
    Database& operator=(Database&&) noexcept;
    ~Database();

    Result<void> exec(std::string const& sql);
    Result<Statement> prepare(std::string_view sql);
    std::int64_t last_insert_id() const;
    int changes() const;
    std::string const& path() const { return m_path; }

    // BEGIN IMMEDIATE ... COMMIT; the destructor rolls back an open one.
    class Transaction {
    public:
        Transaction(Transaction&&) noexcept;
        ~Transaction();
        Result<void> commit();

    private:
        friend class Database;
        explicit Transaction(Database* db) : m_db(db) {}
        Database* m_db = nullptr;
    };
    Result<Transaction> begin();

private:
    Database(sqlite3*, std::string);
    Error error(std::string_view what) const;
    std::unique_ptr<sqlite3, detail::SqliteClose> m_db;
    std::string m_path;
};

} // namespace review::queue
