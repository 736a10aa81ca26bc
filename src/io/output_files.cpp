#include "output_files.hpp"

#include <bluecarbon/error.hpp>
#include <bluecarbon/io/raster_sink.hpp>

#include <fmt/format.h>

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <system_error>

namespace bluecarbon {

namespace fs = std::filesystem;

namespace io {

fs::path temp_path_beside(const fs::path& final_path) {
    static std::atomic<std::uint64_t> counter{0};
    const auto n = counter.fetch_add(1, std::memory_order_relaxed);
    const std::string name = fmt::format(".{}.{}.{}.tmp{}", final_path.stem().string(), ::getpid(), n,
                                         final_path.extension().string());
    return final_path.parent_path() / name;
}

}  // namespace io

OutputTransaction::~OutputTransaction() {
    // Whatever was not renamed into place (no commit, or a commit that failed part-way) is removed.
    for (const auto& [temp, final_path] : m_staged) {
        std::error_code ec;
        fs::remove(temp, ec);
    }
}

fs::path OutputTransaction::stage(const fs::path& final_path) {
    std::lock_guard lock(m_mutex);
    if (m_committed) throw std::logic_error("OutputTransaction::stage after commit");
    auto temp = io::temp_path_beside(final_path);
    m_staged.emplace_back(temp, final_path);
    return temp;
}

void OutputTransaction::commit() {
    std::lock_guard lock(m_mutex);
    if (m_committed) throw std::logic_error("OutputTransaction::commit called twice");
    while (!m_staged.empty()) {
        const auto& [temp, final_path] = m_staged.front();
        std::error_code ec;
        fs::rename(temp, final_path, ec);
        if (ec) throw IoError(final_path, "cannot move the finished file into place: " + ec.message());
        m_staged.erase(m_staged.begin());
    }
    m_committed = true;
}

void ensure_writable_dir(const fs::path& dir) {
    const fs::path d = dir.empty() ? fs::path(".") : dir;
    std::error_code ec;
    fs::create_directories(d, ec);
    if (ec || !fs::is_directory(d, ec))
        throw InputError("output folder " + d.string() + " is not writable (cannot create it: " +
                         (ec ? ec.message() : std::string("a file of that name exists")) + ")");
    // Creating a file is the only reliable test (permissions, read-only mounts, ACLs, quotas).
    const fs::path probe = io::temp_path_beside(d / "write-test");
    const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        const int err = errno;
        throw InputError("output folder " + d.string() + " is not writable (" + std::strerror(err) + ")");
    }
    ::close(fd);
    fs::remove(probe, ec);
}

void write_text_file(const fs::path& path, const std::string& text, OutputTransaction* transaction) {
    const fs::path temp = transaction ? transaction->stage(path) : io::temp_path_beside(path);
    {
        std::ofstream out(temp, std::ios::binary | std::ios::trunc);
        if (out) out.write(text.data(), static_cast<std::streamsize>(text.size()));
        out.close();
        if (!out) {
            std::error_code ec;
            fs::remove(temp, ec);
            throw IoError(path, "cannot write the file (folder missing, not writable or disk full)");
        }
    }
    if (transaction) return;  // renamed by commit()
    std::error_code ec;
    fs::rename(temp, path, ec);
    if (ec) {
        fs::remove(temp, ec);
        throw IoError(path, "cannot move the finished file into place");
    }
}

}  // namespace bluecarbon
