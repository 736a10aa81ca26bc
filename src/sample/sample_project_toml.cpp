#include "sample/sample_project_toml.hpp"

namespace bluecarbon::sample {

std::string sample_project_toml() {
    return R"(# bluecarbon sample project: a stretch of the Xiangshan (Ningbo) coast, Zhejiang, China.
[project]
name = "xiangshan-sample"

[inputs]
reflectance = "reflectance.tif"
habitat = "habitat.tif"
dem = "dem.tif"
parcels = "parcels.geojson"
trees = "trees.csv"
plots = "plots.csv"
cores = "cores.csv"
)";
}

}  // namespace bluecarbon::sample
