#pragma once
/// Ed25519 keys through OpenSSL 3's EVP interface (no hand-written crypto). A key pair on disk is a folder with
/// `signing.key` (PKCS#8 PEM, created with mode 0600) and `signing.pub` (SubjectPublicKeyInfo PEM).
/// A key's id is the SHA-256 fingerprint (64 lower-case hex digits) of its raw 32-byte public key.
#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace bluecarbon::certify {

using PublicKeyBytes = std::array<std::uint8_t, 32>;
using SignatureBytes = std::array<std::uint8_t, 64>;

inline constexpr const char* k_private_key_file = "signing.key";
inline constexpr const char* k_public_key_file = "signing.pub";

/// An Ed25519 public key.
class PublicKey {
public:
    explicit PublicKey(const PublicKeyBytes& raw) : m_raw(raw) {}
    [[nodiscard]] const PublicKeyBytes& raw() const noexcept { return m_raw; }
    [[nodiscard]] std::string base64() const;
    /// SHA-256 of the raw key, lower-case hex.
    [[nodiscard]] std::string key_id() const;
    [[nodiscard]] std::string pem() const;
    /// True if `signature` is this key's Ed25519 signature of `message`.
    [[nodiscard]] bool verify(std::string_view message, std::span<const std::uint8_t> signature) const;
    friend bool operator==(const PublicKey&, const PublicKey&) = default;

private:
    PublicKeyBytes m_raw;
};

/// Verifies Ed25519 signatures keeping OpenSSL's key object (for the last key seen) and digest context between
/// calls, which spares their set-up when many certificates of one key are checked. One per thread.
class SignatureVerifier {
public:
    SignatureVerifier();
    SignatureVerifier(SignatureVerifier&&) noexcept;
    SignatureVerifier& operator=(SignatureVerifier&&) noexcept;
    SignatureVerifier(const SignatureVerifier&) = delete;
    SignatureVerifier& operator=(const SignatureVerifier&) = delete;
    ~SignatureVerifier();
    /// As PublicKey::verify.
    [[nodiscard]] bool verify(const PublicKey& key, std::string_view message, std::span<const std::uint8_t> signature);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

/// An Ed25519 private key (holds an OpenSSL EVP_PKEY; move-only).
class PrivateKey {
public:
    /// A fresh key from OpenSSL's CSPRNG.
    [[nodiscard]] static PrivateKey generate();
    /// Reads a PKCS#8 PEM private key. Refuses (InputError naming the file) a file readable or writable by group or
    /// others, as ssh does, and anything that is not an Ed25519 key. `published` skips the permission check for a
    /// key whose secrecy means nothing (the committed sample's demo key, which git checks out world-readable).
    [[nodiscard]] static PrivateKey load(const std::filesystem::path& path, bool published = false);
    /// From a PKCS#8 PEM text (no permission check; `source` names it in errors).
    [[nodiscard]] static PrivateKey from_pem(std::string_view pem, const std::string& source);

    PrivateKey(PrivateKey&&) noexcept;
    PrivateKey& operator=(PrivateKey&&) noexcept;
    PrivateKey(const PrivateKey&) = delete;
    PrivateKey& operator=(const PrivateKey&) = delete;
    ~PrivateKey();

    [[nodiscard]] PublicKey public_key() const;
    /// Ed25519 signature of `message` (deterministic: the same message and key give the same signature).
    [[nodiscard]] SignatureBytes sign(std::string_view message) const;
    /// PKCS#8 PEM text (unencrypted).
    [[nodiscard]] std::string pem() const;

private:
    struct Impl;
    explicit PrivateKey(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

/// Reads a public key: SubjectPublicKeyInfo PEM (as `signing.pub`), or the key's 44-character base64 form.
[[nodiscard]] PublicKey load_public_key(const std::filesystem::path& path);
[[nodiscard]] PublicKey public_key_from_pem(std::string_view pem, const std::string& source);

struct KeyPairFiles {
    std::filesystem::path private_key;
    std::filesystem::path public_key;
    std::string key_id;
};

/// Generates a key pair into `dir` (created if missing). The private key file is created with mode 0600 from the
/// start (open(2) with O_EXCL, never chmod afterwards) and both files appear complete or not at all (temporary name,
/// then rename). Refuses to overwrite an existing key (InputError naming it).
KeyPairFiles write_key_pair(const PrivateKey& key, const std::filesystem::path& dir);

}  // namespace bluecarbon::certify
