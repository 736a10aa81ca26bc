// One test per eligibility rule, and the QGIS style.
#include <bluecarbon/parcels/eligibility.hpp>

#include <catch2/catch.hpp>

using namespace bluecarbon::parcels;

namespace {
ParcelFacts good() {
    ParcelFacts f;
    f.id = "P1";
    f.owner = "Lin Wei";
    f.area_m2 = 1200;
    f.blue_carbon = true;
    f.tidal_share = 0.8;
    return f;
}
}  // namespace

TEST_CASE("A parcel that meets every rule is eligible with no reasons", "[parcels][eligibility]") {
    const auto e = assess(good(), EligibilityRules{});
    CHECK(e.eligible);
    CHECK(e.reasons_text().empty());
}

TEST_CASE("Eligibility rule: below_mmu", "[parcels][eligibility]") {
    auto f = good();
    f.area_m2 = 399.99;
    CHECK(assess(f, {}).reasons_text() == "below_mmu");
    f.area_m2 = 400.0;  // the minimum itself is enough
    CHECK(assess(f, {}).eligible);
    CHECK(assess(f, EligibilityRules{1000, 0.5, 1}).reasons_text() == "below_mmu");
}

TEST_CASE("Eligibility rule: outside_tidal_frame applies to blue-carbon parcels only", "[parcels][eligibility]") {
    auto f = good();
    f.tidal_share = 0.49;
    CHECK(assess(f, {}).reasons_text() == "outside_tidal_frame");
    f.blue_carbon = false;  // e.g. a forest parcel: the tidal frame does not apply
    CHECK(assess(f, {}).eligible);
    f.blue_carbon = true;
    f.tidal_share = 0.5;
    CHECK(assess(f, {}).eligible);
}

TEST_CASE("Eligibility rule: no_owner", "[parcels][eligibility]") {
    auto f = good();
    f.owner = "  ";
    CHECK(assess(f, {}).reasons_text() == "no_owner");
}

TEST_CASE("Eligibility rule: overlaps and previously_credited name the other parcel", "[parcels][eligibility]") {
    auto f = good();
    f.overlapping_ids = {"P2", "P9"};
    CHECK(assess(f, {}).reasons_text() == "overlaps:P2;overlaps:P9");
    f.overlapping_ids.clear();
    f.credited_ids = {"VCS-1234-07"};
    CHECK(assess(f, {}).reasons_text() == "previously_credited:VCS-1234-07");
}

TEST_CASE("Eligibility rule: invalid_geometry for parcels repaired with --make-valid", "[parcels][eligibility]") {
    auto f = good();
    f.repaired = true;
    const auto e = assess(f, {});
    CHECK(!e.eligible);
    CHECK(e.reasons_text() == "invalid_geometry");
}

TEST_CASE("Every failing rule is listed, in the documented order", "[parcels][eligibility]") {
    ParcelFacts f;
    f.id = "X";
    f.area_m2 = 10;
    f.blue_carbon = true;
    f.tidal_share = 0.1;
    f.overlapping_ids = {"Y"};
    f.credited_ids = {"Z"};
    f.repaired = true;
    CHECK(assess(f, {}).reasons_text() ==
          "below_mmu;outside_tidal_frame;no_owner;overlaps:Y;previously_credited:Z;invalid_geometry");
}

TEST_CASE("The QGIS style colours the layer by eligibility", "[parcels][eligibility]") {
    const auto qml = eligibility_qml();
    CHECK(qml.find("attr=\"eligible\"") != std::string::npos);
    CHECK(qml.find("categorizedSymbol") != std::string::npos);
    CHECK(qml.find("value=\"1\"") != std::string::npos);
    CHECK(qml.find("value=\"0\"") != std::string::npos);
}
