#include "registry/registry_impl.hpp"

#include <bluecarbon/certify/canonical_json.hpp>
#include <bluecarbon/core/sha256.hpp>

#include <chrono>
#include <ctime>

namespace bluecarbon::registry::detail {

void create_schema(Database& db) {
    db.exec(R"sql(
CREATE TABLE registry_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE schema_version(version INTEGER NOT NULL);
CREATE TABLE trusted_keys(key_id TEXT PRIMARY KEY, public_key TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE counters(name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE issuances(
  id INTEGER PRIMARY KEY,
  project_id TEXT NOT NULL, parcel_id TEXT NOT NULL, vintage TEXT NOT NULL,
  period_start TEXT NOT NULL, period_end TEXT NOT NULL,
  crs TEXT NOT NULL, wkb BLOB NOT NULL, area_m2 REAL NOT NULL, owner TEXT NOT NULL,
  key_id TEXT NOT NULL, certificate_sha256 TEXT NOT NULL, external_serial TEXT NOT NULL,
  first INTEGER NOT NULL UNIQUE, last INTEGER NOT NULL, cancelled INTEGER NOT NULL DEFAULT 0,
  UNIQUE(project_id, parcel_id, vintage));
CREATE INDEX issuances_parcel ON issuances(parcel_id);
CREATE VIRTUAL TABLE issuance_bbox USING rtree(id, min_x, max_x, min_y, max_y);
CREATE TABLE blocks(
  first INTEGER PRIMARY KEY, last INTEGER NOT NULL,
  issuance_id INTEGER NOT NULL REFERENCES issuances(id),
  account TEXT NOT NULL,
  status TEXT NOT NULL CHECK(status IN ('held', 'retired', 'cancelled')),
  beneficiary TEXT NOT NULL DEFAULT '', reason TEXT NOT NULL DEFAULT '');
CREATE INDEX blocks_issuance ON blocks(issuance_id);
CREATE TABLE events(seq INTEGER PRIMARY KEY, body TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
)sql");
    ensure_sales_tables(db);
    Statement meta(db, "INSERT INTO registry_meta(key, value) VALUES('application', ?1)");
    meta.bind(1, k_application).run();
    Statement version(db, "INSERT INTO schema_version(version) VALUES(?1)");
    version.bind(1, k_schema_version).run();
    db.exec("INSERT INTO counters(name, value) VALUES('next_unit', 1)");
}

void ensure_sales_tables(Database& db) {
    // Added after schema version 1 first shipped; created on first use so older registries still open.
    db.exec("CREATE TABLE IF NOT EXISTS sales(seq INTEGER PRIMARY KEY, lot TEXT NOT NULL UNIQUE, buyer TEXT NOT NULL, "
            "price_per_t REAL NOT NULL, currency TEXT NOT NULL, units INTEGER NOT NULL);"
            "CREATE TABLE IF NOT EXISTS sale_blocks(first INTEGER PRIMARY KEY, last INTEGER NOT NULL, "
            "lot TEXT NOT NULL REFERENCES sales(lot));");
}

std::string check_schema(Database& db) {
    const std::string file = db.path().string();
    std::string application;
    std::string code;
    try {
        Statement meta(db, "SELECT key, value FROM registry_meta");
        while (meta.step()) {
            if (meta.text(0) == "application") application = meta.text(1);
            if (meta.text(0) == "registry") code = meta.text(1);
        }
    } catch (const InputError&) {
        throw;
    } catch (const Error&) {
        throw InputError(file + ": not a bluecarbon registry");
    }
    if (application != k_application || code.empty()) throw InputError(file + ": not a bluecarbon registry");
    Statement version(db, "SELECT version FROM schema_version");
    if (!version.step()) throw InputError(file + ": not a bluecarbon registry (no schema version)");
    const std::int64_t v = version.int64(0);
    if (v != k_schema_version || version.step()) {
        throw InputError(file + ": registry schema version " + std::to_string(v) + "; this tool reads version " +
                         std::to_string(k_schema_version));
    }
    return code;
}

std::string serial_text(const std::string& code, const std::string& project, const std::string& vintage,
                        std::int64_t first, std::int64_t last) {
    return code + "-" + project + "-" + vintage + "-" + std::to_string(first) + "-" + std::to_string(last);
}

std::string event_hash(const std::string& prev_hash, const std::string& canonical_body) {
    Sha256 h;
    h.update(prev_hash);
    h.update(canonical_body);
    return to_hex(h.digest());
}

namespace {
std::string utc_now() {
    const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}
}  // namespace

EventAppender::EventAppender(Database& db)
    : m_last(db, "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1"),
      m_insert(db, "INSERT INTO events(seq, body, prev_hash, hash) VALUES(?1, ?2, ?3, ?4)") {}

void EventAppender::append(nlohmann::json body) {
    std::int64_t seq = 1;
    std::string prev = k_genesis_hash;
    m_last.reset();
    if (m_last.step()) {
        seq = m_last.int64(0) + 1;
        prev = m_last.text(1);
    }
    m_last.reset();
    body["seq"] = seq;
    body["time"] = utc_now();
    const std::string canonical = certify::canonical_json(body);
    m_insert.reset();
    m_insert.bind(1, seq).bind(2, canonical).bind(3, prev).bind(4, event_hash(prev, canonical)).run();
}

void append_event(Database& db, nlohmann::json body) { EventAppender(db).append(std::move(body)); }

}  // namespace bluecarbon::registry::detail
