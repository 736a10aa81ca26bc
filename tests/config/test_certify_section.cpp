// [certify] and [registry]: typed values, paths against the project folder, one-line errors with line numbers.
#include <bluecarbon/config/project_config.hpp>
#include <bluecarbon/error.hpp>

#include <catch2/catch.hpp>

#include <string>

using namespace bluecarbon;
using namespace bluecarbon::config;
namespace fs = std::filesystem;

namespace {
const fs::path k_project_file = "/data/proj/project.toml";
const std::string k_head = "[project]\nclimate_zone = \"subtropical\"\n";  // lines 1-2
const std::string k_tail = "[habitat]\nmap = \"c.tif\"\n[habitat.classes]\n1 = \"water\"\n";  // after the tested lines

std::string certify_error(const std::string& text) {
    try {
        (void)parse_project(k_head + text + k_tail, k_project_file);
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "(no error)";
}
}  // namespace

TEST_CASE("[certify] and [registry] are read with their defaults", "[config][certify]") {
    const auto none = parse_project(k_head + k_tail, k_project_file);
    CHECK_FALSE(none.certify.present);
    CHECK_FALSE(none.registry.present);
    const auto cfg = parse_project(k_head +
                                       "[certify]\nkey = \"keys/signing.key\"\nproject_id = \"XS-2025\"\n"
                                       "assessment_date = 2025-06-30\nsample_key = true\n"
                                       "[registry]\npath = \"out/registry.db\"\nname = \"NB_BCR\"\n"
                                       "trust = [\"keys/signing.pub\", \"/etc/agency.pub\"]\nissue = true\n" +
                                       k_tail,
                                   k_project_file);
    CHECK(cfg.certify.present);
    CHECK(cfg.certify.key == fs::path("/data/proj/keys/signing.key"));
    CHECK(cfg.certify.project_id == "XS-2025");
    CHECK(cfg.certify.assessment_date == std::optional<std::string>("2025-06-30"));
    CHECK(cfg.certify.sample_key);
    CHECK(cfg.registry.path == fs::path("/data/proj/out/registry.db"));
    CHECK(cfg.registry.name == "NB_BCR");
    CHECK(cfg.registry.trust == std::vector<fs::path>{"/data/proj/keys/signing.pub", "/etc/agency.pub"});
    CHECK(cfg.registry.issue);
    const auto text_date = parse_project(
        k_head + "[certify]\nproject_id = \"X\"\nassessment_date = \"2024-02-29\"\n" + k_tail, k_project_file);
    CHECK(text_date.certify.assessment_date == std::optional<std::string>("2024-02-29"));
    CHECK_FALSE(text_date.certify.key);
    CHECK_FALSE(text_date.certify.sample_key);
}

TEST_CASE("[certify] and [registry] errors name the file, line and key", "[config][certify][bad-input]") {
    CHECK(certify_error("[certify]\nkey = \"k\"\n") ==
          "/data/proj/project.toml:3: certify: missing key \"project_id\"");
    CHECK(certify_error("[certify]\nproject_id = \"X 1\"\n") ==
          "/data/proj/project.toml:4: certify.project_id: use letters, digits, '_' and '-' only");
    CHECK(certify_error("[certify]\nproject_id = \"X\"\nassessment_date = \"2025-02-29\"\n") ==
          "/data/proj/project.toml:5: certify.assessment_date: not a calendar date");
    CHECK(certify_error("[certify]\nproject_id = \"X\"\nassessment_date = \"30/06/2025\"\n") ==
          "/data/proj/project.toml:5: certify.assessment_date: expected a date YYYY-MM-DD, got \"30/06/2025\"");
    CHECK(certify_error("[certify]\nproject_id = \"X\"\nsample_key = \"yes\"\n") ==
          "/data/proj/project.toml:5: certify.sample_key: expected true or false, found a string");
    CHECK_THAT(certify_error("[certify]\nproject_id = \"X\"\nkeyfile = \"k\"\n"),
               Catch::StartsWith("/data/proj/project.toml:5: certify.keyfile: unknown key"));
    CHECK(certify_error("[registry]\npath = \"r.db\"\n") ==
          "/data/proj/project.toml:3: registry: missing key \"name\"");
    CHECK(certify_error("[registry]\npath = \"r.db\"\nname = \"NB-BCR\"\n") ==
          "/data/proj/project.toml:5: registry.name: use letters, digits and '_' only");
    CHECK(certify_error("[registry]\npath = \"r.db\"\nname = \"B\"\ntrust = [1]\n") ==
          "/data/proj/project.toml:6: registry.trust: expected key file names");
}
