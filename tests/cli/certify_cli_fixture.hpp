#pragma once
// A key pair and signed certificates of rectangular parcels for the keygen/verify/registry CLI tests.
#include <bluecarbon/certify/keys.hpp>
#include <bluecarbon/certify/signing.hpp>

#include "certify/certificate_fixture.hpp"
#include "cli/cli_fixtures.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace bluecarbon::test {

struct SigningKey {
    std::filesystem::path dir;
    certify::PrivateKey key;
    explicit SigningKey(const std::filesystem::path& d)
        : dir(d), key([&d] {
              (void)certify::write_key_pair(certify::PrivateKey::generate(), d);
              return certify::PrivateKey::load(d / certify::k_private_key_file);
          }()) {}
    [[nodiscard]] std::string pub() const { return (dir / certify::k_public_key_file).string(); }
};

/// Signs the certificate of a rectangular parcel into `path` and returns the path as text.
inline std::string write_certificate(const std::filesystem::path& path, const certify::PrivateKey& key,
                                     const std::string& project, const std::string& parcel, double x0, double y0,
                                     double x1, double y1, std::int64_t credits = 10) {
    certify::write_certificate_file(
        path, certify::sign_certificate(sample_certificate(project, parcel, x0, y0, x1, y1, credits), key));
    return path.string();
}

/// A failed command: the exit code and exactly one error line containing `text`.
inline void check_failure(const CliResult& r, int code, const std::string& text) {
    INFO("stdout: " << r.out << "\nstderr: " << r.err);
    CHECK(r.code == code);
    CHECK(error_lines(r.err).size() == 1);
    CHECK_THAT(r.err, Catch::Contains(text));
}

}  // namespace bluecarbon::test
