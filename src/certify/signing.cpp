#include <bluecarbon/certify/base64.hpp>
#include <bluecarbon/certify/canonical_json.hpp>
#include <bluecarbon/certify/signing.hpp>
#include <bluecarbon/core/sha256.hpp>
#include <bluecarbon/error.hpp>

#include <fstream>
#include <sstream>

#include <unistd.h>

namespace bluecarbon::certify {

using nlohmann::json;
namespace fs = std::filesystem;

std::string sign_certificate_json(const json& certificate, const PrivateKey& key) {
    if (!certificate.is_object()) throw InputError("certificate: must be a JSON object");
    const std::string message = canonical_json(certificate);
    const SignatureBytes sig = key.sign(message);
    const PublicKey pub = key.public_key();
    const json file = {{"certificate", certificate},
                       {"signature",
                        {{"alg", "Ed25519"},
                         {"key", pub.base64()},
                         {"key_id", pub.key_id()},
                         {"value", base64_encode(sig)}}}};
    return canonical_json(file);
}

std::string sign_certificate(const Certificate& certificate, const PrivateKey& key) {
    return sign_certificate_json(to_json(certificate), key);
}

void write_certificate_file(const fs::path& path, std::string_view signed_bytes) {
    const fs::path tmp = path.string() + ".tmp-" + std::to_string(::getpid());
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) throw IoError(tmp, "cannot create the certificate file");
        out.write(signed_bytes.data(), static_cast<std::streamsize>(signed_bytes.size()));
        out.flush();
        if (!out) {
            std::error_code ec;
            fs::remove(tmp, ec);
            throw IoError(tmp, "write failed");
        }
    }
    std::error_code ec;
    fs::rename(tmp, path, ec);
    if (ec) {
        fs::remove(tmp, ec);
        throw IoError(path, "cannot rename the certificate into place");
    }
}

const char* to_string(VerifyStatus s) noexcept {
    switch (s) {
    case VerifyStatus::valid: return "valid";
    case VerifyStatus::non_canonical: return "non-canonical";
    case VerifyStatus::malformed: return "malformed";
    case VerifyStatus::hash_mismatch: return "hash mismatch";
    case VerifyStatus::bad_signature: return "bad signature";
    case VerifyStatus::wrong_key: return "wrong key";
    }
    return "unknown";
}

std::string VerifyResult::message() const {
    if (ok()) return "valid, key " + key_id + (pinned ? "" : " not pinned");
    return std::string("invalid: ") + to_string(status) + (detail.empty() ? "" : ": " + detail);
}

VerifyResult verify_certificate(std::string_view file_bytes, const PublicKey* pinned, SignatureVerifier* verifier) {
    VerifyResult r;
    r.file_sha256 = sha256_hex(file_bytes);
    auto fail = [&r](VerifyStatus s, std::string detail) {
        r.status = s;
        r.detail = std::move(detail);
        return r;
    };
    json file;
    try {
        file = json::parse(file_bytes);
    } catch (const json::exception&) {
        return fail(VerifyStatus::non_canonical, "not valid JSON");
    }
    try {
        if (canonical_json(file) != file_bytes) {
            return fail(VerifyStatus::non_canonical, "the file is not byte-for-byte its RFC 8785 canonical form");
        }
    } catch (const InputError& e) {
        return fail(VerifyStatus::non_canonical, e.what());
    }
    if (!file.is_object() || file.size() != 2 || !file.contains("certificate") || !file.contains("signature")) {
        return fail(VerifyStatus::malformed, "the file must hold exactly `certificate` and `signature`");
    }
    const json& cert = file["certificate"];
    const json& sig = file["signature"];
    if (!cert.is_object()) return fail(VerifyStatus::malformed, "certificate: must be an object");
    if (!sig.is_object() || sig.size() != 4) {
        return fail(VerifyStatus::malformed, "signature: must hold exactly alg, key, key_id and value");
    }
    for (const char* m : {"alg", "key", "key_id", "value"}) {
        if (!sig.contains(m) || !sig[m].is_string()) {
            return fail(VerifyStatus::malformed, std::string("signature.") + m + ": missing or not a string");
        }
    }
    if (sig["alg"] != "Ed25519") return fail(VerifyStatus::malformed, "signature.alg: only Ed25519 is supported");
    const auto key_raw = base64_decode(sig["key"].get<std::string>());
    if (!key_raw || key_raw->size() != 32) {
        return fail(VerifyStatus::malformed, "signature.key: not a canonical base64 Ed25519 public key");
    }
    PublicKeyBytes key_bytes{};
    std::copy(key_raw->begin(), key_raw->end(), key_bytes.begin());
    const PublicKey key(key_bytes);
    r.key_id = key.key_id();
    if (sig["key_id"] != r.key_id) {
        return fail(VerifyStatus::wrong_key, "signature.key_id is not the SHA-256 fingerprint of signature.key");
    }
    const auto value = base64_decode(sig["value"].get<std::string>());
    if (!value || value->size() != 64) {
        return fail(VerifyStatus::malformed, "signature.value: not a canonical base64 Ed25519 signature");
    }
    // The file is canonical and `signature` sorts last, so the certificate's canonical bytes are the text between
    // the leading {"certificate": and the last ,"signature":{ (no string can hold an unescaped quote).
    constexpr std::string_view k_head = "{\"certificate\":";
    const auto sig_at = file_bytes.rfind(",\"signature\":{");
    if (file_bytes.substr(0, k_head.size()) != k_head || sig_at == std::string_view::npos || sig_at < k_head.size()) {
        return fail(VerifyStatus::malformed, "the file must hold exactly `certificate` and `signature`");
    }
    const std::string_view message = file_bytes.substr(k_head.size(), sig_at - k_head.size());
    if (!(verifier ? verifier->verify(key, message, *value) : key.verify(message, *value))) {
        return fail(VerifyStatus::bad_signature, "the signature does not verify over the certificate");
    }
    if (pinned != nullptr) {
        if (!(*pinned == key)) {
            return fail(VerifyStatus::wrong_key, "signed by key " + r.key_id + ", expected " + pinned->key_id());
        }
        r.pinned = true;
    }
    try {
        r.certificate = certificate_from_json(cert);
    } catch (const InputError& e) {
        return fail(VerifyStatus::malformed, e.what());
    }
    if (!geometry_hash_matches(*r.certificate)) {
        return fail(VerifyStatus::hash_mismatch, "certificate.geometry.sha256 is not the SHA-256 of geometry.wkb");
    }
    r.status = VerifyStatus::valid;
    return r;
}

VerifyResult verify_certificate_file(const fs::path& path, const PublicKey* pinned) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path.string() + ": cannot open the certificate");
    std::ostringstream s;
    s << in.rdbuf();
    return verify_certificate(s.str(), pinned);
}

}  // namespace bluecarbon::certify
