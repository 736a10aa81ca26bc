#pragma once
// A project output folder with parcels.gpkg (two 1-ha squares) and a registry holding their credits:
//   P-1 [0,100]x[0,100] mangrove   units 1-10 (2023), 11-20 (2024)
//   P-2 [500,600]x[0,100] salt_marsh units 21-25 (2024)
#include <bluecarbon/io/crs.hpp>
#include <bluecarbon/io/vector.hpp>
#include <bluecarbon/registry/registry.hpp>

#include "registry/registry_fixture.hpp"
#include "support/rectangles.hpp"
#include "support/temp_dir.hpp"

namespace bluecarbon::test {

struct MarketFixture {
    TempDir dir{"bluecarbon-market"};
    std::filesystem::path out{dir / "output"};
    std::filesystem::path db{out / "registry.db"};
    MarketFixture() {
        std::filesystem::create_directories(out);
        PolygonLayerSpec spec;
        spec.layer = "parcels";
        spec.crs = crs_from_user("EPSG:32651");
        using T = VectorField::Type;
        spec.fields = {{"parcel_id", T::text}, {"owner", T::text}, {"area_m2", T::real}, {"ha_salt_marsh", T::real},
                       {"ha_mangrove", T::real}};
        write_polygons_gpkg(out / "parcels.gpkg", spec, {rectangle(0, 0, 100, 100), rectangle(500, 0, 600, 100)},
                            {{std::string("P-1"), std::string("coop"), 10000.0, 0.25, 0.75},
                             {std::string("P-2"), std::string("coop"), 10000.0, 0.6, 0.4}});
        auto reg = registry::Registry::create(db, "BCR", {registry_test_key().public_key()}, rectangle_options());
        (void)reg.issue(signed_rectangle("XS", "P-1", 0, 0, 100, 100, 10, {2023, 2024}), "a.json");
        (void)reg.issue(signed_rectangle("XS", "P-2", 500, 0, 600, 100, 5), "b.json");
    }
};

}  // namespace bluecarbon::test
