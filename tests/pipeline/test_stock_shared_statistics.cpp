// The scene statistics shared across MPI ranks (RunContext::ranks), checked without MPI through a stand-in
// RankGroup that keeps MpiRanks' rule: one combine() per phase, one more after each another_round(). A percentile
// of NDVI needs a second, exact read, so the ranks exchange twice: coarse histograms, then exact values.
#include <bluecarbon/config/project_config.hpp>
#include <bluecarbon/error.hpp>
#include <bluecarbon/pipeline/stock.hpp>

#include "pipeline/pipeline_fixtures.hpp"
#include "support/file_text.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <stdexcept>
#include <string>

using namespace bluecarbon;
namespace fs = std::filesystem;

namespace {

// Rank `rank` of `size`, whose every peer sent the same part as this rank; call number `fail_at` (if any) throws
// as MpiRanks does when another rank failed.
class RoundCountingRanks final : public pipeline::RankGroup {
public:
    RoundCountingRanks(std::size_t rank, std::size_t size, int fail_at = 0)
        : m_rank(rank), m_size(size), m_fail_at(fail_at) {}
    [[nodiscard]] std::size_t rank() const noexcept override { return m_rank; }
    [[nodiscard]] std::size_t size() const noexcept override { return m_size; }
    Bytes combine(Bytes part, const std::function<Bytes(const std::vector<Bytes>&)>& fn) override {
        if (!m_owed) throw std::logic_error("combine() again in a phase without another_round()");
        m_owed = false;
        if (++calls == m_fail_at) throw Error("--mpi: another rank failed (see its message); run again with --resume");
        return fn(std::vector<Bytes>(m_size, part));
    }
    void another_round() override {
        m_owed = true;
        ++rounds;
    }
    int calls{0}, rounds{0};

private:
    std::size_t m_rank, m_size;
    int m_fail_at;
    bool m_owed{true};
};

// The sample project classified by its rules, the salt-marsh rule also asking for the 10th percentile of NDVI.
config::ProjectConfig rules_with_percentile(const test::SampleProject& s, const std::string& output) {
    const fs::path path = s.dir.path() / "project.toml";
    std::string toml = test::slurp(path);
    for (const auto& [from, to] :
         {std::pair<std::string, std::string>{"source = \"map\"", "source = \"rules\""},
          {"ndvi > 0.3 && intertidal", "ndvi > 0.3 && ndvi > percentile(ndvi, 10) && intertidal"}}) {
        REQUIRE(toml.find(from) != std::string::npos);
        toml.replace(toml.find(from), from.size(), to);
    }
    auto cfg = config::parse_project(toml, path);
    cfg.output_dir = s.dir.path() / output;
    return cfg;
}

}  // namespace

TEST_CASE("ranks share the statistics in one exchange per read and declare each further read",
          "[pipeline][stock][mpi]") {
    test::SampleProject s;
    pipeline::RunContext ctx;
    ctx.threads = 1;
    ctx.tile = 128;
    const auto single = pipeline::run_stock(rules_with_percentile(s, "single"), ctx);
    REQUIRE(single.thresholds.count("percentile(ndvi, 10)") == 1);

    SECTION("both ranks make two exchanges and declare the second") {
        for (std::size_t rank : {0, 1}) {
            // Each rank in its own folder: a sibling shard's manifest would hand it the thresholds.
            const auto cfg = rules_with_percentile(s, "shared" + std::to_string(rank));
            RoundCountingRanks ranks(rank, 2);
            auto rank_ctx = ctx;
            rank_ctx.shard = pipeline::ShardSpec{rank, 2};
            rank_ctx.ranks = &ranks;
            const auto r = pipeline::run_stock(cfg, rank_ctx);
            CHECK(ranks.calls == 2);
            CHECK(ranks.rounds == 1);
            // Every part here is this rank's own, counted twice: its shard's thresholds, not the scene's, yet the
            // same statistics are known.
            CHECK(r.thresholds.size() == single.thresholds.size());
        }
    }

    SECTION("a peer that failed before the exact read stops the rank with its error, before any output") {
        const auto cfg = rules_with_percentile(s, "shared");
        RoundCountingRanks ranks(0, 2, 2);
        auto rank_ctx = ctx;
        rank_ctx.shard = pipeline::ShardSpec{0, 2};
        rank_ctx.ranks = &ranks;
        CHECK_THROWS_WITH(pipeline::run_stock(cfg, rank_ctx), Catch::Contains("another rank failed"));
        CHECK(ranks.calls == 2);
        CHECK_FALSE(fs::exists(cfg.output_dir / "stock_total.tif"));
    }
}
