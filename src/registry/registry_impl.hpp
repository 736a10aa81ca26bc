#pragma once
// What registry.cpp and audit.cpp share: the connection, the schema and the event log writer.
#include "registry/sqlite_db.hpp"

#include <bluecarbon/registry/registry.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <utility>

namespace bluecarbon::registry {

struct Registry::Impl {
    detail::Database db;
    RegistryOptions options;
    std::string code;
    Impl(const std::filesystem::path& path, int flags, RegistryOptions opt)
        : db(path, flags), options(std::move(opt)) {}
};

namespace detail {

inline constexpr const char* k_application = "bluecarbon-registry";
/// The previous hash of the first event.
inline const std::string k_genesis_hash(64, '0');

/// Creates every table of schema version k_schema_version (inside the caller's transaction).
void create_schema(Database& db);
/// Refuses (InputError naming the file) a database that is not a bluecarbon registry of this schema version;
/// returns the registry code.
std::string check_schema(Database& db);

/// `<registry>-<project>-<vintage>-<first>-<last>`.
std::string serial_text(const std::string& code, const std::string& project, const std::string& vintage,
                        std::int64_t first, std::int64_t last);

/// The hash of an event row: SHA-256 (hex) over the previous row's hash (hex) followed by the event's canonical JSON.
std::string event_hash(const std::string& prev_hash, const std::string& canonical_body);
/// Appends `body` (a JSON object with at least "kind") as the next event, adding "seq" and "time".
void append_event(Database& db, nlohmann::json body);

/// append_event through statements prepared once, for many changes inside one transaction.
class EventAppender {
public:
    explicit EventAppender(Database& db);
    void append(nlohmann::json body);

private:
    Statement m_last, m_insert;
};

/// SELECT of a block's columns (joined with its issuance) for read_block; append WHERE/ORDER BY.
extern const char* const k_block_columns;
Block read_block(const Statement& s, const std::string& code);
/// The block a serial names (and its issuance's row id), or nullopt.
std::optional<std::pair<Block, std::int64_t>> find_block(const Database& db, const std::string& code,
                                                         const std::string& serial);
/// Creates the sales tables when the registry predates them (inside the caller's transaction).
void ensure_sales_tables(Database& db);

}  // namespace detail
}  // namespace bluecarbon::registry
