#pragma once
/// The credit registry (issue 14): one SQLite file holding trusted keys, issued parcels, serial blocks and a
/// hash-chained event log. It never issues the same ground twice: a certificate is refused when its signature or
/// hashes fail, its key is not trusted, its parcel and vintage were issued before, or its parcel overlaps an issued,
/// uncancelled parcel of any project, for an overlapping period, by more than the tolerance.
///
/// Serial blocks read `<registry>-<project>-<vintage>-<first>-<last>`; units are numbered registry-wide, strictly
/// increasing, never reused. Transfer, retirement and cancellation of part of a block split it into contiguous
/// sub-blocks (the units acted on are the lowest ones); retired and cancelled units never move again.
///
/// Every change is one `BEGIN IMMEDIATE` transaction (WAL journal, busy timeout, retries) that also appends an event
/// whose hash covers the previous event's hash and the event's RFC 8785 canonical JSON. `audit()` recomputes the
/// chain, replays the events into an independent model of the registry, and compares it with every table.
#include <bluecarbon/certify/keys.hpp>
#include <bluecarbon/certify/signing.hpp>
#include <bluecarbon/error.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;

namespace bluecarbon::registry {

inline constexpr int k_schema_version = 1;

/// A certificate or operation the registry's rules refuse (bad input: exit code 2). The message names the other
/// block, key or serial involved.
class RefusedError : public InputError {
public:
    using InputError::InputError;
};

/// Area (in the CRS's square units, m² for a projected CRS) of the intersection of two parcels given as WKB.
/// The parcels module provides the GEOS implementation; the registry itself does no geometry beyond bounding boxes.
using OverlapArea = std::function<double(const std::string& wkb_a, const std::string& wkb_b)>;

struct RegistryOptions {
    OverlapArea overlap_area;                  ///< required to issue
    /// An overlap is refused when it exceeds both of these (so slivers of shared edges pass).
    double overlap_tolerance_m2{1.0};
    double overlap_tolerance_fraction{0.001};  ///< of the smaller parcel's area
    int busy_timeout_ms{10000};                ///< wait for another writer this long per attempt
    int busy_retries{20};                      ///< then start the transaction again this many times
    /// synchronous=FULL (an fsync per commit) instead of NORMAL. With WAL, NORMAL already survives a killed process
    /// intact; FULL also keeps the last commits through a power cut, at ~5 ms per change.
    bool durable_commits{false};
    bool read_only{false};
    /// Testing seam: called inside each issue transaction after its rows are written, before the event is appended
    /// and the transaction commits, and in a settlement after each lot (a test makes the connection read-only there to check the rollback).
    std::function<void(sqlite3*)> fault_hook;
};

enum class BlockStatus { held, retired, cancelled };
[[nodiscard]] const char* to_string(BlockStatus s) noexcept;

struct Block {
    std::string serial;
    std::int64_t first{};
    std::int64_t last{};
    std::string project_id;
    std::string parcel_id;
    std::string vintage;
    std::string period_start;
    std::string period_end;
    std::string account;
    BlockStatus status{BlockStatus::held};
    std::string beneficiary;         ///< retirement
    std::string reason;              ///< retirement or cancellation
    std::string certificate_sha256;  ///< of the certificate file the units were issued from
    std::string external_serial;     ///< opaque (Verra, CCER, ...), as given at issuance
    std::string owner;               ///< the parcel's owner, whose account received the units at issuance
    [[nodiscard]] std::int64_t quantity() const noexcept { return last - first + 1; }
};

/// One auction lot sold: its whole blocks move to the buyer at a price per t CO2e (1 unit = 1 t CO2e).
struct Sale {
    std::string lot;                   ///< unique registry-wide: a lot is sold once
    std::string buyer;                 ///< the account the blocks move to
    double price_per_t{0};
    double reserve_per_t{0};           ///< the lot's start price; a lower price is refused
    std::string currency;
    std::vector<std::string> serials;  ///< the lot's blocks, each held whole by one account
};

/// A recorded sale.
struct SaleRecord {
    std::string lot;
    std::string buyer;
    double price_per_t{0};
    std::string currency;
    std::int64_t units{0};
    std::vector<std::string> serials;
};

/// One issuance: a parcel's credits of one vintage as issued.
struct Issuance {
    std::string project_id, parcel_id, vintage, owner, certificate_sha256;
    double area_m2{0};
    std::int64_t first{0}, last{0};
    [[nodiscard]] std::int64_t quantity() const noexcept { return last - first + 1; }
};

/// A block with its parcel's geometry as issued (for maps of the registry).
struct BlockShape {
    Block block;
    std::string crs;  ///< as the certificate names it ("EPSG:32651")
    std::string wkb;
};

struct TrustedKey {
    std::string key_id;
    std::string public_key;  ///< base64
};

struct AuditReport {
    bool ok{false};
    std::int64_t events{0};
    std::string head_hash;               ///< hash of the last event: publish it to pin the log
    std::int64_t blocks{0};
    std::int64_t units_issued{0};
    std::int64_t units_held{0};
    std::int64_t units_retired{0};
    std::int64_t units_cancelled{0};
    std::optional<std::int64_t> first_bad_event;  ///< seq of the first event row that does not match
    std::string problem;                          ///< the first mismatch found, naming the row
};

class Registry {
public:
    /// Creates a new registry file (refuses an existing file). `code` names the registry in serials: letters,
    /// digits and '_' only.
    [[nodiscard]] static Registry create(const std::filesystem::path& path, const std::string& code,
                                         const std::vector<certify::PublicKey>& trusted, RegistryOptions options = {});
    /// Opens an existing registry; refuses (InputError naming the file) a file that is not a bluecarbon registry or
    /// has another schema version.
    [[nodiscard]] static Registry open(const std::filesystem::path& path, RegistryOptions options = {});

    Registry(Registry&&) noexcept;
    Registry& operator=(Registry&&) noexcept;
    Registry(const Registry&) = delete;
    Registry& operator=(const Registry&) = delete;
    ~Registry();

    [[nodiscard]] const std::string& code() const noexcept;
    [[nodiscard]] const std::filesystem::path& path() const noexcept;

    void trust(const certify::PublicKey& key);
    void untrust(const std::string& key_id);
    [[nodiscard]] std::vector<TrustedKey> trusted_keys() const;

    /// Issues one block per vintage with credits of the certificate file's bytes (`source` names it in messages),
    /// all in one transaction. Throws RefusedError when a rule refuses it.
    std::vector<Block> issue(std::string_view certificate_file, const std::string& source,
                             const std::string& external_serial = "");
    std::vector<Block> issue_file(const std::filesystem::path& certificate, const std::string& external_serial = "");

    /// What became of one certificate of issue_files: its blocks, or the refusal (RefusedError's message).
    struct IssueOutcome {
        std::filesystem::path certificate;
        std::vector<Block> blocks;
        std::string refused;
    };
    /// Issues many certificate files in order, each all or nothing as issue_file does: the files are read and their
    /// signatures and hashes checked on `threads` threads (0: all cores), then up to 1,000 certificates are issued
    /// per BEGIN IMMEDIATE transaction, each inside its own SAVEPOINT (a refusal rolls back to it). A refused
    /// certificate does not stop the others; an unreadable file throws before any issues; any other failure rolls
    /// back the batch it happened in (earlier batches stay issued).
    std::vector<IssueOutcome> issue_files(const std::vector<std::filesystem::path>& certificates,
                                          const std::string& external_serial = "", int threads = 0);

    /// The lowest `quantity` units of held block `serial` move to `to_account`; returns the new block.
    Block transfer(const std::string& serial, const std::string& to_account, std::int64_t quantity);
    /// Retires the lowest `quantity` units of held block `serial`; returns the retired block.
    Block retire(const std::string& serial, std::int64_t quantity, const std::string& beneficiary,
                 const std::string& reason);
    /// Cancels the lowest `quantity` units of held block `serial`; a parcel whose units are all cancelled no longer
    /// counts for the overlap rule.
    Block cancel(const std::string& serial, std::int64_t quantity, const std::string& reason);

    /// Settles auction lots in one transaction: every block of every lot moves whole to the lot's buyer and each
    /// sale is recorded (with an event). Refused (RefusedError naming the lot; nothing changes) when a lot was sold
    /// before or is named twice, its price is below its reserve, or a block is missing, not held, already sold in
    /// another lot, or already the buyer's.
    void settle(const std::vector<Sale>& sales);
    /// Every recorded sale, in the order they were settled.
    [[nodiscard]] std::vector<SaleRecord> sales() const;

    [[nodiscard]] std::vector<Block> list() const;
    /// Every issuance, in unit order.
    [[nodiscard]] std::vector<Issuance> issuances() const;
    /// Every block (as list()) with its parcel's CRS and WKB.
    [[nodiscard]] std::vector<BlockShape> list_shapes() const;
    /// The block named by `serial`, or every block of the parcel id `parcel`.
    [[nodiscard]] std::vector<Block> show(const std::string& serial_or_parcel) const;

    [[nodiscard]] AuditReport audit() const;

    struct Impl;  ///< opaque (the connection and options)

private:
    explicit Registry(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

}  // namespace bluecarbon::registry
