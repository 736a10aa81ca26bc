#pragma once
// The sample project's signing key pair: a published demo key (anyone may read it, so certificates signed with
// it only demonstrate the tool; the sample's [certify] says so with sample_key = true). Fixed text, so the
// sample the generator writes equals the committed copy byte for byte.
#include <string>

namespace bluecarbon::sample {

[[nodiscard]] std::string sample_private_key_pem();
[[nodiscard]] std::string sample_public_key_pem();

}  // namespace bluecarbon::sample
