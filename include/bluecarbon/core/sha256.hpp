#pragma once
/// SHA-256 (FIPS 180-4) through OpenSSL's EVP interface: input hashes in run records and certificates,
/// geometry fingerprints, the registry's hash chain. One implementation for the whole tool.
#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace bluecarbon {

using Sha256Digest = std::array<std::uint8_t, 32>;

/// Incremental SHA-256: update() any number of times, then digest() once.
class Sha256 {
public:
    Sha256();
    ~Sha256();
    Sha256(Sha256&&) noexcept;
    Sha256& operator=(Sha256&&) noexcept;
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;

    void update(std::span<const std::uint8_t> bytes);
    void update(std::string_view text);
    /// Finishes the hash; the object may not be updated afterwards.
    [[nodiscard]] Sha256Digest digest();

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

/// 64 lower-case hex digits.
[[nodiscard]] std::string to_hex(const Sha256Digest& digest);
[[nodiscard]] Sha256Digest sha256(std::string_view bytes);
[[nodiscard]] std::string sha256_hex(std::string_view bytes);
/// Streams the file in 1 MiB chunks. Throws IoError naming the file when it cannot be read.
[[nodiscard]] std::string sha256_file_hex(const std::filesystem::path& path);

}  // namespace bluecarbon
