// End to end through the CLI: `bluecarbon sample`, `bluecarbon survey calibrate` on it, then `bluecarbon stock`
// with the calibrated model. On the model's habitats, every pixel's AGB must be the model's prediction at that
// pixel — recomputed here from biomass_model.json and the reflectance file's own values, independently of the
// tool's code — times the habitat's Tier-1 carbon fraction.
#include <bluecarbon/science/habitat.hpp>
#include <bluecarbon/science/pools.hpp>
#include <bluecarbon/science/tier1_table.hpp>

#include "cli/cli_fixtures.hpp"
#include "support/temp_dir.hpp"
#include "test_config.hpp"

#include <catch2/catch.hpp>
#include <gdal_priv.h>
#include <nlohmann/json.hpp>

#include <array>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

using namespace bluecarbon;
using bluecarbon::test::run;
using bluecarbon::test::slurp;
namespace fs = std::filesystem;

namespace {

// One band as doubles, with its validity (nodata) and the file's scale and offset applied.
struct Band {
    std::vector<double> value;
    std::vector<std::uint8_t> valid;
};
Band read_scaled(const fs::path& p, int band) {
    GDALDatasetUniquePtr ds(GDALDataset::Open(p.string().c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
    REQUIRE(ds);
    auto* b = ds->GetRasterBand(band);
    const int w = ds->GetRasterXSize(), h = ds->GetRasterYSize();
    std::vector<double> raw(static_cast<std::size_t>(w) * static_cast<std::size_t>(h));
    REQUIRE(b->RasterIO(GF_Read, 0, 0, w, h, raw.data(), w, h, GDT_Float64, 0, 0) == CE_None);
    int has_nodata = 0;
    const double nodata = b->GetNoDataValue(&has_nodata);
    const double scale = b->GetScale(), offset = b->GetOffset();
    Band out{std::vector<double>(raw.size()), std::vector<std::uint8_t>(raw.size())};
    for (std::size_t i = 0; i < raw.size(); ++i) {
        out.valid[i] = !(has_nodata && raw[i] == nodata);
        out.value[i] = raw[i] * scale + offset;
    }
    return out;
}

}  // namespace

TEST_CASE("sample -> survey calibrate -> stock: AGB on the model's habitats is the model's prediction",
          "[cli][stock][model]") {
    test::TempDir dir("bc-stock-model");
    const fs::path d = dir.path() / "sample";
    auto r = run({"sample", "--out", d.string(), "--quiet"});
    INFO(r.err);
    REQUIRE(r.code == 0);
    const fs::path project = d / "project.toml";

    // The sample project names the model file in a comment: calibrate writes it there. The model is fitted on
    // the mangrove plots (--habitats), the habitat it is then applied to.
    auto toml = slurp(project);
    const std::string commented = "#   biomass_model = \"output/biomass_model.json\"";
    REQUIRE(toml.find(commented) != std::string::npos);
    r = run({"survey", "calibrate", project.string(), "--habitats", "mangrove", "--quiet"});
    INFO(r.err);
    REQUIRE(r.code == 0);
    const fs::path model_path = d / "output" / "biomass_model.json";
    REQUIRE(fs::exists(model_path));
    toml.replace(toml.find(commented), commented.size(), "biomass_model = \"output/biomass_model.json\"");
    std::ofstream(project) << toml;
    r = run({"stock", project.string(), "--quiet", "--threads", "2", "--json"});
    INFO(r.err);
    REQUIRE(r.code == 0);
    const auto run_json = nlohmann::json::parse(r.out);
    CHECK(run_json["biomass_model"]["form"] == "log");

    // The model as written (log form: ln AGB = b0 + sum bj xj, prediction exp(eta + sigma^2 / 2)).
    const auto m = nlohmann::json::parse(slurp(model_path));
    REQUIRE(m["form"] == "log");
    const double b0 = m["log_intercept"].get<double>();
    const auto b = m["log_coefficients"].get<std::vector<double>>();
    const double sigma = m["residual_sigma"].get<double>();
    const auto predictors = m["predictors"].get<std::vector<std::string>>();
    REQUIRE(predictors.size() == b.size());
    std::vector<std::uint8_t> model_code(256, 0);
    std::vector<science::Habitat> model_habitats;
    for (const auto& h : m["habitats"]) {
        const auto hab = science::parse_habitat(h.get<std::string>());
        REQUIRE(hab);
        model_code[static_cast<std::size_t>(*hab)] = 1;
        model_habitats.push_back(*hab);
    }
    CHECK(model_habitats == std::vector<science::Habitat>{science::Habitat::mangrove});

    // The sample's reflectance: bands 1-4 are green, red, nir, swir1 (as its project.toml maps them).
    const fs::path refl = d / "reflectance.tif";
    const Band g = read_scaled(refl, 1), red = read_scaled(refl, 2), nir = read_scaled(refl, 3),
               sw = read_scaled(refl, 4);
    auto ratio = [](double num, double den, bool ok, double& out) {
        if (!ok || den == 0.0) return false;
        out = num / den;
        return std::isfinite(out);
    };
    // A predictor at pixel i, from the reflectance values; false where it is undefined.
    auto predictor = [&](const std::string& name, std::size_t i, double& x) {
        const bool ok_gn = g.valid[i] && nir.valid[i];
        if (name == "ndvi") return ratio(nir.value[i] - red.value[i], nir.value[i] + red.value[i], red.valid[i] && nir.valid[i], x);
        if (name == "mvi") return ratio(nir.value[i] - g.value[i], sw.value[i] - g.value[i], ok_gn && sw.valid[i], x);
        if (name == "ndwi") return ratio(g.value[i] - nir.value[i], g.value[i] + nir.value[i], ok_gn, x);
        if (name == "mndwi") return ratio(g.value[i] - sw.value[i], g.value[i] + sw.value[i], g.valid[i] && sw.valid[i], x);
        if (name == "ndmi") return ratio(nir.value[i] - sw.value[i], nir.value[i] + sw.value[i], nir.valid[i] && sw.valid[i], x);
        FAIL("the test does not know predictor " << name);
        return false;
    };

    const auto table = science::Tier1Table::load(fs::path(test::k_data_dir) / "tier1_pools.csv");
    // The sample's climate zone and soil; the Tier-1 rows give each habitat's carbon fraction and Tier-1 AGB.
    const science::PoolModel tier1(table, science::ClimateZone::subtropical, science::SoilType::mineral,
                                   model_habitats);
    GDALDatasetUniquePtr hab_ds(GDALDataset::Open((d / "output" / "habitat.tif").string().c_str(), GDAL_OF_RASTER));
    GDALDatasetUniquePtr agb_ds(GDALDataset::Open((d / "output" / "stock_agb.tif").string().c_str(), GDAL_OF_RASTER));
    REQUIRE(hab_ds);
    REQUIRE(agb_ds);
    const int w = hab_ds->GetRasterXSize(), h = hab_ds->GetRasterYSize();
    const auto n = static_cast<std::size_t>(w) * static_cast<std::size_t>(h);
    REQUIRE(n == g.value.size());
    std::vector<std::uint8_t> hab(n);
    std::vector<float> agb(n);
    REQUIRE(hab_ds->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, w, h, hab.data(), w, h, GDT_Byte, 0, 0) == CE_None);
    REQUIRE(agb_ds->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, w, h, agb.data(), w, h, GDT_Float32, 0, 0) == CE_None);

    std::size_t predicted = 0, fallback = 0, off = 0;
    double worst = 0;
    for (std::size_t i = 0; i < n; ++i) {
        if (!model_code[hab[i]]) continue;
        const auto habitat = static_cast<science::Habitat>(hab[i]);
        const auto& hp = tier1.habitat(habitat);
        double eta = b0;
        bool ok = true;
        for (std::size_t j = 0; j < predictors.size() && ok; ++j) {
            double x = 0;
            ok = predictor(predictors[j], i, x);
            eta += b[j] * x;
        }
        if (!ok) {  // a predictor undefined here: the Tier-1 AGB
            ++fallback;
            if (agb[i] != static_cast<float>(hp.density[0])) ++off;
            continue;
        }
        ++predicted;
        const double expected = std::exp(eta + sigma * sigma / 2) * hp.carbon_fraction;
        const double rel = std::fabs(static_cast<double>(agb[i]) - expected) / expected;
        worst = std::max(worst, rel);
        if (rel > 1e-4) ++off;
    }
    INFO("pixels predicted " << predicted << ", fallback " << fallback << ", worst relative difference " << worst);
    CHECK(predicted > 1000);
    CHECK(off == 0);
    CHECK(run_json["biomass_model"]["fallback_pixels"].get<std::size_t>() == fallback);
}

TEST_CASE("survey calibrate records the habitats of its plots - --habitats naming one without plots is an error",
          "[cli][survey][model]") {
    test::TempDir dir("bc-calibrate-habitats");
    const fs::path d = dir.path() / "sample";
    REQUIRE(run({"sample", "--out", d.string(), "--quiet"}).code == 0);
    const fs::path project = d / "project.toml";
    // The sample has mangrove plots but none in seagrass.
    const auto r = run({"survey", "calibrate", project.string(), "--habitats", "mangrove,seagrass", "--quiet"});
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains("--habitats: no usable plot of habitat 'seagrass'"));
    CHECK_FALSE(fs::exists(d / "output" / "biomass_model.json"));
    // A linear model, written and read back by stock with the same habitats.
    const auto lin = run(
        {"survey", "calibrate", project.string(), "--habitats", "mangrove", "--form", "linear", "--quiet", "--json"});
    INFO(lin.err);
    REQUIRE(lin.code == 0);
    const auto m = nlohmann::json::parse(slurp(d / "output" / "biomass_model.json"));
    CHECK(m["form"] == "linear");
    CHECK(m["habitats"] == nlohmann::json::array({"mangrove"}));
    CHECK(m.contains("coefficients"));
    CHECK_FALSE(m.contains("log_coefficients"));
}

TEST_CASE("survey calibrate on the sample: every plot inside the reflectance raster, a model with skill",
          "[cli][survey][model]") {
    test::TempDir dir("bc-calibrate-sample");
    const fs::path d = dir.path() / "sample";
    REQUIRE(run({"sample", "--out", d.string(), "--quiet"}).code == 0);
    const fs::path project = d / "project.toml";
    // Before, plot F02 lay west of the raster and stopped the run (issue 17, item 5).
    auto r = run({"survey", "calibrate", project.string(), "--quiet", "--json"});
    INFO(r.err);
    REQUIRE(r.code == 0);
    auto j = nlohmann::json::parse(r.out);
    CHECK(j["n"] == 12);
    CHECK(j["cv_r2"].get<double>() > 0.5);
    CHECK(j["warnings"].empty());
    CHECK(j["dropped_plots"].empty());

    // A plot outside the raster stops the run; --drop-invalid leaves it out and lists it.
    auto plots = slurp(d / "plots.csv");
    const auto f02 = plots.find("F02,");
    REQUIRE(f02 != std::string::npos);
    const auto lon = plots.find(",121.", f02);
    plots.replace(lon, 5, ",120.");  // a degree west: far outside
    std::ofstream(d / "plots.csv") << plots;
    r = run({"survey", "calibrate", project.string(), "--quiet"});
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains("plot 'F02' lies outside"));
    CHECK_THAT(r.err, Catch::Contains("--drop-invalid"));
    r = run({"survey", "calibrate", project.string(), "--quiet", "--json", "--drop-invalid"});
    INFO(r.err);
    REQUIRE(r.code == 0);
    j = nlohmann::json::parse(r.out);
    CHECK(j["n"] == 11);
    REQUIRE(j["dropped_plots"].size() == 1);
    CHECK_THAT(j["dropped_plots"][0].get<std::string>(), Catch::StartsWith("F02: lies outside"));
    CHECK(fs::exists(d / "output" / "calibrate_qa.csv"));
}
