#include <bluecarbon/core/sha256.hpp>
#include <bluecarbon/error.hpp>
#include <bluecarbon/io/input_hashes.hpp>
#include <bluecarbon/io/raster_sink.hpp>

#include <nlohmann/json.hpp>

#include <fstream>
#include <optional>
#include <sys/stat.h>
#include <time.h>

namespace bluecarbon {

namespace {

using nlohmann::json;

// What identifies a file's current bytes without reading them. Any write to a file sets its status-change time
// (ctime) to the time of the write, which no user call can set back: same identity, same bytes.
std::optional<json> identity(const std::filesystem::path& p) {
    struct stat st {};
    if (::stat(p.c_str(), &st) != 0) return std::nullopt;
    const auto ns = [](const timespec& t) { return static_cast<std::int64_t>(t.tv_sec) * 1000000000 + t.tv_nsec; };
    return json{{"dev", static_cast<std::uint64_t>(st.st_dev)}, {"ino", static_cast<std::uint64_t>(st.st_ino)},
                {"size", static_cast<std::int64_t>(st.st_size)}, {"mtime_ns", ns(st.st_mtim)},
                {"ctime_ns", ns(st.st_ctim)}};
}

std::int64_t now_ns() {
    timespec t{};
    ::clock_gettime(CLOCK_REALTIME, &t);
    return static_cast<std::int64_t>(t.tv_sec) * 1000000000 + t.tv_nsec;
}

json read_cache(const std::filesystem::path& cache) {
    std::ifstream in(cache);
    if (!in) return json::object();
    try {
        json j = json::parse(in);
        return j.is_object() ? j : json::object();
    } catch (const json::exception&) {
        return json::object();  // torn or foreign: hash afresh
    }
}

}  // namespace

std::vector<InputHash> hash_inputs(const std::vector<std::pair<std::string, std::filesystem::path>>& files) {
    std::vector<InputHash> out;
    out.reserve(files.size());
    for (const auto& [name, path] : files) out.push_back({name, path, sha256_file_hex(path)});
    return out;
}

std::vector<InputHash> hash_inputs(const std::vector<std::pair<std::string, std::filesystem::path>>& files,
                                   const std::filesystem::path& cache) {
    json known = read_cache(cache);
    bool changed = false;
    std::vector<InputHash> out;
    out.reserve(files.size());
    for (const auto& [name, path] : files) {
        const std::string key = std::filesystem::absolute(path).lexically_normal().string();
        const auto id = identity(path);
        if (id && known.contains(key) && known[key].is_object() && known[key].value("identity", json()) == *id &&
            known[key].value("sha256", json()).is_string()) {
            out.push_back({name, path, known[key]["sha256"].get<std::string>()});
            continue;
        }
        out.push_back({name, path, sha256_file_hex(path)});
        // Recorded only when the file did not change while it was read, and not within the last second: file
        // times tick coarsely, so a same-size write right after ours could otherwise keep the recorded identity.
        if (id && identity(path) == id && (*id)["ctime_ns"].get<std::int64_t>() < now_ns() - 1000000000) {
            known[key] = {{"identity", *id}, {"sha256", out.back().sha256}};
            changed = true;
        }
    }
    if (changed) {
        try {
            write_text_file(cache, known.dump(1) + "\n");
        } catch (const Error&) {
            // a folder we cannot write to: the next process hashes again
        }
    }
    return out;
}

}  // namespace bluecarbon
