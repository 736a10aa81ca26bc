// Habitat rules (muparser, bulk mode and the block evaluator of its bytecode): first match wins, validity,
// statistics, error messages, and the block evaluator bit-identical to muparser.
#include <bluecarbon/engine/tile_executor.hpp>
#include <bluecarbon/error.hpp>
#include <bluecarbon/science/habitat_rules.hpp>
#include <bluecarbon/science/histogram.hpp>
#include <bluecarbon/science/tidal.hpp>

#include "science/rule_program.hpp"
#include "support/same_bits.hpp"

#include <catch2/catch.hpp>
#include <muParser.h>

#include <array>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <random>

using namespace bluecarbon;
using namespace bluecarbon::science;
using bluecarbon::test::same_bits;

namespace {
HabitatRule rule(Habitat h, std::string e, std::string origin = "project.toml:30: habitat.rules[1].when") {
    return HabitatRule{h, std::move(e), std::move(origin)};
}
const std::vector<std::string> k_known{"ndvi", "mvi", "mndwi", "intertidal", "subtidal", "supratidal", "elevation"};

std::string error_of(const std::string& expr) {
    try {
        HabitatRules r({rule(Habitat::mangrove, expr)}, Habitat::other, k_known,
                       {{"evi", "needs band(s) blue in [inputs]"}});
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "(no error)";
}
}  // namespace

TEST_CASE("rules: first matching rule wins, fallback otherwise, invalid variables make a rule false", "[rules]") {
    HabitatRules rules({rule(Habitat::water, "mndwi > 0.5"), rule(Habitat::mangrove, "ndvi > 0.3 and intertidal"),
                        rule(Habitat::salt_marsh, "ndvi > 0.3")},
                       Habitat::other, k_known);
    CHECK(rules.pixel_variables() == std::vector<std::string>{"intertidal", "mndwi", "ndvi"});
    const std::vector<float> ndvi{0.8F, 0.8F, 0.8F, 0.1F, 0.8F, 0.8F};
    const std::vector<float> mndwi{0.9F, -0.2F, -0.2F, -0.2F, 0.9F, 0.0F};
    const std::vector<float> inter{1, 1, 0, 1, 1, 1};
    const std::vector<std::uint8_t> ok{1, 1, 1, 1, 1, 1};
    std::vector<std::uint8_t> mndwi_ok{1, 1, 1, 1, 0, 1};
    std::vector<std::uint8_t> inter_ok{1, 1, 1, 1, 1, 0};
    const std::vector<std::uint8_t> base{1, 1, 1, 1, 1, 1};
    std::map<std::string, RuleVariable> v{{"ndvi", {ndvi, ok}}, {"mndwi", {mndwi, mndwi_ok}}, {"intertidal", {inter, inter_ok}}};
    std::vector<std::uint8_t> out(6);
    rules.classify(v, base, out);
    // 0: water (first rule); 1: mangrove; 2: not intertidal -> marsh; 3: nothing -> other;
    // 4: mndwi invalid -> rule 1 false -> mangrove; 5: tidal invalid -> rule 2 false -> marsh.
    CHECK(out == std::vector<std::uint8_t>{1, 5, 4, 8, 5, 4});
    const std::vector<std::uint8_t> base2{1, 0, 1, 1, 1, 1};
    rules.classify(v, base2, out);
    CHECK(out[1] == k_habitat_nodata);
}

TEST_CASE("rules: otsu() and percentile() are substituted from scene statistics", "[rules]") {
    HabitatRules rules({rule(Habitat::mangrove, "mvi > otsu(mvi) && ndvi > percentile(ndvi, 50)")}, Habitat::other,
                       k_known);
    REQUIRE(rules.statistics().size() == 2);
    CHECK(rules.statistics()[0].key() == "otsu(mvi)");
    CHECK(rules.statistics()[1].key() == "percentile(ndvi, 50)");
    CHECK(rules.pixel_variables() == std::vector<std::string>{"mvi", "ndvi"});
    const std::vector<float> mvi{1, 2, 8, 9}, ndvi{0.9F, 0.9F, 0.1F, 0.9F};
    const std::vector<std::uint8_t> ok{1, 1, 1, 1};
    std::vector<std::uint8_t> out(4);
    std::map<std::string, RuleVariable> v{{"mvi", {mvi, ok}}, {"ndvi", {ndvi, ok}}};
    CHECK_THROWS_AS(rules.classify(v, ok, out), std::logic_error);
    CHECK_THROWS_WITH(rules.set_statistics({{"otsu(mvi)", 5.0}}), Catch::Contains("percentile(ndvi, 50)"));
    rules.set_statistics({{"otsu(mvi)", 5.0}, {"percentile(ndvi, 50)", 0.5}});
    rules.classify(v, ok, out);
    CHECK(out == std::vector<std::uint8_t>{8, 8, 8, 5});
}

TEST_CASE("rule errors show the origin, the expression and the position", "[rules]") {
    CHECK(error_of("mvii > 3") ==
          "project.toml:30: habitat.rules[1].when: unknown name \"mvii\" at position 1; known names: elevation, "
          "intertidal, mndwi, mvi, ndvi, subtidal, supratidal in \"mvii > 3\"");
    CHECK_THAT(error_of("ndvi > > 0.3"),
               Catch::StartsWith("project.toml:30: habitat.rules[1].when: syntax error at position 8:") &&
                   Catch::EndsWith("in \"ndvi > > 0.3\""));
    CHECK_THAT(error_of("ndvi > 0.3 && (mvi > 2"), Catch::Contains("syntax error at position"));
    CHECK_THAT(error_of("evi > 0.2"), Catch::Contains("unknown name \"evi\" at position 1 (needs band(s) blue in [inputs])"));
    CHECK_THAT(error_of("mvi > otsu(mvi * 2)"), Catch::Contains("otsu() at position 7: expected otsu(name)"));
    CHECK_THAT(error_of("mvi > otsu(foo)"), Catch::Contains("unknown name \"foo\""));
    CHECK_THAT(error_of("ndvi > percentile(ndvi, 150)"), Catch::Contains("p must be within 0..100"));
    CHECK_THAT(error_of("   "), Catch::Contains("the rule is empty"));
    CHECK(error_of("!(ndvi < 0.2) or not_a_name_free_rule_is_fine_if_known") != "(no error)");
    CHECK(error_of("!(ndvi < 0.2) or subtidal") == "(no error)");
}

TEST_CASE("a rule with `=` (assignment) is a syntax error naming `==`", "[rules]") {
    // muparser parses `intertidal = 1` as an assignment whose value, 1, is true everywhere: the habitat would flood
    // every pixel. Position 12 is the `=` (1-based) in "intertidal = 1".
    CHECK(error_of("intertidal = 1") == "project.toml:30: habitat.rules[1].when: syntax error at position 12: `=` "
                                        "assigns; write `==` to compare in \"intertidal = 1\"");
    CHECK_THAT(error_of("ndvi > 0.3 && mvi=2"), Catch::Contains("position 18: `=` assigns; write `==`"));
    // Comparisons that contain `=` are fine.
    CHECK(error_of("intertidal == 1 && ndvi >= 0.3 && mvi <= 9 && subtidal != 1") == "(no error)");
}

TEST_CASE("rules with scene thresholds give identical maps for any tile split", "[rules][determinism]") {
    // A bimodal MVI-like variable and an elevation with tidal zones over a 97 x 61 scene.
    const std::int64_t W = 97, H = 61;
    const auto n = static_cast<std::size_t>(W * H);
    std::mt19937 rng(11);
    std::normal_distribution<float> lo(1.5F, 0.6F), hi(8.0F, 1.5F), el(0.5F, 2.5F);
    std::vector<float> mvi(n), ndvi(n), elev(n);
    std::vector<std::uint8_t> ok(n, 1);
    for (std::size_t i = 0; i < n; ++i) {
        mvi[i] = (i / 7) % 3 == 0 ? hi(rng) : lo(rng);
        ndvi[i] = std::tanh(mvi[i] / 8.0F);
        elev[i] = el(rng);
        if (i % 101 == 0) ok[i] = 0;
    }
    const TidalDatums datums{-2.3, 2.2, 3.0};
    auto make_rules = [] {
        return HabitatRules({rule(Habitat::mangrove, "mvi > otsu(mvi) && ndvi > 0.3 && intertidal"),
                             rule(Habitat::water, "subtidal"), rule(Habitat::tidal_flat, "intertidal")},
                            Habitat::other, k_known);
    };
    // The real loop: TileExecutor over a TilePlan of tw x th tiles on `threads` workers; the statistics from
    // per-tile histograms merged in tile order, then the tiles classified in parallel.
    struct TileData {
        std::vector<float> mvi, ndvi, elev;
        std::vector<std::uint8_t> ok;
    };
    auto extract = [&](const Window& w) {
        TileData t;
        const auto m = static_cast<std::size_t>(w.size());
        t.mvi.resize(m);
        t.ndvi.resize(m);
        t.elev.resize(m);
        t.ok.resize(m);
        for (std::int64_t r = 0; r < w.rows; ++r)
            for (std::int64_t c = 0; c < w.cols; ++c) {
                const auto src = static_cast<std::size_t>((w.row_off + r) * W + w.col_off + c);
                const auto dst = static_cast<std::size_t>(r * w.cols + c);
                t.mvi[dst] = mvi[src];
                t.ndvi[dst] = ndvi[src];
                t.elev[dst] = elev[src];
                t.ok[dst] = ok[src];
            }
        return t;
    };
    auto run = [&](std::int64_t tw, std::int64_t th, int threads) {
        auto rules = make_rules();
        const TilePlan plan(Grid(CrsInfo{}, GeoTransform{0, 1, 0, 0, 0, -1}, W, H), tw, th);
        const TileExecutor exec(threads);
        const auto tiles = plan.all();
        SceneHistogram scene;
        exec.run<SceneHistogram>(
            plan, tiles,
            [&](std::size_t, const Window& w) {
                const auto t = extract(w);
                SceneHistogram part;
                part.add(t.mvi, t.ok);
                return part;
            },
            [&](std::size_t, SceneHistogram&& part) { scene.merge(part); });
        rules.set_statistics({{"otsu(mvi)", *scene.otsu()}});
        std::vector<std::uint8_t> out(n);
        exec.run<int>(
            plan, tiles,
            [&](std::size_t, const Window& w) {
                const auto t = extract(w);
                const auto m = t.ok.size();
                std::vector<std::uint8_t> zones(m), tout(m);
                classify_tidal(t.elev, t.ok, datums, zones);
                std::vector<float> sub(m), inter(m);
                std::vector<std::uint8_t> zok(m);
                for (std::size_t i = 0; i < m; ++i) {
                    sub[i] = zones[i] == 1;
                    inter[i] = zones[i] == 2;
                    zok[i] = zones[i] != 0;
                }
                const std::map<std::string, RuleVariable> v{{"mvi", {t.mvi, t.ok}},
                                                            {"ndvi", {t.ndvi, t.ok}},
                                                            {"subtidal", {sub, zok}},
                                                            {"intertidal", {inter, zok}}};
                rules.classify(v, t.ok, tout);
                // Tiles are disjoint: each worker writes its own pixels.
                for (std::int64_t r = 0; r < w.rows; ++r)
                    for (std::int64_t c = 0; c < w.cols; ++c)
                        out[static_cast<std::size_t>((w.row_off + r) * W + w.col_off + c)] =
                            tout[static_cast<std::size_t>(r * w.cols + c)];
                return 0;
            },
            [](std::size_t, int&&) {});
        return out;
    };
    const auto reference = run(W, H, 1);
    CHECK(std::count(reference.begin(), reference.end(), 5) > 100);  // some mangrove
    CHECK(std::count(reference.begin(), reference.end(), k_habitat_nodata) == static_cast<long>((n - 1) / 101 + 1));
    for (const int threads : {1, 2, 4})
        for (auto [tw, th] : {std::pair<std::int64_t, std::int64_t>{1, 1}, {16, 16}, {30, 7}, {97, 1}, {5, 61}}) {
            INFO(threads << " threads, tiles " << tw << " x " << th);
            CHECK(run(tw, th, threads) == reference);
        }
}

namespace {
double land(double a, double b) { return (a != 0 && b != 0) ? 1.0 : 0.0; }
double lnot(double a) {
    return a == 0 ? 1.0 : 0.0;
}
}  // namespace

TEST_CASE("the block evaluator runs muparser's bytecode bit-identically to muparser's bulk mode", "[rules]") {
    // Values with the awkward cases: NaN, ±inf, ±0, negatives, large and tiny numbers, exact thresholds.
    constexpr std::size_t n = 1500;  // three blocks, the last partial
    std::mt19937 gen(7);
    std::uniform_real_distribution<float> u(-3.0F, 3.0F);
    const std::array<float, 9> special{std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity(),
                                       -std::numeric_limits<float>::infinity(), 0.0F, -0.0F, 0.5F, 1e30F, 1e-30F, 2.0F};
    std::vector<std::vector<float>> vars(3, std::vector<float>(n));
    for (auto& v : vars)
        for (std::size_t i = 0; i < n; ++i) v[i] = i % 7 == 0 ? special[(i / 7) % special.size()] : u(gen);
    const std::vector<std::string> names{"a", "b", "c"};
    const std::vector<std::string> expressions{
        "a > 0.5 && b < 1 && c",
        "a >= (0.123456789012345) || !(b <= -1) and c != 0",
        "2 * a + 1 > b / 3 - c",
        "a * a - b ^ 2 + c ^ 3 + a ^ 4 == 0 || a - b < c",
        "sin(a) + abs(b) * sqrt(c) > exp(-a)",
        "min(a, b, c) < max(a, 1, c) && sum(a, b) > avg(b, c, 0.5)",
        "atan2(a, b) > 0.3",
        "(a + b) * (c - 1) / (a - 2) > -1",
        "-a < -0.5",
        "a",
        "3 > 2",
        "rint(a) == sign(b)",
        "a == 2 && b ^ 0.5 > 1",
        // Constants folded into the operation before them (the evaluator's fused instructions), every kind.
        "a - 0.25 >= b + 0.75 || c / 4 != 0.5 && a * 3 <= 1 && b == 0 || c ^ 2 > 4",
        "(a > 0.1) + (b < 0.2) - 1 > 0 || (c && 1) || (a || 0)",
    };
    std::vector<double> dummies(3, 1.0);
    const std::vector<const double*> addresses{&dummies[0], &dummies[1], &dummies[2]};
    for (const auto& e : expressions) {
        INFO(e);
        // muparser's own bulk evaluation on double copies of the variables.
        std::vector<std::vector<double>> dv(3, std::vector<double>(n));
        for (std::size_t j = 0; j < 3; ++j)
            for (std::size_t i = 0; i < n; ++i) dv[j][i] = static_cast<double>(vars[j][i]);
        mu::Parser bulk;
        bulk.DefineOprt("and", land, mu::prLAND);
        bulk.DefineInfixOprt("!", lnot);
        for (std::size_t j = 0; j < 3; ++j) bulk.DefineVar(names[j], dv[j].data());
        bulk.SetExpr(e);
        std::vector<double> expected(n);
        bulk.Eval(expected.data(), static_cast<int>(n));

        mu::Parser p;
        p.DefineOprt("and", land, mu::prLAND);
        p.DefineInfixOprt("!", lnot);
        for (std::size_t j = 0; j < 3; ++j) p.DefineVar(names[j], &dummies[j]);
        p.SetExpr(e);
        (void)p.Eval();
        const auto prog = detail::RuleProgram::compile(p, addresses);
        REQUIRE(prog);
        const std::vector<const float*> vp{vars[0].data(), vars[1].data(), vars[2].data()};
        std::vector<double> stack(prog->max_depth() * detail::RuleProgram::k_block);
        std::vector<double> got(n);
        // Contiguous blocks, and gathered pixels (every third, in order).
        for (std::size_t from = 0; from < n; from += detail::RuleProgram::k_block) {
            const std::size_t count = std::min(detail::RuleProgram::k_block, n - from);
            prog->run(vp, nullptr, from, count, stack.data(), got.data() + from);
        }
        for (std::size_t i = 0; i < n; ++i) {
            INFO("pixel " << i << ": " << expected[i] << " vs " << got[i]);
            CHECK(same_bits(expected[i], got[i]));
        }
        std::vector<std::uint32_t> idx;
        for (std::uint32_t i = 0; i < n; i += 3) idx.push_back(i);
        std::vector<double> gathered(idx.size());
        for (std::size_t from = 0; from < idx.size(); from += detail::RuleProgram::k_block) {
            const std::size_t count = std::min(detail::RuleProgram::k_block, idx.size() - from);
            prog->run(vp, idx.data() + from, 0, count, stack.data(), gathered.data() + from);
        }
        for (std::size_t k = 0; k < idx.size(); ++k) CHECK(same_bits(expected[idx[k]], gathered[k]));
    }
}

TEST_CASE("classify matches a pixel-by-pixel muparser evaluation of the rules, first match wins", "[rules]") {
    // 1300 pixels (two full blocks and a partial one), random values, some invalid, rules of every kind.
    constexpr std::size_t n = 1300;
    std::mt19937 gen(11);
    std::uniform_real_distribution<float> u(-1.0F, 1.0F);
    std::bernoulli_distribution rare(0.05), half(0.5);
    std::vector<float> ndvi(n), mndwi(n), inter(n);
    std::vector<std::uint8_t> ok_ndvi(n), ok_mndwi(n), ok_inter(n), base(n);
    for (std::size_t i = 0; i < n; ++i) {
        ndvi[i] = u(gen);
        mndwi[i] = u(gen);
        inter[i] = half(gen) ? 1.0F : 0.0F;
        ok_ndvi[i] = !rare(gen);
        ok_mndwi[i] = !rare(gen);
        ok_inter[i] = !rare(gen);
        base[i] = i < 600 || i >= 1100 ? !rare(gen) : 0;  // block 1 partly and block 2 mostly invalid
    }
    const std::vector<HabitatRule> rs{rule(Habitat::aquaculture_pond, "mndwi > 0.6 && !intertidal"),
                                      rule(Habitat::mangrove, "intertidal ? ndvi > 0.4 : 0"),
                                      rule(Habitat::salt_marsh, "ndvi > 0.2 and intertidal"),
                                      rule(Habitat::water, "mndwi > 0 || ndvi < -0.5"),
                                      rule(Habitat::forest, "ndvi^2 > 0.25")};
    HabitatRules rules(rs, Habitat::other, k_known);
    std::map<std::string, RuleVariable> vars{
        {"ndvi", {ndvi, ok_ndvi}}, {"mndwi", {mndwi, ok_mndwi}}, {"intertidal", {inter, ok_inter}}};
    std::vector<std::uint8_t> got(n);
    rules.classify(vars, base, got);

    // Reference: muparser's scalar evaluation, one pixel at a time.
    double v_ndvi = 0, v_mndwi = 0, v_inter = 0;
    std::vector<mu::Parser> parsers(rs.size());
    for (std::size_t r = 0; r < rs.size(); ++r) {
        parsers[r].DefineOprt("and", land, mu::prLAND);
        parsers[r].DefineInfixOprt("!", lnot);
        parsers[r].DefineVar("ndvi", &v_ndvi);
        parsers[r].DefineVar("mndwi", &v_mndwi);
        parsers[r].DefineVar("intertidal", &v_inter);
        parsers[r].SetExpr(rs[r].expression);
    }
    const std::vector<std::vector<const std::uint8_t*>> reads{
        {ok_mndwi.data(), ok_inter.data()}, {ok_ndvi.data(), ok_inter.data()}, {ok_ndvi.data(), ok_inter.data()},
        {ok_ndvi.data(), ok_mndwi.data()}, {ok_ndvi.data()}};
    std::size_t mismatches = 0;
    for (std::size_t i = 0; i < n; ++i) {
        std::uint8_t want = k_habitat_nodata;
        if (base[i]) {
            want = static_cast<std::uint8_t>(Habitat::other);
            v_ndvi = ndvi[i];
            v_mndwi = mndwi[i];
            v_inter = inter[i];
            for (std::size_t r = 0; r < rs.size(); ++r) {
                bool valid = true;
                for (const auto* m : reads[r]) valid = valid && m[i] != 0;
                const double v = parsers[r].Eval();
                if (valid && v != 0 && std::isfinite(v)) {
                    want = static_cast<std::uint8_t>(rs[r].habitat);
                    break;
                }
            }
        }
        mismatches += got[i] != want;
    }
    CHECK(mismatches == 0);
    CHECK(rules.block_evaluated_rules() == 4);
}

TEST_CASE("if-then-else rules are left to muparser and classify the same", "[rules]") {
    const std::vector<float> ndvi{0.8F, 0.2F, 0.8F, 0.1F, std::numeric_limits<float>::quiet_NaN()};
    const std::vector<float> inter{1, 1, 0, 0, 1};
    const std::vector<std::uint8_t> ok{1, 1, 1, 1, 0};
    const std::vector<std::uint8_t> base{1, 1, 1, 1, 1};
    std::map<std::string, RuleVariable> vars{{"ndvi", {ndvi, ok}}, {"intertidal", {inter, base}}};
    HabitatRules ternary({rule(Habitat::mangrove, "intertidal ? ndvi > 0.5 : 0"), rule(Habitat::forest, "ndvi > 0.5")},
                         Habitat::other, k_known);
    HabitatRules plain({rule(Habitat::mangrove, "intertidal && ndvi > 0.5"), rule(Habitat::forest, "ndvi > 0.5")},
                       Habitat::other, k_known);
    CHECK(ternary.block_evaluated_rules() == 1);
    CHECK(plain.block_evaluated_rules() == 2);
    std::vector<std::uint8_t> a(5), b(5);
    ternary.classify(vars, base, a);
    plain.classify(vars, base, b);
    CHECK(a == b);
    CHECK(a == std::vector<std::uint8_t>{5, 8, 7, 8, 8});
}

TEST_CASE("tidal zones: subtidal < MLLW <= intertidal <= HAT < supratidal - datums in order", "[tidal]") {
    const TidalDatums d{-2.3, 2.2, 3.0};
    const std::vector<float> h{-2.31F, -2.3F, 0.0F, 3.0F, 3.01F, 1.0F};
    const std::vector<std::uint8_t> ok{1, 1, 1, 1, 1, 0};
    std::vector<std::uint8_t> z(6);
    classify_tidal(h, ok, d, z);
    CHECK(z == std::vector<std::uint8_t>{1, 2, 2, 2, 3, 0});
    CHECK_FALSE(tidal_datums_problem(d).has_value());
    CHECK(tidal_datums_problem({2.5, 2.2, 3.0}).value() == "datums out of order: MLLW (2.5 m) must be below MHHW (2.2 m)");
    CHECK(tidal_datums_problem({-2.3, 3.2, 3.0}).has_value());
}
