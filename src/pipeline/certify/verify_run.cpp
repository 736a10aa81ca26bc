// `verify`: signature, canonical form and pinned key of each certificate (or signed owner statement); with
// --recompute, a certificate's inputs re-hashed and its numbers recomputed from them through the library (recompute.cpp), compared bit for bit.
#include <bluecarbon/pipeline/certify.hpp>
#include <bluecarbon/version.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <exception>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

namespace bluecarbon::pipeline {

namespace fs = std::filesystem;
using nlohmann::ordered_json;

namespace {

std::string read_bytes(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) throw InputError(p.string() + ": cannot read the certificate");
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

/// What --recompute finds wrong with the (validly signed) certificates: their inputs re-hashed, and their numbers
/// against the project's certificates recomputed once from those inputs.
void recompute(std::vector<VerifiedCertificate>& list, const config::ProjectConfig& cfg, const RunContext& ctx) {
    std::vector<VerifiedCertificate*> valid;
    for (auto& v : list)
        if (v.check.ok() && v.check.certificate) valid.push_back(&v);  // a statement has no numbers to recompute
    if (valid.empty()) return;
    std::vector<certify::Certificate> now;
    std::string failed;
    try {
        // The date is in no number: any certificate's will do (the comparison takes each one's own).
        now = recompute_certificates(cfg, valid.front()->check.certificate->assessment_date, ctx);
    } catch (const Cancelled&) {
        throw;
    } catch (const Error& e) {
        failed = std::string("recompute failed: ") + e.what();
    }
    for (auto* v : valid) {
        const certify::Certificate& cert = *v->check.certificate;
        v->problems = changed_inputs(cert, cfg);
        if (!failed.empty()) {
            v->problems.push_back(failed);
            continue;
        }
        const auto it =
            std::find_if(now.begin(), now.end(), [&](const auto& c) { return c.parcel_id == cert.parcel_id; });
        if (it == now.end()) {
            v->problems.push_back("number differs: certificate.parcel_id: parcel " + cert.parcel_id +
                                  " is no longer credited by the project");
            continue;
        }
        for (auto& p : certificate_differences(cert, *it)) v->problems.push_back(std::move(p));
    }
}

}  // namespace

std::string VerifiedCertificate::message() const {
    if (!check.ok()) return file.string() + ": invalid: " + to_string(check.status) + ": " + check.detail;
    if (!problems.empty()) {
        std::string s = file.string() + ": invalid: " + problems.front();
        if (problems.size() > 1) s += fmt::format(" (and {} more)", problems.size() - 1);
        return s;
    }
    return file.string() + ": " + check.message();
}

bool VerifyReport::ok() const noexcept {
    return std::all_of(certificates.begin(), certificates.end(), [](const auto& c) { return c.ok(); });
}

std::string VerifyReport::failure() const {
    std::size_t bad = 0;
    std::string first;
    for (const auto& c : certificates)
        if (!c.ok() && bad++ == 0) first = c.message();
    if (bad > 1) first += fmt::format(" (and {} more invalid certificates)", bad - 1);
    return first;
}

VerifyReport run_verify(const VerifyRequest& request, const RunContext& ctx) {
    if (request.certificates.empty()) throw RequestError("certificates", "no certificate given");
    std::optional<certify::PublicKey> pinned;
    if (request.pubkey) pinned = certify::load_public_key(*request.pubkey);
    std::optional<config::ProjectConfig> cfg;
    if (request.recompute) cfg = config::load_project(*request.recompute);
    const std::size_t n = request.certificates.size();
    VerifyReport report;
    report.certificates.resize(n);
    std::vector<std::exception_ptr> errors(n);
    // Each certificate is read and checked on its own, side by side: workers claim the next few in file order and
    // keep their OpenSSL objects; results land in their places (the same report for any thread count).
    const std::size_t workers = std::clamp<std::size_t>(
        ctx.threads > 0 ? static_cast<std::size_t>(ctx.threads) : std::thread::hardware_concurrency(), 1, n);
    constexpr std::size_t k_claim = 16;
    std::atomic<std::size_t> next{0};
    {
        std::vector<std::jthread> pool;
        for (std::size_t w = 0; w < workers; ++w)
            pool.emplace_back([&] {
                certify::SignatureVerifier verifier;
                for (std::size_t from; (from = next.fetch_add(k_claim)) < n;)
                    for (std::size_t i = from; i < std::min(n, from + k_claim); ++i) try {
                            report.certificates[i] = {
                                request.certificates[i],
                                certify::verify_signed_file(read_bytes(request.certificates[i]),
                                                            pinned ? &*pinned : nullptr, &verifier),
                                {}};
                        } catch (...) {
                            errors[i] = std::current_exception();
                        }
            });
    }
    for (const auto& e : errors)
        if (e) std::rethrow_exception(e);  // the first unreadable file, in the order given
    if (cfg) recompute(report.certificates, *cfg, ctx);
    return report;
}

std::string to_json(const VerifyReport& r) {
    ordered_json j{{"command", "verify"}, {"bluecarbon_version", k_version}, {"valid", r.ok()}};
    auto& list = j["certificates"] = ordered_json::array();
    for (const auto& c : r.certificates)
        list.push_back({{"file", c.file.string()},
                        {"valid", c.ok()},
                        {"kind", c.check.kind},
                        {"status", c.check.ok() && !c.problems.empty() ? "recompute" : to_string(c.check.status)},
                        {"detail", c.check.detail},
                        {"key_id", c.check.key_id},
                        {"pinned", c.check.pinned},
                        {"sha256", c.check.file_sha256},
                        {"problems", c.problems},
                        {"message", c.message()}});
    j["outputs"] = ordered_json::array();  // verify writes nothing
    return j.dump(2);
}

std::string summary_text(const VerifyReport& r) {
    std::string s;
    for (const auto& c : r.certificates) {
        s += c.message() + "\n";
        for (std::size_t i = 1; i < c.problems.size(); ++i) s += "  " + c.problems[i] + "\n";
    }
    return s;
}

}  // namespace bluecarbon::pipeline
