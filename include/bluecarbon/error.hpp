#pragma once
/// Exception hierarchy. Library code throws; only `main` catches (exit codes: 0 ok, 1 failed run, 2 bad input).
#include <filesystem>
#include <stdexcept>
#include <string>

namespace bluecarbon {

/// A failed run that is not the user's fault (exit code 1).
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
    [[nodiscard]] virtual int exit_code() const noexcept { return 1; }
};

/// Bad usage or bad input: a missing or corrupt file, a missing band, a malformed option or config (exit code 2).
/// The message names the file, band, option or line at fault.
class InputError : public Error {
public:
    using Error::Error;
    [[nodiscard]] int exit_code() const noexcept override { return 2; }
};

/// A bad option, project-file key or parameter table value.
class ConfigError : public InputError {
public:
    using InputError::InputError;
};

/// Inputs that cannot be brought onto one grid (no CRS, no overlap, incompatible shapes).
class GridMismatchError : public InputError {
public:
    using InputError::InputError;
};

/// A CRS that cannot be understood or transformed, or a missing transformation grid.
class CrsError : public InputError {
public:
    using InputError::InputError;
};

/// An invalid or unusable geometry.
class GeometryError : public InputError {
public:
    using InputError::InputError;
};

/// A failure reading or writing a file during a run (disk full, permission lost, driver failure).
class IoError : public Error {
public:
    IoError(std::filesystem::path path, const std::string& message)
        : Error(path.string() + ": " + message), m_path(std::move(path)) {}
    [[nodiscard]] const std::filesystem::path& path() const noexcept { return m_path; }

private:
    std::filesystem::path m_path;
};

}  // namespace bluecarbon
