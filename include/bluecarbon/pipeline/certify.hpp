#pragma once
/// `bluecarbon keygen`, `bluecarbon certify` and `bluecarbon verify` (issue 14): Ed25519 key pairs, one signed
/// certificate per credited parcel (certificates/<parcel>.json in the project's output folder, built from the
/// parcels step's parcels.gpkg and the credits step's credits.csv), and offline verification, optionally
/// recomputing a certificate's numbers from the project's current inputs and step outputs.
#include <bluecarbon/certify/certificate.hpp>
#include <bluecarbon/certify/signing.hpp>
#include <bluecarbon/config/project_config.hpp>
#include <bluecarbon/pipeline/run_context.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace bluecarbon::pipeline {

struct KeygenResult {
    std::filesystem::path private_key, public_key;
    std::string key_id;
};

/// Writes `dir`/signing.key (mode 0600) and `dir`/signing.pub; refuses to overwrite a key.
[[nodiscard]] KeygenResult run_keygen(const std::filesystem::path& dir);
[[nodiscard]] std::string to_json(const KeygenResult& r);
[[nodiscard]] std::string summary_text(const KeygenResult& r);

struct CertifyRequest {
    std::optional<std::filesystem::path> key;  ///< overrides [certify] key (field "key" in RequestError)
};

struct CertifiedParcel {
    std::string parcel_id;
    std::filesystem::path file;
    std::string file_sha256;
    std::int64_t credits{0};  ///< over all vintages
};

struct CertifyResult {
    std::string project_id;
    std::string key_id;
    bool sample_key{false};
    std::string assessment_date;
    std::filesystem::path dir;  ///< <output>/certificates
    std::vector<CertifiedParcel> certificates;
    std::vector<std::string> removed;  ///< certificates of parcels no longer credited, removed from dir
};

/// Signs a certificate for every parcel that is eligible in parcels.gpkg and has credits in credits.csv (both in
/// the project's output folder) and publishes them together; other *.json files in certificates/ are removed.
/// Needs [certify]. Throws RequestError("key", ...) without a key, InputError naming the file, row or parcel.
[[nodiscard]] CertifyResult run_certify(const config::ProjectConfig& cfg, const CertifyRequest& request,
                                        const RunContext& ctx = {});
[[nodiscard]] std::string to_json(const CertifyResult& r);
[[nodiscard]] std::string summary_text(const CertifyResult& r);

/// The assessment date of certificates: [certify] assessment_date, else the UTC date of SOURCE_DATE_EPOCH
/// (`source_date_epoch`, null when unset), else today's UTC date. ConfigError for a malformed epoch.
[[nodiscard]] std::string assessment_date(const config::ProjectConfig& cfg, const char* source_date_epoch);

/// The unsigned certificates of every credited parcel, in parcels.gpkg order, from the step outputs and inputs as
/// they are now (what run_certify signs).
[[nodiscard]] std::vector<certify::Certificate> build_certificates(const config::ProjectConfig& cfg,
                                                                   const std::string& assessment_date);

/// The certificates of every credited parcel recomputed from the project's inputs through the library: the stock,
/// parcels and credits steps re-run into a temporary folder (removed afterwards; the project's output folder is
/// neither read nor written), then built as run_certify builds them. What `verify --recompute` compares against.
[[nodiscard]] std::vector<certify::Certificate> recompute_certificates(const config::ProjectConfig& cfg,
                                                                       const std::string& assessment_date,
                                                                       const RunContext& ctx = {});

/// The inputs of `cert` whose file is now missing or different: "input missing: <path>", "input changed: <path>".
[[nodiscard]] std::vector<std::string> changed_inputs(const certify::Certificate& cert,
                                                      const config::ProjectConfig& cfg);

/// Where a signed certificate and its recomputation differ: "number differs: certificate.<field>" (numbers compared
/// exactly). The tool version and the input list are not compared (the inputs are checked by hash).
[[nodiscard]] std::vector<std::string> certificate_differences(const certify::Certificate& signed_cert,
                                                               const certify::Certificate& recomputed);

struct VerifyRequest {
    std::vector<std::filesystem::path> certificates;
    std::optional<std::filesystem::path> pubkey;     ///< pin this key
    std::optional<std::filesystem::path> recompute;  ///< project file to re-hash and recompute against
};

struct VerifiedCertificate {
    std::filesystem::path file;
    certify::VerifyResult check;
    /// Set by --recompute: "input changed: <path>", "input missing: <path>", "number differs: <field>",
    /// "recompute failed: <why>" (a step refused the project's current inputs).
    std::vector<std::string> problems;
    [[nodiscard]] bool ok() const noexcept { return check.ok() && problems.empty(); }
    /// "<file>: valid, key <id>[ not pinned]" or "<file>: invalid: <reason>".
    [[nodiscard]] std::string message() const;
};

struct VerifyReport {
    std::vector<VerifiedCertificate> certificates;
    [[nodiscard]] bool ok() const noexcept;
    /// One line for the first invalid certificate (and how many more), empty when all are valid.
    [[nodiscard]] std::string failure() const;
};

/// Checks every certificate; a file that cannot be read is InputError, an invalid one is reported, not thrown.
[[nodiscard]] VerifyReport run_verify(const VerifyRequest& request, const RunContext& ctx = {});
[[nodiscard]] std::string to_json(const VerifyReport& r);
[[nodiscard]] std::string summary_text(const VerifyReport& r);

}  // namespace bluecarbon::pipeline
