// samples/xiangshan is exactly what `bluecarbon sample --out` writes: regenerate the sample and compare the file
// lists and bytes (a change to the generator must come with the regenerated sample, and the other way round).
#include "sample/sample_writer.hpp"
#include "support/file_text.hpp"
#include "support/temp_dir.hpp"
#include "test_config.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <set>
#include <sstream>

namespace fs = std::filesystem;

namespace {
using bluecarbon::test::slurp;

std::set<std::string> files_in(const fs::path& dir) {
    std::set<std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
        const auto rel = fs::relative(e.path(), dir).string();
        if (e.is_regular_file() && rel.rfind("output", 0) != 0) out.insert(rel);
    }
    return out;
}
}  // namespace

TEST_CASE("the committed sample equals what the generator writes", "[pipeline][sample]") {
    const fs::path committed = fs::path(bluecarbon::test::k_source_dir) / "samples" / "xiangshan";
    REQUIRE(fs::exists(committed / "project.toml"));
    bluecarbon::test::TempDir dir("bc-sample");
    (void)bluecarbon::sample::write_sample_project(dir.path(), bluecarbon::sample::WriteOptions{2, 512, nullptr});
    const auto names = files_in(committed);
    CHECK(names == files_in(dir.path()));
    for (const auto& name : names) {
        INFO(name);
        CHECK(slurp(committed / name) == slurp(dir.path() / name));
    }
}

TEST_CASE("the sample names the climate zones as issue 11 corrected them", "[pipeline][sample]") {
    // Zhejiang is subtropical, Hainan tropical (the old comment put the whole coast from Hainan to Zhejiang in the
    // subtropical zone); FAO's Global Ecological Zones are the way to choose.
    const auto toml = slurp(fs::path(bluecarbon::test::k_source_dir) / "samples" / "xiangshan" / "project.toml");
    CHECK(toml.find("Hainan's is tropical") != std::string::npos);
    CHECK(toml.find("Global Ecological Zones") != std::string::npos);
    CHECK(toml.find("from Hainan to Zhejiang is subtropical") == std::string::npos);
}
