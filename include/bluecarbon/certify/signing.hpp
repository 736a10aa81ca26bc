#pragma once
/// Signed certificate files: `{"certificate": {...}, "signature": {"alg": "Ed25519", "key": <public key, base64>,
/// "key_id": <SHA-256 of the key, hex>, "value": <signature, base64>}}`, written as exactly its RFC 8785 canonical
/// form. The signature covers the canonical bytes of the `certificate` member.
#include <bluecarbon/certify/certificate.hpp>
#include <bluecarbon/certify/keys.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace bluecarbon::certify {

/// The canonical bytes of the signed file for `certificate` (any JSON object) signed with `key`.
[[nodiscard]] std::string sign_certificate_json(const nlohmann::json& certificate, const PrivateKey& key);
[[nodiscard]] std::string sign_certificate(const Certificate& certificate, const PrivateKey& key);

/// Writes the signed bytes under a temporary name and renames them into place (no half-written certificate).
void write_certificate_file(const std::filesystem::path& path, std::string_view signed_bytes);

enum class VerifyStatus {
    valid,
    non_canonical,   ///< not JSON, or not byte-for-byte its canonical form
    malformed,       ///< canonical JSON, but not the certificate file layout or schema
    hash_mismatch,   ///< a hash inside the certificate does not match what it covers
    bad_signature,   ///< the signature does not verify with the embedded key
    wrong_key,       ///< key_id does not match the key, or a pinned key was given and this is another one
};

[[nodiscard]] const char* to_string(VerifyStatus s) noexcept;

struct VerifyResult {
    VerifyStatus status{VerifyStatus::non_canonical};
    std::string detail;                ///< why, naming the member at fault
    std::string key_id;                ///< of the embedded key, when it could be read
    bool pinned{false};                ///< a pinned key was given and matched
    std::string file_sha256;           ///< SHA-256 of the file bytes (what a registry records)
    std::optional<Certificate> certificate;  ///< set when the certificate member parses
    [[nodiscard]] bool ok() const noexcept { return status == VerifyStatus::valid; }
    /// "valid, key <id>", "valid, key <id> not pinned", or "invalid: <status>: <detail>".
    [[nodiscard]] std::string message() const;
};

/// Checks `file_bytes`: canonical, the layout above, key_id = SHA-256 of key, signature valid, certificate schema
/// and geometry hash, and — if `pinned` is given — that the embedded key is that key.
/// `verifier` (optional) keeps OpenSSL's objects between the calls of one thread.
[[nodiscard]] VerifyResult verify_certificate(std::string_view file_bytes, const PublicKey* pinned = nullptr,
                                              SignatureVerifier* verifier = nullptr);
/// The same on a file (InputError naming it if it cannot be read).
[[nodiscard]] VerifyResult verify_certificate_file(const std::filesystem::path& path,
                                                   const PublicKey* pinned = nullptr);

}  // namespace bluecarbon::certify
