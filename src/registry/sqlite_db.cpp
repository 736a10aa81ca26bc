#include "registry/sqlite_db.hpp"

#include <bluecarbon/error.hpp>

#include <sqlite3.h>

#include <chrono>
#include <random>
#include <thread>

namespace bluecarbon::registry::detail {

Database::Database(const std::filesystem::path& path, int flags) : m_path(path) {
    const int rc = sqlite3_open_v2(path.c_str(), &m_db, flags | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
        const std::string msg = m_db ? sqlite3_errmsg(m_db) : sqlite3_errstr(rc);
        sqlite3_close(m_db);
        m_db = nullptr;
        throw InputError(path.string() + ": cannot open the registry: " + msg);
    }
    sqlite3_extended_result_codes(m_db, 1);
}

Database::~Database() { sqlite3_close(m_db); }

void Database::fail(int rc, const std::string& what) const {
    const std::string msg = m_db ? sqlite3_errmsg(m_db) : sqlite3_errstr(rc);
    const int primary = rc & 0xFF;
    if (primary == SQLITE_NOTADB) {
        throw InputError(m_path.string() + ": not a bluecarbon registry (not an SQLite database)");
    }
    if (primary == SQLITE_READONLY) {
        throw Error(m_path.string() + ": the registry is read-only (" + what + ": " + msg + "); nothing was changed");
    }
    throw Error(m_path.string() + ": " + what + ": " + msg);
}

void Database::exec(const char* sql) {
    char* err = nullptr;
    const int rc = sqlite3_exec(m_db, sql, nullptr, nullptr, &err);
    sqlite3_free(err);
    if (rc != SQLITE_OK) fail(rc, std::string("executing `") + sql + "`");
}

void Database::write_transaction(int retries, const std::function<void()>& body) {
    std::minstd_rand jitter(static_cast<unsigned>(std::hash<std::thread::id>{}(std::this_thread::get_id())) ^
                            static_cast<unsigned>(std::chrono::steady_clock::now().time_since_epoch().count()));
    for (int attempt = 0;; ++attempt) {
        const int rc = sqlite3_exec(m_db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
        if (rc == SQLITE_OK) break;
        if ((rc & 0xFF) != SQLITE_BUSY || attempt >= retries) fail(rc, "starting a write transaction");
        // The busy timeout already waited; back off a little more so contending writers spread out.
        std::this_thread::sleep_for(std::chrono::milliseconds(1 + jitter() % 20));
    }
    try {
        body();
        const int rc = sqlite3_exec(m_db, "COMMIT", nullptr, nullptr, nullptr);
        if (rc != SQLITE_OK) fail(rc, "committing");
    } catch (...) {
        // SQLite may already have rolled back (e.g. after an I/O error); only roll back an open transaction.
        if (sqlite3_get_autocommit(m_db) == 0) sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
}

Statement::Statement(const Database& db, std::string_view sql) : m_db(db) {
    const int rc =
        sqlite3_prepare_v2(db.handle(), sql.data(), static_cast<int>(sql.size()), &m_stmt, nullptr);
    if (rc != SQLITE_OK) db.fail(rc, "preparing `" + std::string(sql) + "`");
}

Statement::~Statement() { sqlite3_finalize(m_stmt); }

Statement& Statement::bind(int index, std::int64_t value) {
    const int rc = sqlite3_bind_int64(m_stmt, index, value);
    if (rc != SQLITE_OK) m_db.fail(rc, "binding a value");
    return *this;
}

Statement& Statement::bind(int index, double value) {
    const int rc = sqlite3_bind_double(m_stmt, index, value);
    if (rc != SQLITE_OK) m_db.fail(rc, "binding a value");
    return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
    const int rc =
        sqlite3_bind_text(m_stmt, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
    if (rc != SQLITE_OK) m_db.fail(rc, "binding a value");
    return *this;
}

Statement& Statement::bind_blob(int index, std::string_view bytes) {
    const int rc =
        sqlite3_bind_blob(m_stmt, index, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
    if (rc != SQLITE_OK) m_db.fail(rc, "binding a value");
    return *this;
}

bool Statement::step() {
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    m_db.fail(rc, std::string("running `") + sqlite3_sql(m_stmt) + "`");
}

void Statement::run() {
    while (step()) {
    }
}

void Statement::reset() {
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
}

std::int64_t Statement::int64(int column) const { return sqlite3_column_int64(m_stmt, column); }
double Statement::real(int column) const { return sqlite3_column_double(m_stmt, column); }
bool Statement::is_null(int column) const { return sqlite3_column_type(m_stmt, column) == SQLITE_NULL; }

std::string Statement::text(int column) const {
    const auto* p = sqlite3_column_text(m_stmt, column);
    const int n = sqlite3_column_bytes(m_stmt, column);
    return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n)) : std::string();
}

std::string Statement::blob(int column) const {
    const void* p = sqlite3_column_blob(m_stmt, column);
    const int n = sqlite3_column_bytes(m_stmt, column);
    return p ? std::string(static_cast<const char*>(p), static_cast<std::size_t>(n)) : std::string();
}

}  // namespace bluecarbon::registry::detail
