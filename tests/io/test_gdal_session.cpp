// GdalSession: the only thing that changes GDAL's and PROJ's process-wide settings, and it puts them back.
#include <bluecarbon/core/data_paths.hpp>
#include <bluecarbon/io/crs.hpp>
#include <bluecarbon/io/gdal_setup.hpp>

#include <cpl_error.h>
#include <cpl_string.h>
#include <gdal.h>
#include <ogr_srs_api.h>

#include <filesystem>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

using namespace bluecarbon;

namespace {
int g_host_calls = 0;
void CPL_STDCALL host_handler(CPLErr, CPLErrorNum, const char*) { ++g_host_calls; }

bool proj_paths_have(const std::filesystem::path& dir) {
    CPLStringList paths(OSRGetPROJSearchPaths(), TRUE);
    for (int i = 0; i < paths.size(); ++i) {
        std::error_code ec;  // some default PROJ folders (e.g. in $HOME) need not exist
        if (std::filesystem::equivalent(std::filesystem::path(paths[i]), dir, ec)) return true;
    }
    return false;
}
}  // namespace

TEST_CASE("ensure_gdal_ready registers drivers and changes no setting", "[io][gdal][session]") {
    const auto cache = GDALGetCacheMax64();
    ensure_gdal_ready();
    CHECK(GDALGetDriverByName("GTiff") != nullptr);
    CHECK(GDALGetDriverByName("COG") != nullptr);
    CHECK(GDALGetCacheMax64() == cache);
    CHECK_FALSE(proj_paths_have(grids_dir()));
}

TEST_CASE("GdalSession applies its settings and restores the host's on destruction", "[io][gdal][session]") {
    ensure_gdal_ready();
    const std::int64_t host_cache = 123LL * 1024 * 1024;
    const auto cache_before = GDALGetCacheMax64();
    GDALSetCacheMax64(host_cache);
    CPLErrorHandler before = CPLSetErrorHandler(host_handler);
    g_host_calls = 0;
    std::vector<std::string> seen;
    {
        GdalSessionOptions o;
        o.cache_bytes = 20LL * 1024 * 1024;
        o.message_handler = [&seen](const std::string& m) { seen.push_back(m); };
        GdalSession session(std::move(o));
        CHECK(GDALGetCacheMax64() == 20LL * 1024 * 1024);
        CHECK(GdalSession::releases_memory());
        CHECK(proj_paths_have(grids_dir()));
        CHECK_FALSE(crs_from_user("EPSG:4326").empty());  // PROJ's default paths were kept (proj.db)
        CPLError(CE_Warning, CPLE_AppDefined, "from the session");
        CHECK(g_host_calls == 0);
        REQUIRE(seen.size() == 1);
        CHECK(seen[0] == "GDAL warning: from the session");
    }
    CHECK(GDALGetCacheMax64() == host_cache);
    CHECK_FALSE(GdalSession::releases_memory());
    CHECK_FALSE(proj_paths_have(grids_dir()));
    CPLError(CE_Warning, CPLE_AppDefined, "to the host");
    CHECK(g_host_calls == 1);
    CHECK(seen.size() == 1);
    CPLSetErrorHandler(before);
    GDALSetCacheMax64(cache_before);
}
