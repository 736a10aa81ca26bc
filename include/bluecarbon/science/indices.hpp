#pragma once
/// Spectral indices (SCIENCE.md §1) on spans of reflectance (0–1, after scale/offset).
///
/// Plain C++ on spans: no files, no GDAL. Every index is a ratio a/b of two linear combinations of bands; an
/// output pixel is valid only when every band it reads is valid, the denominator is not exactly zero and the
/// result is finite. Invalid output pixels get value 0 and valid = 0 (the Block<T> convention); the writer turns
/// them into the file's nodata, so no NaN or ±inf ever reaches a stored file. All functions are thread-safe.
#include <bluecarbon/core/byte_codec.hpp>
#include <bluecarbon/core/exact_sum.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace bluecarbon::science {

/// Reflectance bands the indices read (Sentinel-2: B2, B3, B4, B8, B11).
enum class SpectralBand : std::uint8_t { blue, green, red, nir, swir1 };
inline constexpr std::size_t k_spectral_band_count = 5;

enum class Index : std::uint8_t {
    ndvi,   ///< (N − R)/(N + R)
    evi,    ///< 2.5 (N − R)/(N + 6R − 7.5B + 1)
    savi,   ///< 1.5 (N − R)/(N + R + 0.5)  (L = 0.5)
    ndwi,   ///< (G − N)/(G + N)  (McFeeters 1996)
    mndwi,  ///< (G − S1)/(G + S1)  (Xu 2006)
    ndmi,   ///< (N − S1)/(N + S1)  (also LSWI)
    mvi,    ///< (N − G)/(S1 − G)  (Baloloy et al. 2020; mangroves typically 4.5–16.5)
};

/// Every index, in the order above.
[[nodiscard]] std::span<const Index> all_indices() noexcept;
/// Lower-case name: "ndvi", "evi", ... (also the output file stem and band description).
[[nodiscard]] std::string_view index_name(Index index) noexcept;
/// Parses an index name, case-insensitive, surrounding blanks ignored. Throws ConfigError naming the
/// unknown name and listing the valid ones. `option` prefixes the message (e.g. "--index").
[[nodiscard]] Index parse_index(std::string_view name, std::string_view option = "--index");
/// Parses a comma-separated list ("ndvi,MVI"); duplicates are dropped, first occurrence order kept.
/// Throws ConfigError for an empty list or an unknown name.
[[nodiscard]] std::vector<Index> parse_index_list(std::string_view list, std::string_view option = "--index");

/// Lower-case band name: "blue", "green", "red", "nir", "swir1".
[[nodiscard]] std::string_view band_name(SpectralBand band) noexcept;
/// Parses a band name (case-insensitive); nullopt when unknown.
[[nodiscard]] std::optional<SpectralBand> parse_band(std::string_view name) noexcept;
/// The bands `index` reads, in a fixed order.
[[nodiscard]] std::span<const SpectralBand> required_bands(Index index) noexcept;

/// One tile's reflectance: for each band, its values and validity (1 = valid), all of the same length. Bands an
/// index does not read may be left empty.
struct BandSpans {
    std::array<std::span<const float>, k_spectral_band_count> values{};
    std::array<std::span<const std::uint8_t>, k_spectral_band_count> valid{};

    void set(SpectralBand b, std::span<const float> v, std::span<const std::uint8_t> ok) noexcept {
        values[static_cast<std::size_t>(b)] = v;
        valid[static_cast<std::size_t>(b)] = ok;
    }
    [[nodiscard]] std::span<const float> values_of(SpectralBand b) const noexcept {
        return values[static_cast<std::size_t>(b)];
    }
    [[nodiscard]] std::span<const std::uint8_t> valid_of(SpectralBand b) const noexcept {
        return valid[static_cast<std::size_t>(b)];
    }
};

/// Computes `index` for every pixel of `bands` into `out`/`out_valid` (same length as the bands).
/// Throws std::invalid_argument when a band the index needs is missing or the lengths differ.
void compute_index(Index index, const BandSpans& bands, std::span<float> out, std::span<std::uint8_t> out_valid);

/// Summary of one index band: valid pixel count, min, max and an exact (order-independent) sum, so the mean is
/// bit-identical whatever the tiling or thread count. Not thread-safe: one per tile, merged in tile order.
class IndexStats {
  public:
    /// Adds the valid pixels of one block.
    void add(std::span<const float> values, std::span<const std::uint8_t> valid);
    void merge(const IndexStats& other);
    /// Shard records: the statistics as bytes and back, bit for bit.
    void save(ByteWriter& out) const;
    [[nodiscard]] static IndexStats load(ByteReader& in);

    [[nodiscard]] std::int64_t valid_pixels() const noexcept { return m_count; }
    /// Smallest / largest valid value; nullopt when no pixel was valid.
    [[nodiscard]] std::optional<double> min() const noexcept;
    [[nodiscard]] std::optional<double> max() const noexcept;
    /// Mean of the valid values (the correctly rounded exact sum / count); nullopt when no pixel was valid.
    [[nodiscard]] std::optional<double> mean() const;

  private:
    std::int64_t m_count{0};
    float m_min{0.0F};
    float m_max{0.0F};
    ExactSum m_sum;
};

}  // namespace bluecarbon::science
