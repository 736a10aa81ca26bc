// `keygen` and `certify`: key pairs, and the signed certificates of a project's credited parcels.
#include "pipeline/input_file.hpp"

#include <bluecarbon/certify/keys.hpp>
#include <bluecarbon/core/sha256.hpp>
#include <bluecarbon/io/raster_sink.hpp>
#include <bluecarbon/pipeline/certify.hpp>
#include <bluecarbon/version.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>
#include <set>

namespace bluecarbon::pipeline {

namespace fs = std::filesystem;
using nlohmann::ordered_json;

KeygenResult run_keygen(const fs::path& dir) {
    if (dir.empty()) throw RequestError("out", "no folder given");
    const auto files = certify::write_key_pair(certify::PrivateKey::generate(), dir);
    return {files.private_key, files.public_key, files.key_id};
}

std::string to_json(const KeygenResult& r) {
    return ordered_json{{"command", "keygen"},
                        {"bluecarbon_version", k_version},
                        {"private_key", r.private_key.string()},
                        {"public_key", r.public_key.string()},
                        {"key_id", r.key_id},
                        {"outputs", {r.private_key.string(), r.public_key.string()}}}
        .dump(2);
}

std::string summary_text(const KeygenResult& r) {
    return fmt::format("key {}\n  private {} (mode 0600: keep it secret)\n  public  {}\n", r.key_id,
                       r.private_key.string(), r.public_key.string());
}

namespace {

/// A parcel id becomes a file name: refuse what would leave the folder or hide the file.
void check_file_name(const std::string& id) {
    if (id.empty() || id.front() == '.' || id.find_first_of("/\\") != std::string::npos || id.find('\0') != id.npos)
        throw InputError("parcel '" + id + "': cannot be a certificate file name (no '/', '\\', or leading '.')");
}

}  // namespace

CertifyResult run_certify(const config::ProjectConfig& cfg, const CertifyRequest& request, const RunContext&) {
    if (!cfg.certify.present)
        throw ConfigError(cfg.file.string() + ": no [certify] section (project_id and key are needed to certify)");
    const auto key_path = request.key ? request.key : cfg.certify.key;
    if (!key_path) throw RequestError("key", "no signing key: give --key FILE or [certify] key in the project");
    // The key is read (and its permissions checked, unless it is the project's declared sample key) before
    // anything is computed or written.
    const bool published = cfg.certify.sample_key && !request.key;
    if (!request.key) require_input_file(*key_path, cfg.certify.key_origin);
    const certify::PrivateKey key = certify::PrivateKey::load(*key_path, published);

    CertifyResult result;
    result.project_id = cfg.certify.project_id;
    result.key_id = key.public_key().key_id();
    result.sample_key = cfg.certify.sample_key && !request.key;
    result.assessment_date = assessment_date(cfg, std::getenv("SOURCE_DATE_EPOCH"));
    result.dir = cfg.output_dir / "certificates";
    const auto certificates = build_certificates(cfg, result.assessment_date);

    fs::create_directories(result.dir);
    OutputTransaction transaction;
    std::set<fs::path> written;
    for (const auto& c : certificates) {
        check_file_name(c.parcel_id);
        const std::string bytes = certify::sign_certificate(c, key);
        CertifiedParcel p{c.parcel_id, result.dir / (c.parcel_id + ".json"), sha256_hex(bytes), 0};
        for (const auto& v : c.vintages) p.credits += v.credits;
        const fs::path tmp = transaction.stage(p.file);
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        out.close();
        if (!out) throw IoError(p.file, "cannot write the certificate");
        written.insert(p.file);
        result.certificates.push_back(std::move(p));
    }
    transaction.commit();
    // Certificates of parcels no longer credited would otherwise look current.
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(result.dir, ec)) {
        const fs::path& f = e.path();
        if (f.extension() == ".json" && f.filename().string().front() != '.' && !written.count(f)) {
            result.removed.push_back(f.filename().string());
            fs::remove(f, ec);
        }
    }
    std::sort(result.removed.begin(), result.removed.end());
    return result;
}

std::string to_json(const CertifyResult& r) {
    ordered_json j{{"command", "certify"},       {"bluecarbon_version", k_version},
                   {"project_id", r.project_id}, {"key_id", r.key_id},
                   {"sample_key", r.sample_key}, {"assessment_date", r.assessment_date},
                   {"folder", r.dir.string()}};
    auto& list = j["certificates"] = ordered_json::array();
    for (const auto& c : r.certificates)
        list.push_back({{"parcel_id", c.parcel_id},
                        {"file", c.file.string()},
                        {"sha256", c.file_sha256},
                        {"credits_t_co2e", c.credits}});
    j["removed"] = r.removed;
    auto& outputs = j["outputs"] = ordered_json::array();
    for (const auto& c : r.certificates) outputs.push_back(c.file.string());
    return j.dump(2);
}

std::string summary_text(const CertifyResult& r) {
    std::int64_t total = 0;
    for (const auto& c : r.certificates) total += c.credits;
    std::string s = fmt::format("certify: {} certificate(s), {} t CO2e, project {}, key {}, assessed {} -> {}\n",
                                r.certificates.size(), total, r.project_id, r.key_id, r.assessment_date,
                                r.dir.string());
    if (r.sample_key) s += "  signed with the sample key: these certificates only demonstrate the tool\n";
    for (const auto& c : r.certificates) s += fmt::format("  {:<16} {:>8} t CO2e\n", c.parcel_id, c.credits);
    for (const auto& f : r.removed) s += fmt::format("  removed {} (no longer credited)\n", f);
    return s;
}

}  // namespace bluecarbon::pipeline
