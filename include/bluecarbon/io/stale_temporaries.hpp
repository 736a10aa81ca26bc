#pragma once
/// Temporary outputs left by runs that were killed (SIGKILL, a power cut, a second Ctrl-C): the hidden
/// ".<stem>.<pid>.<counter>.tmp<ext>" files beside the outputs (and GDAL's ".ovr.tmp" beside them). A run
/// removes those of processes that no longer exist before it writes its own.
#include <cstddef>
#include <filesystem>
#include <string>

namespace bluecarbon {

/// Removes from `dir` (not its subfolders) the temporary files of processes that are no longer running on this
/// machine; files of this process and of live processes stay. Returns how many were removed. A folder that
/// cannot be listed is left alone (the run's own write check reports it).
std::size_t remove_stale_temporaries(const std::filesystem::path& dir);

/// The pid in a temporary file's name, or 0 when the name is not one of ours.
[[nodiscard]] long temporary_file_pid(const std::string& file_name);

} // namespace bluecarbon
