// The stock merge shared across MPI ranks (RunContext::ranks), checked without MPI through a stand-in RankGroup:
// each rank publishes only its share of the rasters (rank 0 also the tables), the shares together are the bytes
// one process writes, and a rank whose partner failed publishes nothing.
#include <bluecarbon/error.hpp>
#include <bluecarbon/pipeline/merge.hpp>
#include <bluecarbon/pipeline/stock.hpp>

#include "support/file_text.hpp"
#include "pipeline/pipeline_fixtures.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

using namespace bluecarbon;
namespace fs = std::filesystem;

namespace {

// Rank `rank` of `size`; its one exchange either succeeds (every other rank staged its share) or throws as
// MpiRanks does when another rank failed.
class StandInRanks final : public pipeline::RankGroup {
public:
    StandInRanks(std::size_t rank, std::size_t size, bool partner_failed)
        : m_rank(rank), m_size(size), m_partner_failed(partner_failed) {}
    [[nodiscard]] std::size_t rank() const noexcept override { return m_rank; }
    [[nodiscard]] std::size_t size() const noexcept override { return m_size; }
    Bytes combine(Bytes part, const std::function<Bytes(const std::vector<Bytes>&)>& fn) override {
        ++calls;
        if (m_partner_failed) throw Error("--mpi: another rank failed (see its message); run again with --resume");
        return fn(std::vector<Bytes>(m_size, part));
    }
    int calls{0};

private:
    std::size_t m_rank, m_size;
    bool m_partner_failed;
};

using bluecarbon::test::slurp;

// The regular files directly in `dir`, hidden ones (temporaries, the hash cache) included.
std::set<std::string> files_in(const fs::path& dir) {
    std::set<std::string> names;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.is_regular_file()) names.insert(e.path().filename().string());
    return names;
}

// The files directly in `dir` that are not in `known`.
std::set<std::string> files_besides(const fs::path& dir, const std::set<std::string>& known) {
    std::set<std::string> added;
    for (const auto& f : files_in(dir))
        if (known.count(f) == 0) added.insert(f);
    return added;
}

}  // namespace

TEST_CASE("a stock merge shared by 2 ranks publishes each rank's share, together the bytes of one process",
          "[pipeline][stock][shard][mpi]") {
    test::SampleProject s;
    pipeline::RunContext ctx;
    ctx.threads = 1;
    ctx.tile = 128;
    const auto single = s.with_output("single");
    (void)pipeline::run_stock(single, ctx);
    const auto cfg = s.with_output("shared");
    for (std::size_t i : {0, 1}) {
        auto shard_ctx = ctx;
        shard_ctx.shard = pipeline::ShardSpec{i, 2};
        (void)pipeline::run_stock(cfg, shard_ctx);
    }
    const fs::path dir = cfg.output_dir;
    const std::set<std::string> before = files_in(dir);

    // all() order: habitat, the 10 pool rasters, tidal.tif; rank 1 of 2 takes the odd positions.
    const std::set<std::string> odd = {"stock_agb.tif",       "stock_dead.tif",       "stock_total.tif",
                                       "uncertainty_agb.tif", "uncertainty_dead.tif", "tidal.tif"};
    const std::set<std::string> even = {"habitat.tif",         "habitat.tif.aux.xml", "stock_bgb.tif",
                                        "stock_soc.tif",       "uncertainty.tif",     "uncertainty_bgb.tif",
                                        "uncertainty_soc.tif", "stock_summary.csv",   "stock_run.json"};

    SECTION("a rank whose partner failed publishes nothing and leaves no temporary") {
        for (std::size_t rank : {0, 1}) {
            StandInRanks ranks(rank, 2, true);
            auto merge_ctx = ctx;
            merge_ctx.ranks = &ranks;
            CHECK_THROWS_WITH(pipeline::run_merge({dir}, merge_ctx), Catch::Contains("another rank failed"));
            CHECK(ranks.calls == 1);
            CHECK(files_in(dir) == before);
        }
    }

    SECTION("rank 1 writes the odd positions, rank 0 the even ones and the tables") {
        StandInRanks one(1, 2, false);
        auto ctx1 = ctx;
        ctx1.ranks = &one;
        const auto r1 = pipeline::run_merge({dir}, ctx1);
        CHECK_FALSE(r1.complete);
        CHECK(one.calls == 1);
        CHECK(files_besides(dir, before) == odd);

        StandInRanks zero(0, 2, false);
        auto ctx0 = ctx;
        ctx0.ranks = &zero;
        const auto r0 = pipeline::run_merge({dir}, ctx0);
        CHECK(r0.complete);
        CHECK(zero.calls == 1);
        CHECK(r0.run.habitats.size() > 1);
        std::set<std::string> known = before;
        known.insert(odd.begin(), odd.end());
        CHECK(files_besides(dir, known) == even);

        for (const auto& set : {odd, even})
            for (const auto& f : set) {
                if (f == "stock_run.json") continue;  // holds the run's own timings
                INFO(f);
                CHECK(slurp(dir / f) == slurp(single.output_dir / f));
            }
    }
}
