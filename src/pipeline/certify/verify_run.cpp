// `verify`: signature, canonical form and pinned key of each certificate (or signed owner statement); with
// --recompute, a certificate's inputs re-hashed and its numbers rebuilt from the project as it is now, compared bit
// for bit.
#include "pipeline/certify/project_inputs.hpp"

#include <bluecarbon/core/sha256.hpp>
#include <bluecarbon/pipeline/certify.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

namespace bluecarbon::pipeline {

namespace fs = std::filesystem;
using nlohmann::json;
using nlohmann::ordered_json;

namespace {

std::string read_bytes(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) throw InputError(p.string() + ": cannot read the certificate");
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

/// Paths of the leaves where `a` and `b` differ ("certificate.vintages[0].credits"); numbers compare exactly.
void diff(const json& a, const json& b, const std::string& path, std::vector<std::string>& out) {
    if (a.is_object() && b.is_object()) {
        for (const auto& [k, v] : a.items())
            b.contains(k) ? diff(v, b.at(k), path + "." + k, out) : out.push_back(path + "." + k);
        for (const auto& [k, v] : b.items())
            if (!a.contains(k)) out.push_back(path + "." + k);
    } else if (a.is_array() && b.is_array() && a.size() == b.size()) {
        for (std::size_t i = 0; i < a.size(); ++i) diff(a[i], b[i], fmt::format("{}[{}]", path, i), out);
    } else if (a.is_number() && b.is_number()) {
        if (a.get<double>() != b.get<double>()) out.push_back(path);
    } else if (a != b) {
        out.push_back(path);
    }
}

/// What --recompute finds wrong with a (validly signed) certificate.
std::vector<std::string> recompute(const certify::Certificate& cert, const config::ProjectConfig& cfg) {
    std::vector<std::string> problems;
    for (const auto& in : cert.inputs) {
        const fs::path p = resolve_input_path(cfg, in.path);
        std::error_code ec;
        if (!fs::is_regular_file(p, ec)) problems.push_back("input missing: " + in.path);
        else if (fs::file_size(p, ec) != in.size || sha256_file_hex(p) != in.sha256)
            problems.push_back("input changed: " + in.path);
    }
    // The numbers rebuilt by the library from the step outputs as they are now, on the certificate's own date.
    std::optional<certify::Certificate> now;
    for (auto& c : build_certificates(cfg, cert.assessment_date))
        if (c.parcel_id == cert.parcel_id) now = std::move(c);
    if (!now) {
        problems.push_back("number differs: certificate.parcel_id: parcel " + cert.parcel_id +
                           " is no longer credited by the project");
        return problems;
    }
    now->tool_version = cert.tool_version;  // a newer tool reading the same inputs is not a different number
    now->inputs = cert.inputs;              // compared by hash above
    std::vector<std::string> fields;
    diff(certify::to_json(cert), certify::to_json(*now), "certificate", fields);
    for (const auto& f : fields) problems.push_back("number differs: " + f);
    return problems;
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
    std::vector<std::string> bytes(n);
    for (std::size_t i = 0; i < n; ++i) bytes[i] = read_bytes(request.certificates[i]);
    VerifyReport report;
    report.certificates.resize(n);
    // Each certificate is checked on its own: side by side, every thread on its own stride, results in order.
    const std::size_t workers = std::clamp<std::size_t>(
        ctx.threads > 0 ? static_cast<std::size_t>(ctx.threads) : std::thread::hardware_concurrency(), 1, n);
    {
        std::vector<std::jthread> pool;
        for (std::size_t w = 0; w < workers; ++w)
            pool.emplace_back([&, w] {
                for (std::size_t i = w; i < n; i += workers)
                    report.certificates[i] = {request.certificates[i],
                                              certify::verify_signed_file(bytes[i], pinned ? &*pinned : nullptr), {}};
            });
    }
    if (cfg)
        for (auto& v : report.certificates)
            if (v.check.ok() && v.check.certificate)  // a statement has no project numbers to recompute
                v.problems = recompute(*v.check.certificate, *cfg);
    return report;
}

std::string to_json(const VerifyReport& r) {
    ordered_json j{{"command", "verify"}, {"valid", r.ok()}};
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
