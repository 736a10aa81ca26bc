#include "registry/registry_impl.hpp"
#include "registry/wkb_bounds.hpp"

#include <bluecarbon/certify/signing.hpp>

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include <unistd.h>

namespace bluecarbon::registry {

using detail::Database;
using detail::Statement;
using nlohmann::json;
namespace fs = std::filesystem;

const char* to_string(BlockStatus s) noexcept {
    switch (s) {
    case BlockStatus::held: return "held";
    case BlockStatus::retired: return "retired";
    case BlockStatus::cancelled: return "cancelled";
    }
    return "held";
}

namespace detail {

static BlockStatus parse_status(const std::string& s) {
    if (s == "retired") return BlockStatus::retired;
    if (s == "cancelled") return BlockStatus::cancelled;
    return BlockStatus::held;
}

const char* const k_block_columns =
    "SELECT b.first, b.last, i.project_id, i.parcel_id, i.vintage, i.period_start, i.period_end, b.account, "
    "b.status, b.beneficiary, b.reason, i.certificate_sha256, i.external_serial, i.id, i.owner "
    "FROM blocks b JOIN issuances i ON i.id = b.issuance_id ";

Block read_block(const Statement& s, const std::string& code) {
    Block b;
    b.first = s.int64(0);
    b.last = s.int64(1);
    b.project_id = s.text(2);
    b.parcel_id = s.text(3);
    b.vintage = s.text(4);
    b.period_start = s.text(5);
    b.period_end = s.text(6);
    b.account = s.text(7);
    b.status = parse_status(s.text(8));
    b.beneficiary = s.text(9);
    b.reason = s.text(10);
    b.certificate_sha256 = s.text(11);
    b.external_serial = s.text(12);
    b.owner = s.text(14);
    b.serial = detail::serial_text(code, b.project_id, b.vintage, b.first, b.last);
    return b;
}

/// The block a serial names: its last two '-'-separated fields are the unit numbers, and the rest must match.
std::optional<std::pair<Block, std::int64_t>> find_block(const Database& db, const std::string& code,
                                                         const std::string& serial) {
    const auto dash_last = serial.rfind('-');
    if (dash_last == std::string::npos || dash_last == 0) return std::nullopt;
    const auto dash_first = serial.rfind('-', dash_last - 1);
    if (dash_first == std::string::npos) return std::nullopt;
    std::int64_t first = 0;
    try {
        std::size_t used = 0;
        const std::string text = serial.substr(dash_first + 1, dash_last - dash_first - 1);
        first = std::stoll(text, &used);
        if (used != text.size()) return std::nullopt;
    } catch (const std::exception&) {
        return std::nullopt;
    }
    Statement s(db, std::string(k_block_columns) + "WHERE b.first = ?1");
    s.bind(1, first);
    if (!s.step()) return std::nullopt;
    Block b = read_block(s, code);
    if (b.serial != serial) return std::nullopt;
    return std::make_pair(std::move(b), s.int64(13));
}

}  // namespace detail

using detail::find_block;
using detail::k_block_columns;
using detail::read_block;

namespace {

/// Certificates per write transaction in issue_files: ~0.1-0.3 s of holding the write lock.
constexpr std::size_t k_issue_batch = 1000;

bool is_code(const std::string& s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    });
}

void configure(Database& db, const RegistryOptions& opt) {
    sqlite3_busy_timeout(db.handle(), opt.busy_timeout_ms);
    if (!opt.read_only) db.exec(opt.durable_commits ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
    // Read-only is query_only on a read-write connection: an SQLITE_OPEN_READONLY connection cannot checkpoint, so
    // when it closes last it leaves registry.db-wal and -shm behind (after every list, lots or report).
    if (opt.read_only) db.exec("PRAGMA query_only=1");
    db.exec("PRAGMA foreign_keys=ON");
    // Batches of issuances run SAVEPOINTs: their sub-journals and the pages they dirty stay in memory instead of
    // spilling to temporary files and the WAL before the commit.
    db.exec("PRAGMA temp_store=MEMORY");
    db.exec("PRAGMA cache_size=-65536");
}

std::string read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) throw InputError(p.string() + ": cannot open the certificate");
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace

Registry::Registry(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Registry::Registry(Registry&&) noexcept = default;
Registry& Registry::operator=(Registry&&) noexcept = default;
Registry::~Registry() = default;

const std::string& Registry::code() const noexcept { return m_impl->code; }
const fs::path& Registry::path() const noexcept { return m_impl->db.path(); }

Registry Registry::create(const fs::path& path, const std::string& code, const std::vector<certify::PublicKey>& trusted,
                          RegistryOptions options) {
    if (!is_code(code)) throw InputError("registry code '" + code + "': use letters, digits and '_' only");
    if (fs::exists(path)) throw InputError(path.string() + ": already exists; refusing to overwrite a registry");
    // Built under a temporary name and linked into place: a registry file is complete or absent.
    const fs::path tmp = path.string() + ".tmp-" + std::to_string(::getpid());
    std::error_code ec;
    fs::remove(tmp, ec);
    try {
        Database db(tmp, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
        db.exec("PRAGMA journal_mode=WAL");
        db.write_transaction(0, [&] {
            detail::create_schema(db);
            Statement meta(db, "INSERT INTO registry_meta(key, value) VALUES('registry', ?1)");
            meta.bind(1, code).run();
            detail::append_event(db, {{"kind", "init"}, {"registry", code}, {"schema_version", k_schema_version}});
            for (const auto& key : trusted) {
                Statement t(db, "INSERT OR IGNORE INTO trusted_keys(key_id, public_key) VALUES(?1, ?2)");
                t.bind(1, key.key_id()).bind(2, key.base64()).run();
                detail::append_event(db, {{"kind", "trust"}, {"key_id", key.key_id()}, {"public_key", key.base64()}});
            }
        });
    } catch (...) {
        fs::remove(tmp, ec);
        throw;
    }
    if (::link(tmp.c_str(), path.c_str()) != 0) {
        const int e = errno;
        fs::remove(tmp, ec);
        throw IoError(path, std::string("cannot create the registry: ") + std::strerror(e));
    }
    fs::remove(tmp, ec);
    return open(path, std::move(options));
}

Registry Registry::open(const fs::path& path, RegistryOptions options) {
    if (!fs::exists(path)) throw InputError(path.string() + ": no such registry");
    // Read-write even for reading (see configure); SQLite opens a write-protected file read-only by itself.
    auto impl = std::make_unique<Impl>(path, SQLITE_OPEN_READWRITE, std::move(options));
    configure(impl->db, impl->options);
    impl->code = detail::check_schema(impl->db);
    return Registry(std::move(impl));
}

void Registry::trust(const certify::PublicKey& key) {
    auto& db = m_impl->db;
    db.write_transaction(m_impl->options.busy_retries, [&] {
        Statement exists(db, "SELECT 1 FROM trusted_keys WHERE key_id = ?1");
        exists.bind(1, key.key_id());
        if (exists.step()) return;  // already trusted: no change, no event
        Statement t(db, "INSERT INTO trusted_keys(key_id, public_key) VALUES(?1, ?2)");
        t.bind(1, key.key_id()).bind(2, key.base64()).run();
        detail::append_event(db, {{"kind", "trust"}, {"key_id", key.key_id()}, {"public_key", key.base64()}});
    });
}

void Registry::untrust(const std::string& key_id) {
    auto& db = m_impl->db;
    db.write_transaction(m_impl->options.busy_retries, [&] {
        Statement del(db, "DELETE FROM trusted_keys WHERE key_id = ?1");
        del.bind(1, key_id).run();
        if (sqlite3_changes(db.handle()) == 0) {
            throw InputError(db.path().string() + ": key " + key_id + " is not trusted");
        }
        detail::append_event(db, {{"kind", "untrust"}, {"key_id", key_id}});
    });
}

std::vector<TrustedKey> Registry::trusted_keys() const {
    Statement s(m_impl->db, "SELECT key_id, public_key FROM trusted_keys ORDER BY key_id");
    std::vector<TrustedKey> out;
    while (s.step()) out.push_back({s.text(0), s.text(1)});
    return out;
}

std::vector<Block> Registry::issue_file(const fs::path& certificate, const std::string& external_serial) {
    return issue(read_file(certificate), certificate.string(), external_serial);
}

namespace {

/// The checks of a certificate that need no database (RefusedError naming `source`); its parcel's bounding box.
detail::Bounds precheck(const certify::VerifyResult& vr, const std::string& source) {
    if (!vr.ok()) throw RefusedError(source + ": refused: certificate " + vr.message());
    const certify::Certificate& cert = *vr.certificate;
    const auto bounds = detail::wkb_bounds(cert.geometry.wkb);
    if (!bounds) throw RefusedError(source + ": refused: the parcel geometry is not readable WKB");
    bool any = false;
    for (const auto& v : cert.vintages) {
        if (!is_code(v.vintage)) {
            throw RefusedError(source + ": refused: vintage '" + v.vintage + "' (letters, digits and '_' only)");
        }
        if (v.period.start.empty() || v.period.start > v.period.end) {
            throw RefusedError(source + ": refused: vintage " + v.vintage + " has an empty period");
        }
        any = any || v.credits > 0;
    }
    if (!any) throw RefusedError(source + ": refused: no vintage has credits to issue");
    return *bounds;
}

/// The statements of issuance, prepared once per transaction however many certificates it issues.
struct IssueStatements {
    Statement trusted, counter, same, near, insert, box, block, set_counter;
    detail::EventAppender events;
    explicit IssueStatements(Database& db)
        : trusted(db, "SELECT 1 FROM trusted_keys WHERE key_id = ?1"),
          counter(db, "SELECT value FROM counters WHERE name = 'next_unit'"),
          same(db, "SELECT first, last FROM issuances WHERE project_id = ?1 AND parcel_id = ?2 AND vintage = ?3"),
          near(db, "SELECT i.project_id, i.parcel_id, i.vintage, i.first, i.last, i.wkb, i.area_m2 "
                   "FROM issuance_bbox b JOIN issuances i ON i.id = b.id "
                   "WHERE b.max_x >= ?1 AND b.min_x <= ?2 AND b.max_y >= ?3 AND b.min_y <= ?4 "
                   "AND i.cancelled = 0 AND i.crs = ?5 AND i.period_start <= ?6 AND i.period_end >= ?7"),
          insert(db, "INSERT INTO issuances(project_id, parcel_id, vintage, period_start, period_end, crs, wkb, "
                     "area_m2, owner, key_id, certificate_sha256, external_serial, first, last) "
                     "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"),
          box(db, "INSERT INTO issuance_bbox(id, min_x, max_x, min_y, max_y) VALUES(?1, ?2, ?3, ?4, ?5)"),
          block(db, "INSERT INTO blocks(first, last, issuance_id, account, status) VALUES(?1, ?2, ?3, ?4, 'held')"),
          set_counter(db, "UPDATE counters SET value = ?1 WHERE name = 'next_unit'"),
          events(db) {}
};

/// Writes one (prechecked) certificate's blocks and event inside the caller's transaction; RefusedError naming the
/// other block or key when a rule refuses it (the caller rolls its rows back).
std::vector<Block> issue_in_transaction(Registry::Impl& I, IssueStatements& st, const certify::VerifyResult& vr,
                                        const detail::Bounds& bounds, const std::string& source,
                                        const std::string& external_serial) {
    const certify::Certificate& cert = *vr.certificate;
    Database& db = I.db;
    st.trusted.reset();
    st.trusted.bind(1, vr.key_id);
    if (!st.trusted.step()) {
        throw RefusedError(source + ": refused: signed by key " + vr.key_id + ", which this registry does not trust");
    }
    st.counter.reset();
    if (!st.counter.step()) throw Error(db.path().string() + ": the unit counter is missing");
    std::int64_t next = st.counter.int64(0);
    st.counter.reset();
    std::vector<Block> out;
    json issued = json::array();
    for (const auto& v : cert.vintages) {
        if (v.credits <= 0) continue;
        st.same.reset();
        st.same.bind(1, cert.project_id).bind(2, cert.parcel_id).bind(3, v.vintage);
        if (st.same.step()) {
            throw RefusedError(source + ": refused: parcel " + cert.parcel_id + " vintage " + v.vintage +
                               " of project " + cert.project_id + " was issued before as " +
                               detail::serial_text(I.code, cert.project_id, v.vintage, st.same.int64(0),
                                                   st.same.int64(1)));
        }
        st.near.reset();
        st.near.bind(1, bounds.min_x).bind(2, bounds.max_x).bind(3, bounds.min_y).bind(4, bounds.max_y);
        st.near.bind(5, cert.geometry.crs).bind(6, v.period.end).bind(7, v.period.start);
        while (st.near.step()) {
            const double smaller = std::min(cert.area_m2, st.near.real(6));
            const double tolerance =
                std::max(I.options.overlap_tolerance_m2, I.options.overlap_tolerance_fraction * smaller);
            // The parcels' overlap lies inside their exact boxes' intersection (the R*Tree's are float32, rounded
            // outwards): when that is within the tolerance (e.g. neighbours sharing an edge), so is the overlap,
            // and GEOS need not compute it.
            const std::string other_wkb = st.near.blob(5);
            if (const auto b = detail::wkb_bounds(other_wkb)) {
                const double w = std::min(bounds.max_x, b->max_x) - std::max(bounds.min_x, b->min_x);
                const double h = std::min(bounds.max_y, b->max_y) - std::max(bounds.min_y, b->min_y);
                if (w <= 0 || h <= 0 || w * h <= tolerance) continue;
            }
            const double overlap = I.options.overlap_area(cert.geometry.wkb, other_wkb);
            if (!(overlap <= tolerance)) {
                const auto& n = st.near;
                const std::string other = detail::serial_text(I.code, n.text(0), n.text(2), n.int64(3), n.int64(4));
                std::ostringstream msg;
                msg << source << ": refused: parcel " << cert.parcel_id << " vintage " << v.vintage
                    << " overlaps block " << other << " (project " << n.text(0) << ", parcel " << n.text(1)
                    << ") by " << overlap << " m2, more than the tolerance of " << tolerance << " m2";
                throw RefusedError(msg.str());
            }
        }
        const std::int64_t first = next;
        const std::int64_t last = next + v.credits - 1;
        next = last + 1;
        auto& ins = st.insert;
        ins.reset();
        ins.bind(1, cert.project_id).bind(2, cert.parcel_id).bind(3, v.vintage).bind(4, v.period.start);
        ins.bind(5, v.period.end).bind(6, cert.geometry.crs).bind_blob(7, cert.geometry.wkb);
        ins.bind(8, cert.area_m2).bind(9, cert.owner).bind(10, vr.key_id).bind(11, vr.file_sha256);
        ins.bind(12, external_serial).bind(13, first).bind(14, last);
        ins.run();
        const std::int64_t id = sqlite3_last_insert_rowid(db.handle());
        st.box.reset();
        st.box.bind(1, id).bind(2, bounds.min_x).bind(3, bounds.max_x).bind(4, bounds.min_y).bind(5, bounds.max_y);
        st.box.run();
        st.block.reset();
        st.block.bind(1, first).bind(2, last).bind(3, id).bind(4, cert.owner).run();
        issued.push_back({{"project_id", cert.project_id},
                          {"parcel_id", cert.parcel_id},
                          {"vintage", v.vintage},
                          {"period_start", v.period.start},
                          {"period_end", v.period.end},
                          {"crs", cert.geometry.crs},
                          {"geometry_sha256", cert.geometry.sha256},
                          {"area_m2", cert.area_m2},
                          {"owner", cert.owner},
                          {"key_id", vr.key_id},
                          {"certificate_sha256", vr.file_sha256},
                          {"external_serial", external_serial},
                          {"first", first},
                          {"last", last}});
        Block b;
        b.first = first;
        b.last = last;
        b.project_id = cert.project_id;
        b.parcel_id = cert.parcel_id;
        b.vintage = v.vintage;
        b.period_start = v.period.start;
        b.period_end = v.period.end;
        b.account = cert.owner;
        b.owner = cert.owner;
        b.certificate_sha256 = vr.file_sha256;
        b.external_serial = external_serial;
        b.serial = detail::serial_text(I.code, b.project_id, b.vintage, first, last);
        out.push_back(std::move(b));
    }
    st.set_counter.reset();
    st.set_counter.bind(1, next).run();
    if (I.options.fault_hook) I.options.fault_hook(db.handle());
    st.events.append({{"kind", "issue"}, {"issuances", issued}});
    return out;
}

}  // namespace

std::vector<Block> Registry::issue(std::string_view certificate_file, const std::string& source,
                                   const std::string& external_serial) {
    if (!m_impl->options.overlap_area) throw Error("registry: no overlap-area function was given: cannot issue");
    const auto vr = certify::verify_certificate(certificate_file);
    const auto bounds = precheck(vr, source);
    std::vector<Block> out;
    m_impl->db.write_transaction(m_impl->options.busy_retries, [&] {
        IssueStatements st(m_impl->db);
        out = issue_in_transaction(*m_impl, st, vr, bounds, source, external_serial);
    });
    return out;
}

std::vector<Registry::IssueOutcome> Registry::issue_files(const std::vector<fs::path>& certificates,
                                                          const std::string& external_serial, int threads) {
    if (!m_impl->options.overlap_area) throw Error("registry: no overlap-area function was given: cannot issue");
    const std::size_t n = certificates.size();
    std::vector<std::string> bytes(n);
    for (std::size_t i = 0; i < n; ++i) bytes[i] = read_file(certificates[i]);
    // Signatures and hashes need no database: checked side by side on worker threads, in file order, while this
    // thread issues each certificate as soon as its check is done (deterministic: issued strictly in order).
    std::vector<certify::VerifyResult> checks(n);
    std::vector<std::atomic<bool>> ready(n);
    std::atomic<std::size_t> next_check{0};
    const unsigned workers = static_cast<unsigned>(std::max<std::size_t>(
        1, std::min<std::size_t>(n, threads > 0 ? static_cast<std::size_t>(threads)
                                                : std::max(1u, std::thread::hardware_concurrency()))));
    std::vector<std::jthread> pool;
    for (unsigned w = 0; w < workers; ++w)
        pool.emplace_back([&] {
            certify::SignatureVerifier verifier;
            for (std::size_t i; (i = next_check.fetch_add(1)) < n;) {
                try {
                    checks[i] = certify::verify_certificate(bytes[i], nullptr, &verifier);
                } catch (const std::exception& e) {  // OpenSSL out of order: refused, not a crash of the thread
                    checks[i].status = certify::VerifyStatus::malformed;
                    checks[i].detail = e.what();
                }
                ready[i].store(true, std::memory_order_release);
                ready[i].notify_one();
            }
        });
    const auto checked = [&](std::size_t i) -> const certify::VerifyResult& {
        ready[i].wait(false, std::memory_order_acquire);
        return checks[i];
    };
    std::vector<IssueOutcome> out(n);
    for (std::size_t i = 0; i < n; ++i) out[i].certificate = certificates[i];
    // Many certificates per BEGIN IMMEDIATE transaction (one commit, statements prepared once), each inside its own
    // SAVEPOINT: a refused certificate rolls back to it and leaves no row, the others stay. Batches keep the write
    // lock short enough for other writers.
    Database& db = m_impl->db;
    for (std::size_t begin = 0; begin < n; begin += k_issue_batch) {
        const std::size_t end = std::min(n, begin + k_issue_batch);
        db.write_transaction(m_impl->options.busy_retries, [&] {
            IssueStatements st(db);
            for (std::size_t i = begin; i < end; ++i) {
                const std::string source = certificates[i].string();
                out[i].blocks.clear();
                out[i].refused.clear();
                db.exec("SAVEPOINT certificate");
                try {
                    const auto& check = checked(i);
                    const auto bounds = precheck(check, source);
                    out[i].blocks = issue_in_transaction(*m_impl, st, check, bounds, source, external_serial);
                    db.exec("RELEASE certificate");
                } catch (const RefusedError& e) {
                    db.exec("ROLLBACK TO certificate");
                    db.exec("RELEASE certificate");
                    out[i].refused = e.what();
                }
            }
        });
    }
    return out;
}

namespace {

enum class Action { transfer, retire, cancel };

/// Acts on the lowest `quantity` units of held block `serial`: the units acted on become their own block, the rest
/// keeps the block's state.
Block act(Registry::Impl& I, const std::string& serial, std::int64_t quantity, Action action, const std::string& to,
          const std::string& beneficiary, const std::string& reason) {
    const char* verb = action == Action::transfer ? "transfer" : action == Action::retire ? "retire" : "cancel";
    if (quantity < 1) throw InputError(std::string(verb) + " " + serial + ": --quantity must be at least 1");
    if (action == Action::transfer && to.empty()) {
        throw InputError("transfer " + serial + ": --to must name an account");
    }
    Database& db = I.db;
    Block result;
    db.write_transaction(I.options.busy_retries, [&] {
        auto found = find_block(db, I.code, serial);
        if (!found) {
            throw InputError(db.path().string() + ": no block " + serial +
                             " (a block that was split is listed under its new serials: see `registry show`)");
        }
        auto& [b, issuance_id] = *found;
        if (b.status != BlockStatus::held) {
            throw RefusedError(std::string(verb) + " " + serial + ": refused: the block is " + to_string(b.status) +
                               (b.status == BlockStatus::retired ? "; retired units never move" : ""));
        }
        if (quantity > b.quantity()) {
            throw RefusedError(std::string(verb) + " " + serial + ": refused: the block holds " +
                               std::to_string(b.quantity()) + " units, fewer than " + std::to_string(quantity));
        }
        if (action == Action::transfer && to == b.account) {
            throw RefusedError("transfer " + serial + ": refused: the block is already held by " + to);
        }
        const std::int64_t split_at = b.first + quantity;  // first unit that stays as it was
        if (split_at <= b.last) {
            Statement rest(db, "UPDATE blocks SET first = ?1 WHERE first = ?2");
            rest.bind(1, split_at).bind(2, b.first).run();
            Statement part(db, "INSERT INTO blocks(first, last, issuance_id, account, status, beneficiary, reason) "
                               "SELECT ?1, ?2, issuance_id, account, status, beneficiary, reason FROM blocks "
                               "WHERE first = ?3");
            part.bind(1, b.first).bind(2, split_at - 1).bind(3, split_at).run();
        }
        Statement upd(db,
                      "UPDATE blocks SET account = ?1, status = ?2, beneficiary = ?3, reason = ?4 WHERE first = ?5");
        result = b;
        result.last = split_at - 1;
        json event = {{"kind", verb}, {"block_first", b.first}, {"block_last", b.last}, {"quantity", quantity}};
        switch (action) {
        case Action::transfer:
            result.account = to;
            event["to"] = to;
            break;
        case Action::retire:
            result.status = BlockStatus::retired;
            result.beneficiary = beneficiary;
            result.reason = reason;
            event["beneficiary"] = beneficiary;
            event["reason"] = reason;
            break;
        case Action::cancel:
            result.status = BlockStatus::cancelled;
            result.reason = reason;
            event["reason"] = reason;
            break;
        }
        upd.bind(1, result.account).bind(2, to_string(result.status)).bind(3, result.beneficiary);
        upd.bind(4, result.reason).bind(5, b.first).run();
        if (action == Action::cancel) {
            // A parcel whose units are all cancelled frees its ground for the overlap rule.
            Statement all(db, "UPDATE issuances SET cancelled = 1 WHERE id = ?1 AND NOT EXISTS "
                              "(SELECT 1 FROM blocks WHERE issuance_id = ?1 AND status != 'cancelled')");
            all.bind(1, issuance_id).run();
        }
        result.serial = detail::serial_text(I.code, result.project_id, result.vintage, result.first, result.last);
        detail::append_event(db, event);
    });
    return result;
}

}  // namespace

Block Registry::transfer(const std::string& serial, const std::string& to_account, std::int64_t quantity) {
    return act(*m_impl, serial, quantity, Action::transfer, to_account, "", "");
}

Block Registry::retire(const std::string& serial, std::int64_t quantity, const std::string& beneficiary,
                       const std::string& reason) {
    return act(*m_impl, serial, quantity, Action::retire, "", beneficiary, reason);
}

Block Registry::cancel(const std::string& serial, std::int64_t quantity, const std::string& reason) {
    return act(*m_impl, serial, quantity, Action::cancel, "", "", reason);
}

std::vector<Block> Registry::list() const {
    Statement s(m_impl->db, std::string(k_block_columns) + "ORDER BY b.first");
    std::vector<Block> out;
    while (s.step()) out.push_back(read_block(s, m_impl->code));
    return out;
}

std::vector<BlockShape> Registry::list_shapes() const {
    Statement s(m_impl->db, "SELECT b.first, b.last, i.project_id, i.parcel_id, i.vintage, i.period_start, "
                            "i.period_end, b.account, b.status, b.beneficiary, b.reason, i.certificate_sha256, "
                            "i.external_serial, i.id, i.crs, i.wkb "
                            "FROM blocks b JOIN issuances i ON i.id = b.issuance_id ORDER BY b.first");
    std::vector<BlockShape> out;
    while (s.step()) out.push_back({read_block(s, m_impl->code), s.text(14), s.blob(15)});
    return out;
}

std::vector<Block> Registry::show(const std::string& serial_or_parcel) const {
    if (auto found = find_block(m_impl->db, m_impl->code, serial_or_parcel)) return {found->first};
    Statement s(m_impl->db, std::string(k_block_columns) + "WHERE i.parcel_id = ?1 ORDER BY b.first");
    s.bind(1, serial_or_parcel);
    std::vector<Block> out;
    while (s.step()) out.push_back(read_block(s, m_impl->code));
    if (out.empty()) throw InputError(path().string() + ": no block or parcel '" + serial_or_parcel + "'");
    return out;
}

}  // namespace bluecarbon::registry
