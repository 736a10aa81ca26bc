#pragma once
// A registry in a temporary folder with one trusted key, and signed synthetic certificates for it.
#include <bluecarbon/certify/signing.hpp>
#include <bluecarbon/registry/registry.hpp>

#include "certify/certificate_fixture.hpp"
#include "support/temp_dir.hpp"

namespace bluecarbon::test {

inline const certify::PrivateKey& registry_test_key() {
    static const certify::PrivateKey key = certify::PrivateKey::generate();
    return key;
}

inline registry::RegistryOptions rectangle_options() {
    registry::RegistryOptions o;
    o.overlap_area = rectangle_overlap;
    return o;
}

/// Signed bytes of a rectangular parcel's certificate.
inline std::string signed_rectangle(const std::string& project, const std::string& parcel, double x0, double y0,
                                    double x1, double y1, std::int64_t credits = 10,
                                    std::initializer_list<int> years = {2024},
                                    const certify::PrivateKey& key = registry_test_key()) {
    return certify::sign_certificate(sample_certificate(project, parcel, x0, y0, x1, y1, credits, years), key);
}

struct RegistryFixture {
    TempDir dir{"bluecarbon-registry"};
    std::filesystem::path path{dir / "registry.db"};
    registry::Registry reg{
        registry::Registry::create(path, "BCR", {registry_test_key().public_key()}, rectangle_options())};
};

}  // namespace bluecarbon::test
