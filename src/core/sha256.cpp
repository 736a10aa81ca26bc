#include <bluecarbon/core/sha256.hpp>
#include <bluecarbon/error.hpp>

#include <openssl/evp.h>

#include <fstream>
#include <vector>

namespace bluecarbon {

struct Sha256::Impl {
    struct Free {
        void operator()(EVP_MD_CTX* c) const noexcept { EVP_MD_CTX_free(c); }
    };
    std::unique_ptr<EVP_MD_CTX, Free> ctx{EVP_MD_CTX_new()};
    bool finished{false};
};

Sha256::Sha256() : m_impl(std::make_unique<Impl>()) {
    if (!m_impl->ctx || EVP_DigestInit_ex(m_impl->ctx.get(), EVP_sha256(), nullptr) != 1) {
        throw Error("SHA-256: OpenSSL could not initialise a digest context");
    }
}

Sha256::~Sha256() = default;
Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;

void Sha256::update(std::span<const std::uint8_t> bytes) {
    if (m_impl->finished) throw Error("SHA-256: update after digest");
    if (!bytes.empty() && EVP_DigestUpdate(m_impl->ctx.get(), bytes.data(), bytes.size()) != 1) {
        throw Error("SHA-256: OpenSSL digest update failed");
    }
}

void Sha256::update(std::string_view text) {
    update(std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

Sha256Digest Sha256::digest() {
    if (m_impl->finished) throw Error("SHA-256: digest taken twice");
    Sha256Digest out{};
    unsigned int length = 0;
    if (EVP_DigestFinal_ex(m_impl->ctx.get(), out.data(), &length) != 1 || length != out.size()) {
        throw Error("SHA-256: OpenSSL digest final failed");
    }
    m_impl->finished = true;
    return out;
}

std::string to_hex(const Sha256Digest& digest) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(2 * digest.size());
    for (std::uint8_t b : digest) {
        hex.push_back(digits[b >> 4]);
        hex.push_back(digits[b & 0x0f]);
    }
    return hex;
}

Sha256Digest sha256(std::string_view bytes) {
    Sha256 h;
    h.update(bytes);
    return h.digest();
}

std::string sha256_hex(std::string_view bytes) { return to_hex(sha256(bytes)); }

std::string sha256_file_hex(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw IoError(path, "cannot open the file to hash it");
    Sha256 h;
    std::vector<char> buffer(1 << 20);
    while (in) {
        in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
        const auto n = static_cast<std::size_t>(in.gcount());
        if (n > 0) h.update(std::string_view(buffer.data(), n));
    }
    if (in.bad()) throw IoError(path, "read error while hashing");
    return to_hex(h.digest());
}

}  // namespace bluecarbon
