#pragma once
/// Habitat from user-editable rules: muparser expressions over band and index names, evaluated per tile; the
/// first rule that holds at a pixel gives its habitat.
///
/// Evaluation: muparser parses and compiles each rule; its compiled bytecode is then run a block of pixels at a
/// time (each instruction over 512 pixels), with results bit-identical to muparser's own bulk mode, which is
/// still used for the few constructs the block runner leaves to it (if-then-else). A rule skips the blocks
/// where earlier rules have claimed every pixel.
///
/// Syntax: muparser's (+ - * / ^, < <= > >= == !=, && ||, ?:, abs, min, max, sqrt, ...) plus `and`, `or`
/// and `!` as synonyms, and two scene statistics: `otsu(name)` (Otsu's threshold of the variable over the
/// whole scene) and `percentile(name, p)`. Scene statistics are computed in a first pass (exact, in bounded
/// memory: see BoundedStatistics) and substituted as constants before the second.
///
/// Validity: a pixel is classified only where `base_valid` holds (the primary inputs are valid). A rule is
/// taken as false at a pixel where any variable it names is invalid there (e.g. MVI with a zero denominator),
/// and the next rule is tried; a pixel where no rule holds gets the fallback habitat.
#include <bluecarbon/science/habitat.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace bluecarbon::science {

namespace detail {
class RuleProgram;
}

struct HabitatRule {
    Habitat habitat{Habitat::other};
    std::string expression;
    /// Where the rule comes from, prefixed to every message about it (e.g. `project.toml:31: habitat.rules[2].when`).
    std::string origin;
};

/// A scene statistic a rule asks for.
struct SceneStatistic {
    enum class Kind { otsu, percentile };
    Kind kind{Kind::otsu};
    std::string variable;
    double p{0};  ///< percentile only
    /// Canonical text, e.g. "otsu(mvi)" or "percentile(ndvi, 90)"; the key of the statistics map.
    [[nodiscard]] std::string key() const;
    friend bool operator<(const SceneStatistic& a, const SceneStatistic& b) { return a.key() < b.key(); }
};

/// One variable's pixels for one tile.
struct RuleVariable {
    std::span<const float> values;
    std::span<const std::uint8_t> valid;
};

class HabitatRules {
public:
    /// Compiles and checks the rules. `known_variables` are the names the caller can supply per tile; `hint`
    /// maps some names that are not available to an explanation (e.g. "intertidal" -> "needs [tidal] and a
    /// DEM"). Throws ConfigError (origin-prefixed, one line) for an empty expression, a syntax error (with the
    /// expression and the 1-based position), an unknown name, or a malformed otsu()/percentile() call.
    HabitatRules(std::vector<HabitatRule> rules, Habitat fallback, std::vector<std::string> known_variables,
                 std::map<std::string, std::string> hint = {});

    [[nodiscard]] const std::vector<HabitatRule>& rules() const noexcept { return m_rules; }
    [[nodiscard]] Habitat fallback() const noexcept { return m_fallback; }
    /// Every variable some rule reads (including those inside otsu()/percentile()), sorted.
    [[nodiscard]] const std::vector<std::string>& variables() const noexcept { return m_variables; }
    /// Variables read per pixel in the second pass (not only inside scene statistics), sorted.
    [[nodiscard]] const std::vector<std::string>& pixel_variables() const noexcept { return m_pixel_variables; }
    /// The scene statistics the rules need (sorted, unique).
    [[nodiscard]] const std::vector<SceneStatistic>& statistics() const noexcept { return m_statistics; }
    /// Supplies the statistics' values (keyed by SceneStatistic::key()). Throws ConfigError when one is missing
    /// or not finite (e.g. Otsu of a variable with a single value in the whole scene).
    void set_statistics(const std::map<std::string, double>& values);

    /// Classifies one tile: `out[i]` = habitat code of the first rule that holds at pixel i, the fallback when
    /// none does, k_habitat_nodata where `base_valid[i]` is 0. `variables` must hold every name of
    /// pixel_variables(), each of the tile's length. Thread-safe (each call uses its own parsers). Throws
    /// std::logic_error when statistics are needed but were not set.
    void classify(const std::map<std::string, RuleVariable>& variables, std::span<const std::uint8_t> base_valid,
                  std::span<std::uint8_t> out) const;

    /// Number of rules run by the block evaluator (the others by muparser's bulk mode); for tests.
    [[nodiscard]] std::size_t block_evaluated_rules() const noexcept;

private:
    struct Compiled {
        std::string evaluable;              // expression with statistics substituted (after set_statistics)
        std::vector<std::string> pixel_vars;  // names read per pixel
        std::shared_ptr<const detail::RuleProgram> program;  // when the block evaluator can run the rule
    };
    void compile_programs();
    std::vector<HabitatRule> m_rules;
    std::vector<Compiled> m_compiled;
    Habitat m_fallback;
    std::vector<std::string> m_variables;
    std::vector<std::string> m_pixel_variables;
    std::vector<SceneStatistic> m_statistics;
    bool m_statistics_set{false};
};

}  // namespace bluecarbon::science
