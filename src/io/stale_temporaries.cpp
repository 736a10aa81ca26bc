#include <bluecarbon/io/stale_temporaries.hpp>

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <regex>
#include <system_error>

namespace bluecarbon {

namespace fs = std::filesystem;

long temporary_file_pid(const std::string& file_name) {
    // io::temp_path_beside's pattern; the pid and counter are the last two numbers before ".tmp", so a stem that
    // itself holds dots and digits still parses.
    static const std::regex pattern(R"(^\..+\.([0-9]{1,9})\.[0-9]+\.tmp(\..*)?$)");
    std::smatch m;
    if (!std::regex_match(file_name, m, pattern))
        return 0;
    return std::stol(m[1].str());
}

namespace {
bool process_gone(long pid) {
    return ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
}
} // namespace

std::size_t remove_stale_temporaries(const fs::path& dir) {
    std::size_t removed = 0;
    std::error_code ec;
    fs::directory_iterator it(dir.empty() ? fs::path(".") : dir, ec);
    if (ec)
        return 0;
    const long self = static_cast<long>(::getpid());
    for (; it != fs::directory_iterator(); it.increment(ec)) {
        if (ec)
            break;
        std::error_code type_ec;
        if (!it->is_regular_file(type_ec))
            continue;
        const long pid = temporary_file_pid(it->path().filename().string());
        if (pid <= 0 || pid == self || !process_gone(pid))
            continue;
        std::error_code rm;
        if (fs::remove(it->path(), rm))
            ++removed;
    }
    return removed;
}

} // namespace bluecarbon
