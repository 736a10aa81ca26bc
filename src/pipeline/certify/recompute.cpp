// `verify --recompute`: a certificate's inputs re-hashed, and its numbers recomputed from them by re-running the
// steps (stock, parcels, credits) into a scratch folder, compared field by field, bit for bit.
#include "pipeline/certify/project_inputs.hpp"

#include <bluecarbon/core/sha256.hpp>
#include <bluecarbon/error.hpp>
#include <bluecarbon/pipeline/certify.hpp>
#include <bluecarbon/pipeline/credits.hpp>
#include <bluecarbon/pipeline/parcels.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace bluecarbon::pipeline {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

/// A fresh private folder under the system's temporary folder, removed with everything in it on scope exit.
class ScratchDir {
public:
    ScratchDir() {
        std::string tmpl = (fs::temp_directory_path() / "bluecarbon-recompute-XXXXXX").string();
        if (::mkdtemp(tmpl.data()) == nullptr)
            throw IoError(tmpl, std::string("cannot create a scratch folder: ") + std::strerror(errno));
        m_path = tmpl;
    }
    ~ScratchDir() {
        std::error_code ec;
        fs::remove_all(m_path, ec);
    }
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;
    [[nodiscard]] const fs::path& path() const noexcept { return m_path; }

private:
    fs::path m_path;
};

/// Paths of the leaves where `a` and `b` differ ("certificate.vintages[0].credits"); numbers compare exactly.
void diff(const json& a, const json& b, const std::string& path, std::vector<std::string>& out) {
    if (a.is_object() && b.is_object()) {
        for (const auto& [k, v] : a.items())
            b.contains(k) ? diff(v, b.at(k), path + "." + k, out) : out.push_back(path + "." + k);
        for (const auto& [k, v] : b.items())
            if (!a.contains(k)) out.push_back(path + "." + k);
    } else if (a.is_array() && b.is_array() && a.size() == b.size()) {
        for (std::size_t i = 0; i < a.size(); ++i) diff(a[i], b[i], fmt::format("{}[{}]", path, i), out);
    } else if (a.is_number() && b.is_number()) {
        if (a.get<double>() != b.get<double>()) out.push_back(path);
    } else if (a != b) {
        out.push_back(path);
    }
}

}  // namespace

std::vector<certify::Certificate> recompute_certificates(const config::ProjectConfig& cfg, const std::string& date,
                                                         const RunContext& ctx) {
    if (!cfg.certify.present)
        throw ConfigError(cfg.file.string() + ": no [certify] section (project_id and key are needed to certify)");
    const ScratchDir scratch;
    config::ProjectConfig in_scratch = cfg;
    in_scratch.output_dir = scratch.path();
    // The scratch folder holds no stock rasters, so the parcels step runs the stock step first.
    (void)run_parcels(in_scratch, ctx);
    if (cfg.credits.present) (void)run_credits(in_scratch, ctx);
    return build_certificates(in_scratch, date);
}

std::vector<std::string> changed_inputs(const certify::Certificate& cert, const config::ProjectConfig& cfg) {
    std::vector<std::string> problems;
    for (const auto& in : cert.inputs) {
        const fs::path p = resolve_input_path(cfg, in.path);
        std::error_code ec;
        if (!fs::is_regular_file(p, ec)) problems.push_back("input missing: " + in.path);
        else if (fs::file_size(p, ec) != in.size || sha256_file_hex(p) != in.sha256)
            problems.push_back("input changed: " + in.path);
    }
    return problems;
}

std::vector<std::string> certificate_differences(const certify::Certificate& signed_cert,
                                                 const certify::Certificate& recomputed) {
    certify::Certificate now = recomputed;
    now.tool_version = signed_cert.tool_version;  // a newer tool reading the same inputs is not a different number
    now.inputs = signed_cert.inputs;              // compared by hash
    now.assessment_date = signed_cert.assessment_date;
    std::vector<std::string> fields;
    diff(certify::to_json(signed_cert), certify::to_json(now), "certificate", fields);
    std::vector<std::string> problems;
    for (const auto& f : fields) problems.push_back("number differs: " + f);
    return problems;
}

}  // namespace bluecarbon::pipeline
