#include "sample/sample_key.hpp"

namespace bluecarbon::sample {

// Generated once with `openssl genpkey -algorithm ed25519`; never use it for real credits.
std::string sample_private_key_pem() {
    return "-----BEGIN PRIVATE KEY-----\n"
           "MC4CAQAwBQYDK2VwBCIEIKxto35P1hZlSEgn2x8OwciF4OJartOLyJKw2nNUxs3x\n"
           "-----END PRIVATE KEY-----\n";
}

std::string sample_public_key_pem() {
    return "-----BEGIN PUBLIC KEY-----\n"
           "MCowBQYDK2VwAyEAJlR9ic8FexyR6+1qCcdc62nQxtGUXIicmwp31UKfb0M=\n"
           "-----END PUBLIC KEY-----\n";
}

}  // namespace bluecarbon::sample
