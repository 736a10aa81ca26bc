#include <bluecarbon/certify/base64.hpp>
#include <bluecarbon/certify/keys.hpp>
#include <bluecarbon/core/sha256.hpp>
#include <bluecarbon/error.hpp>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace bluecarbon::certify {

namespace fs = std::filesystem;

namespace {

struct PkeyFree {
    void operator()(EVP_PKEY* p) const noexcept { EVP_PKEY_free(p); }
};
struct MdCtxFree {
    void operator()(EVP_MD_CTX* c) const noexcept { EVP_MD_CTX_free(c); }
};
struct BioFree {
    void operator()(BIO* b) const noexcept { BIO_free(b); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;
using BioPtr = std::unique_ptr<BIO, BioFree>;

/// OpenSSL keeps a per-thread error queue; leave it empty after a failure we report ourselves.
[[noreturn]] void fail(const std::string& message) {
    ERR_clear_error();
    throw Error(message);
}

std::string bio_text(BIO* bio) {
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio, &data);
    return std::string(data, static_cast<std::size_t>(n));
}

PkeyPtr raw_public_pkey(const PublicKeyBytes& raw) {
    PkeyPtr p(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, raw.data(), raw.size()));
    if (!p) fail("Ed25519: OpenSSL could not build a public key");
    return p;
}

PublicKeyBytes raw_public_of(EVP_PKEY* pkey) {
    PublicKeyBytes raw{};
    std::size_t len = raw.size();
    if (EVP_PKEY_get_raw_public_key(pkey, raw.data(), &len) != 1 || len != raw.size()) {
        fail("Ed25519: OpenSSL could not export the public key");
    }
    return raw;
}

std::string read_text(const fs::path& path, const char* what) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path.string() + ": cannot open the " + what);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

/// Writes `text` to a new file created with `mode` under a temporary name, then links it into place (link(2) fails
/// rather than overwrite) and removes the temporary name: the file appears complete or not at all.
void write_new_file(const fs::path& path, const std::string& text, mode_t mode) {
    const fs::path tmp = path.string() + ".tmp-" + std::to_string(::getpid());
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0) throw IoError(tmp, std::string("cannot create: ") + std::strerror(errno));
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            const int e = errno;
            ::close(fd);
            ::unlink(tmp.c_str());
            throw IoError(tmp, std::string("write failed: ") + std::strerror(e));
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        ::unlink(tmp.c_str());
        throw IoError(tmp, "could not be flushed to disk");
    }
    if (::link(tmp.c_str(), path.c_str()) != 0) {
        const int e = errno;
        ::unlink(tmp.c_str());
        if (e == EEXIST) throw InputError(path.string() + ": already exists; refusing to overwrite a key");
        throw IoError(path, std::string("cannot create: ") + std::strerror(e));
    }
    ::unlink(tmp.c_str());
}

}  // namespace

// ---- PublicKey ----------------------------------------------------------------------------------------------------

std::string PublicKey::base64() const { return base64_encode(m_raw); }

std::string PublicKey::key_id() const {
    return sha256_hex(std::string_view(reinterpret_cast<const char*>(m_raw.data()), m_raw.size()));
}

std::string PublicKey::pem() const {
    const PkeyPtr p = raw_public_pkey(m_raw);
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_PUBKEY(bio.get(), p.get()) != 1) fail("Ed25519: could not write the public key PEM");
    return bio_text(bio.get());
}

bool PublicKey::verify(std::string_view message, std::span<const std::uint8_t> signature) const {
    SignatureVerifier v;
    return v.verify(*this, message, signature);
}

// ---- SignatureVerifier --------------------------------------------------------------------------------------------

struct SignatureVerifier::Impl {
    std::optional<PublicKeyBytes> raw;  ///< the key `pkey` holds
    PkeyPtr pkey;
    MdCtxPtr ctx{EVP_MD_CTX_new()};
};

SignatureVerifier::SignatureVerifier() : m_impl(std::make_unique<Impl>()) {
    if (!m_impl->ctx) fail("Ed25519: OpenSSL could not allocate a digest context");
}
SignatureVerifier::SignatureVerifier(SignatureVerifier&&) noexcept = default;
SignatureVerifier& SignatureVerifier::operator=(SignatureVerifier&&) noexcept = default;
SignatureVerifier::~SignatureVerifier() = default;

bool SignatureVerifier::verify(const PublicKey& key, std::string_view message,
                               std::span<const std::uint8_t> signature) {
    if (signature.size() != std::tuple_size_v<SignatureBytes>) return false;
    Impl& I = *m_impl;
    if (!I.raw || *I.raw != key.raw()) {
        I.pkey = raw_public_pkey(key.raw());
        I.raw = key.raw();
    }
    EVP_MD_CTX_reset(I.ctx.get());
    if (EVP_DigestVerifyInit(I.ctx.get(), nullptr, nullptr, nullptr, I.pkey.get()) != 1) {
        fail("Ed25519: OpenSSL could not start a verification");
    }
    const int rc = EVP_DigestVerify(I.ctx.get(), signature.data(), signature.size(),
                                    reinterpret_cast<const unsigned char*>(message.data()), message.size());
    ERR_clear_error();  // a failed verification leaves an entry in the queue
    return rc == 1;
}

PublicKey public_key_from_pem(std::string_view pem, const std::string& source) {
    BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    PkeyPtr p(bio ? PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr) : nullptr);
    ERR_clear_error();
    if (!p) throw InputError(source + ": not a PEM public key");
    if (EVP_PKEY_is_a(p.get(), "ED25519") != 1) throw InputError(source + ": not an Ed25519 public key");
    return PublicKey(raw_public_of(p.get()));
}

PublicKey load_public_key(const fs::path& path) {
    const std::string text = read_text(path, "public key");
    if (text.find("-----BEGIN") != std::string::npos) return public_key_from_pem(text, path.string());
    const auto first = text.find_first_not_of(" \t\r\n");
    const auto last = text.find_last_not_of(" \t\r\n");
    const auto raw = first == std::string::npos ? std::nullopt : base64_decode(text.substr(first, last - first + 1));
    if (!raw || raw->size() != 32) throw InputError(path.string() + ": not an Ed25519 public key (PEM or base64)");
    PublicKeyBytes bytes{};
    std::copy(raw->begin(), raw->end(), bytes.begin());
    return PublicKey(bytes);
}

// ---- PrivateKey ---------------------------------------------------------------------------------------------------

struct PrivateKey::Impl {
    PkeyPtr pkey;
};

PrivateKey::PrivateKey(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
PrivateKey::PrivateKey(PrivateKey&&) noexcept = default;
PrivateKey& PrivateKey::operator=(PrivateKey&&) noexcept = default;
PrivateKey::~PrivateKey() = default;

PrivateKey PrivateKey::generate() {
    PkeyPtr p(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
    if (!p) fail("Ed25519: OpenSSL could not generate a key");
    return PrivateKey(std::make_unique<Impl>(Impl{std::move(p)}));
}

PrivateKey PrivateKey::from_pem(std::string_view pem, const std::string& source) {
    BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    PkeyPtr p(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
    ERR_clear_error();
    if (!p) throw InputError(source + ": not a PEM private key");
    if (EVP_PKEY_is_a(p.get(), "ED25519") != 1) throw InputError(source + ": not an Ed25519 private key");
    return PrivateKey(std::make_unique<Impl>(Impl{std::move(p)}));
}

PrivateKey PrivateKey::load(const fs::path& path, bool published) {
    // Check the mode on the opened descriptor (not the name), then read through the same descriptor.
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw InputError(path.string() + ": cannot open the private key: " + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        ::close(fd);
        throw InputError(path.string() + ": cannot stat the private key");
    }
    if (!published && (st.st_mode & 077) != 0) {
        ::close(fd);
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
        throw InputError(path.string() + ": permissions " + mode +
                         " are too open: a private key must not be accessible by group or others (chmod 600)");
    }
    std::string text;
    char buf[4096];
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            ::close(fd);
            throw InputError(path.string() + ": cannot read the private key");
        }
        if (n == 0) break;
        text.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return from_pem(text, path.string());
}

PublicKey PrivateKey::public_key() const { return PublicKey(raw_public_of(m_impl->pkey.get())); }

SignatureBytes PrivateKey::sign(std::string_view message) const {
    MdCtxPtr ctx(EVP_MD_CTX_new());
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, m_impl->pkey.get()) != 1) {
        fail("Ed25519: OpenSSL could not start signing");
    }
    SignatureBytes sig{};
    std::size_t len = sig.size();
    if (EVP_DigestSign(ctx.get(), sig.data(), &len, reinterpret_cast<const unsigned char*>(message.data()),
                       message.size()) != 1 ||
        len != sig.size()) {
        fail("Ed25519: OpenSSL signing failed");
    }
    return sig;
}

std::string PrivateKey::pem() const {
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_PrivateKey(bio.get(), m_impl->pkey.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
        fail("Ed25519: could not write the private key PEM");
    }
    return bio_text(bio.get());
}

KeyPairFiles write_key_pair(const PrivateKey& key, const fs::path& dir) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw IoError(dir, "cannot create the folder: " + ec.message());
    KeyPairFiles files{dir / k_private_key_file, dir / k_public_key_file, key.public_key().key_id()};
    if (fs::exists(files.public_key)) {
        throw InputError(files.public_key.string() + ": already exists; refusing to overwrite a key");
    }
    write_new_file(files.private_key, key.pem(), 0600);
    try {
        write_new_file(files.public_key, key.public_key().pem(), 0644);
    } catch (...) {
        fs::remove(files.private_key, ec);  // never leave half a pair
        throw;
    }
    return files;
}

}  // namespace bluecarbon::certify
