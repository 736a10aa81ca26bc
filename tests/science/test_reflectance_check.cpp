// Reflectance above 1.5 after scaling: counted, the largest kept, the same total in any merge order.
#include <bluecarbon/science/reflectance_check.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

using namespace bluecarbon::science;

TEST_CASE("values above 1.5 are counted among valid pixels only", "[science][reflectance]") {
    const std::vector<float> px{0.05F, 1.5F, 1.51F, 2500.0F, 9000.0F, 0.3F};
    const std::vector<std::uint8_t> valid{1, 1, 1, 1, 0, 1};
    ReflectanceCheck c;
    c.add(px, valid);
    // 1.5 itself is plausible; 1.51 and 2500 are above; 9000 is nodata.
    CHECK(c.values_above() == 2);
    CHECK(c.max_value() == 2500.0);
    const auto w = c.warning("give a scale");
    REQUIRE(w);
    CHECK(*w == "reflectance above 1.5 in 2 pixel value(s) (largest 2500): the bands look like unscaled digital "
                "numbers and the indices are wrong; give a scale");
}

TEST_CASE("plausible reflectance gives no warning", "[science][reflectance]") {
    const std::vector<float> px{0.0F, 0.2F, 1.2F, -0.01F};
    const std::vector<std::uint8_t> valid{1, 1, 1, 1};
    ReflectanceCheck c;
    c.add(px, valid);
    CHECK(c.values_above() == 0);
    CHECK_FALSE(c.warning("x"));
}

TEST_CASE("merging tile checks in any order gives the same total", "[science][reflectance]") {
    const std::vector<std::uint8_t> ok{1, 1};
    ReflectanceCheck a, b, ab, ba;
    a.add(std::vector<float>{3.0F, 0.1F}, ok);
    b.add(std::vector<float>{7.0F, 2.0F}, ok);
    ab.merge(a);
    ab.merge(b);
    ba.merge(b);
    ba.merge(a);
    CHECK(ab.values_above() == 3); // 3, 7 and 2
    CHECK(ab.max_value() == 7.0);
    CHECK(ba.values_above() == ab.values_above());
    CHECK(ba.max_value() == ab.max_value());
}
