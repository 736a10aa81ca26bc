// A host program embedding the library: run_stock without a GdalSession leaves the host's GDAL and PROJ
// settings (error handler, cache size, PROJ search paths) exactly as the host set them.
#include <bluecarbon/core/data_paths.hpp>
#include <bluecarbon/io/gdal_setup.hpp>
#include <bluecarbon/pipeline/stock.hpp>

#include "pipeline/pipeline_fixtures.hpp"

#include <cpl_error.h>
#include <cpl_string.h>
#include <gdal.h>
#include <ogr_srs_api.h>

#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

using namespace bluecarbon;

namespace {
int g_host_messages = 0;
void CPL_STDCALL host_handler(CPLErr, CPLErrorNum, const char*) { ++g_host_messages; }

std::string proj_paths() {
    CPLStringList paths(OSRGetPROJSearchPaths(), TRUE);
    std::string all;
    for (int i = 0; i < paths.size(); ++i) all += std::string(paths[i]) + ";";
    return all;
}
}  // namespace

TEST_CASE("run_stock without a session keeps the host's error handler and cache size", "[pipeline][embed]") {
    test::SampleProject s;
    const auto cfg = s.with_output("embedded");
    GDALAllRegister();
    const std::int64_t host_cache = 77LL * 1024 * 1024;  // neither the library's 32 MB nor stock's 48 MB
    const auto cache_before = GDALGetCacheMax64();
    GDALSetCacheMax64(host_cache);
    int user_data = 0;
    CPLErrorHandler previous = CPLSetErrorHandlerEx(host_handler, &user_data);
    const std::string paths_before = proj_paths();

    pipeline::RunContext ctx;
    ctx.threads = 2;
    const auto r = pipeline::run_stock(cfg, ctx);
    CHECK(r.command == "stock");

    CHECK(GDALGetCacheMax64() == host_cache);
    CHECK(proj_paths() == paths_before);
    CHECK(proj_paths().find(grids_dir().string()) == std::string::npos);
    CHECK(CPLGetErrorHandlerUserData() == &user_data);  // still the host's handler, with its data
    g_host_messages = 0;
    CPLError(CE_Warning, CPLE_AppDefined, "host message");
    CHECK(g_host_messages == 1);
    CHECK_FALSE(GdalSession::releases_memory());

    CPLSetErrorHandler(previous);
    GDALSetCacheMax64(cache_before);
}
