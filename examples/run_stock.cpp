// The stock step of a project file, as a host program runs it: its own GDAL set-up (a GdalSession, as the CLI
// makes), progress on stderr, the human summary and the run record on stdout.
//   run_stock project.toml [threads]
#include <bluecarbon/error.hpp>
#include <bluecarbon/io/gdal_setup.hpp>
#include <bluecarbon/pipeline/stock.hpp>

#include <iostream>
#include <string>

namespace {
// Counts the tiles done; a GUI would move a progress bar here.
struct StderrProgress : bluecarbon::pipeline::ProgressObserver {
    void begin(std::string_view phase, std::int64_t total) override {
        std::cerr << phase << ": " << total << " items\n";
    }
    void advance(std::int64_t, std::int64_t) override {}
    void end() override { std::cerr << "done\n"; }
};
}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::cerr << "usage: run_stock project.toml [threads]\n";
        return 2;
    }
    try {
        const auto project = bluecarbon::config::load_project(argv[1]);
        bluecarbon::pipeline::RunContext ctx;
        if (argc > 2) ctx.threads = std::stoi(argv[2]);
        bluecarbon::GdalSessionOptions gdal;
        gdal.cache_bytes =
            bluecarbon::pipeline::stock_gdal_cache_bytes(ctx.threads > 0 ? ctx.threads : project.processing.threads);
        const bluecarbon::GdalSession session(std::move(gdal));
        StderrProgress progress;
        ctx.progress = &progress;
        const auto result = bluecarbon::pipeline::run_stock(project, ctx);
        std::cout << bluecarbon::pipeline::summary_text(result);
        double total = 0;
        for (const auto& h : result.habitats) total += h.total_mg_c[4];
        std::cout << "total carbon " << total << " Mg C\n";
        return 0;
    } catch (const bluecarbon::Error& e) {
        std::cerr << "run_stock: " << e.what() << '\n';
        return e.exit_code();
    }
}
