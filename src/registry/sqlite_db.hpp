#pragma once
// RAII over the SQLite C API for the registry: one owner per connection and per statement; every return code is
// checked here and turned into the tool's exceptions, naming the registry file.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace bluecarbon::registry::detail {

class Database {
public:
    /// Opens `path` (flags as sqlite3_open_v2). Throws InputError naming the file when it cannot be opened.
    Database(const std::filesystem::path& path, int flags);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    [[nodiscard]] sqlite3* handle() const noexcept { return m_db; }
    [[nodiscard]] const std::filesystem::path& path() const noexcept { return m_path; }
    void exec(const char* sql);
    /// Throws the exception that fits SQLite code `rc` (InputError for a file that is not a database, Error
    /// otherwise), with `what` and SQLite's message.
    [[noreturn]] void fail(int rc, const std::string& what) const;
    /// Runs `body` inside BEGIN IMMEDIATE ... COMMIT, retrying BEGIN while another writer holds the lock; on any
    /// exception the transaction rolls back and the exception propagates.
    void write_transaction(int retries, const std::function<void()>& body);

private:
    sqlite3* m_db{nullptr};
    std::filesystem::path m_path;
};

class Statement {
public:
    Statement(const Database& db, std::string_view sql);
    ~Statement();
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
    Statement& bind(int index, double value);
    Statement& bind(int index, std::string_view text);
    Statement& bind(int index, const std::string& text) { return bind(index, std::string_view(text)); }
    Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
    Statement& bind_blob(int index, std::string_view bytes);
    /// True while there is a row to read; false when done.
    bool step();
    /// Runs a statement that returns no rows.
    void run();
    void reset();

    [[nodiscard]] std::int64_t int64(int column) const;
    [[nodiscard]] double real(int column) const;
    [[nodiscard]] std::string text(int column) const;
    [[nodiscard]] std::string blob(int column) const;
    [[nodiscard]] bool is_null(int column) const;

private:
    const Database& m_db;
    sqlite3_stmt* m_stmt{nullptr};
};

}  // namespace bluecarbon::registry::detail
