#include <bluecarbon/error.hpp>
#include <bluecarbon/science/indices.hpp>

#include <algorithm>
#include <bit>
#include <cctype>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace bluecarbon::science {

namespace {

using SB = SpectralBand;

constexpr std::array<Index, 7> k_indices{Index::ndvi,  Index::evi,  Index::savi, Index::ndwi,
                                         Index::mndwi, Index::ndmi, Index::mvi};
constexpr std::array<std::string_view, 7> k_index_names{"ndvi", "evi", "savi", "ndwi", "mndwi", "ndmi", "mvi"};
constexpr std::array<std::string_view, k_spectral_band_count> k_band_names{"blue", "green", "red", "nir", "swir1"};

// The bands each index reads, in the order its kernel takes them.
constexpr std::array<SB, 2> k_nir_red{SB::nir, SB::red};
constexpr std::array<SB, 3> k_nir_red_blue{SB::nir, SB::red, SB::blue};
constexpr std::array<SB, 2> k_green_nir{SB::green, SB::nir};
constexpr std::array<SB, 2> k_green_swir1{SB::green, SB::swir1};
constexpr std::array<SB, 2> k_nir_swir1{SB::nir, SB::swir1};
constexpr std::array<SB, 3> k_nir_green_swir1{SB::nir, SB::green, SB::swir1};

std::string lower_trimmed(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())) != 0)
        s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())) != 0)
        s.remove_suffix(1);
    std::string out(s);
    for (auto& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string valid_index_names() {
    std::string out;
    for (auto n : k_index_names) {
        if (!out.empty())
            out += ", ";
        out += n;
    }
    return out;
}

// True for finite values: false for NaN and ±inf. Written as a comparison so the loops below vectorise.
inline bool is_finite(float x) noexcept {
    return std::abs(x) <= std::numeric_limits<float>::max();
}

// The inner loops: one pass per index over plain arrays, no calls through pointers, so GCC vectorises them.
// `ratio(a, b[, c])` returns numerator / denominator for one pixel; the pixel is valid when every input is
// valid, the denominator is not zero and the quotient is finite (a zero denominator gives ±inf or NaN, which
// the finiteness test also rejects; the explicit test keeps the rule visible). The outputs are __restrict (they
// never overlap the inputs): without it GCC needs more run-time alias checks than it allows and gives up on the
// three-band loops.
struct Ratio {
    float num;
    float den;
};

template <typename F>
void kernel2(const float* a, const std::uint8_t* va, const float* b, const std::uint8_t* vb, std::size_t n,
             float* __restrict out, std::uint8_t* __restrict vout, F ratio) {
    for (std::size_t i = 0; i < n; ++i) {
        const Ratio r = ratio(a[i], b[i]);
        const float q = r.num / r.den;
        const bool ok = (va[i] != 0) & (vb[i] != 0) & (r.den != 0.0F) & is_finite(q);
        out[i] = ok ? q : 0.0F;
        vout[i] = static_cast<std::uint8_t>(ok);
    }
}

template <typename F>
void kernel3(const float* a, const std::uint8_t* va, const float* b, const std::uint8_t* vb, const float* c,
             const std::uint8_t* vc, std::size_t n, float* __restrict out, std::uint8_t* __restrict vout, F ratio) {
    for (std::size_t i = 0; i < n; ++i) {
        const Ratio r = ratio(a[i], b[i], c[i]);
        const float q = r.num / r.den;
        const bool ok = (va[i] != 0) & (vb[i] != 0) & (vc[i] != 0) & (r.den != 0.0F) & is_finite(q);
        out[i] = ok ? q : 0.0F;
        vout[i] = static_cast<std::uint8_t>(ok);
    }
}

}  // namespace

std::span<const Index> all_indices() noexcept {
    return k_indices;
}

std::string_view index_name(Index index) noexcept {
    return k_index_names[static_cast<std::size_t>(index)];
}

Index parse_index(std::string_view name, std::string_view option) {
    const std::string key = lower_trimmed(name);
    for (std::size_t i = 0; i < k_index_names.size(); ++i)
        if (key == k_index_names[i])
            return k_indices[i];
    throw ConfigError(std::string(option) + ": unknown index '" + std::string(name) +
                      "' (valid: " + valid_index_names() + ")");
}

std::vector<Index> parse_index_list(std::string_view list, std::string_view option) {
    std::vector<Index> out;
    std::size_t start = 0;
    while (start <= list.size()) {
        const auto comma = list.find(',', start);
        const auto end = comma == std::string_view::npos ? list.size() : comma;
        const auto item = list.substr(start, end - start);
        if (!lower_trimmed(item).empty()) {
            const Index idx = parse_index(item, option);
            if (std::find(out.begin(), out.end(), idx) == out.end())
                out.push_back(idx);
        }
        if (comma == std::string_view::npos)
            break;
        start = comma + 1;
    }
    if (out.empty())
        throw ConfigError(std::string(option) + ": no index given (valid: " + valid_index_names() + ")");
    return out;
}

std::string_view band_name(SpectralBand band) noexcept {
    return k_band_names[static_cast<std::size_t>(band)];
}

std::optional<SpectralBand> parse_band(std::string_view name) noexcept {
    std::string key;
    try {
        key = lower_trimmed(name);
    } catch (...) {
        return std::nullopt;
    }
    for (std::size_t i = 0; i < k_band_names.size(); ++i)
        if (key == k_band_names[i])
            return static_cast<SpectralBand>(i);
    return std::nullopt;
}

std::span<const SpectralBand> required_bands(Index index) noexcept {
    switch (index) {
    case Index::ndvi:
    case Index::savi:
        return k_nir_red;
    case Index::evi:
        return k_nir_red_blue;
    case Index::ndwi:
        return k_green_nir;
    case Index::mndwi:
        return k_green_swir1;
    case Index::ndmi:
        return k_nir_swir1;
    case Index::mvi:
        return k_nir_green_swir1;
    }
    return {};
}

void compute_index(Index index, const BandSpans& bands, std::span<float> out, std::span<std::uint8_t> out_valid) {
    const std::size_t n = out.size();
    if (out_valid.size() != n)
        throw std::invalid_argument("compute_index: output value and validity sizes differ");
    const auto need = required_bands(index);
    std::array<const float*, 3> v{};
    std::array<const std::uint8_t*, 3> ok{};
    for (std::size_t k = 0; k < need.size(); ++k) {
        const auto values = bands.values_of(need[k]);
        const auto valid = bands.valid_of(need[k]);
        if (values.size() != n || valid.size() != n)
            throw std::invalid_argument("compute_index: " + std::string(index_name(index)) + " needs band '" +
                                        std::string(band_name(need[k])) + "' with " + std::to_string(n) +
                                        " values and validity flags");
        v[k] = values.data();
        ok[k] = valid.data();
    }
    float* o = out.data();
    std::uint8_t* vo = out_valid.data();
    switch (index) {
    case Index::ndvi:  // (N − R)/(N + R)
        kernel2(v[0], ok[0], v[1], ok[1], n, o, vo, [](float nir, float red) { return Ratio{nir - red, nir + red}; });
        break;
    case Index::evi:  // 2.5 (N − R)/(N + 6R − 7.5B + 1)
        kernel3(v[0], ok[0], v[1], ok[1], v[2], ok[2], n, o, vo, [](float nir, float red, float blue) {
            return Ratio{2.5F * (nir - red), nir + 6.0F * red - 7.5F * blue + 1.0F};
        });
        break;
    case Index::savi:  // 1.5 (N − R)/(N + R + 0.5)
        kernel2(v[0], ok[0], v[1], ok[1], n, o, vo, [](float nir, float red) {
            return Ratio{1.5F * (nir - red), nir + red + 0.5F};
        });
        break;
    case Index::ndwi:  // (G − N)/(G + N)
        kernel2(v[0], ok[0], v[1], ok[1], n, o, vo, [](float green, float nir) {
            return Ratio{green - nir, green + nir};
        });
        break;
    case Index::mndwi:  // (G − S1)/(G + S1)
        kernel2(v[0], ok[0], v[1], ok[1], n, o, vo, [](float green, float swir1) {
            return Ratio{green - swir1, green + swir1};
        });
        break;
    case Index::ndmi:  // (N − S1)/(N + S1)
        kernel2(v[0], ok[0], v[1], ok[1], n, o, vo, [](float nir, float swir1) {
            return Ratio{nir - swir1, nir + swir1};
        });
        break;
    case Index::mvi:  // (N − G)/(S1 − G)
        kernel3(v[0], ok[0], v[1], ok[1], v[2], ok[2], n, o, vo, [](float nir, float green, float swir1) {
            return Ratio{nir - green, swir1 - green};
        });
        break;
    }
}

void IndexStats::add(std::span<const float> values, std::span<const std::uint8_t> valid) {
    if (values.size() != valid.size())
        throw std::invalid_argument("IndexStats::add: value and validity sizes differ");
    // Exact summation of floats: a float is m·2^(e−150) with a 24-bit integer m and an 8-bit biased exponent e,
    // so adding m into an integer bucket per e is exact and cheap. Each bucket holds < n·2^24, which fits an
    // int64 for any block of fewer than 2^39 pixels. The buckets go into the ExactSum once per block.
    std::array<std::int64_t, 256> buckets{};
    std::int64_t count = 0;
    float lo = std::numeric_limits<float>::max();
    float hi = std::numeric_limits<float>::lowest();
    for (std::size_t i = 0; i < values.size(); ++i) {
        const float x = values[i];
        if (valid[i] == 0 || !is_finite(x))
            continue;
        ++count;
        lo = std::min(lo, x);
        hi = std::max(hi, x);
        const auto bits = std::bit_cast<std::uint32_t>(x);
        const auto e = (bits >> 23) & 0xFFU;
        const auto m = static_cast<std::int64_t>((bits & 0x7FFFFFU) | (e != 0 ? 0x800000U : 0U));
        buckets[e] += (bits >> 31) != 0 ? -m : m;
    }
    if (count == 0)
        return;
    for (std::size_t e = 0; e < buckets.size(); ++e) {
        const std::int64_t b = buckets[e];
        if (b == 0)
            continue;
        // Subnormals (e = 0) share the scale of e = 1. Split b so both parts are exact doubles.
        const int scale = (e == 0 ? 1 : static_cast<int>(e)) - 150;
        const std::int64_t high = b >> 26;  // arithmetic shift: b == high·2^26 + low, 0 <= low < 2^26
        const std::int64_t low = b & ((std::int64_t{1} << 26) - 1);
        m_sum.add(std::ldexp(static_cast<double>(high), scale + 26));
        m_sum.add(std::ldexp(static_cast<double>(low), scale));
    }
    if (m_count == 0) {
        m_min = lo;
        m_max = hi;
    } else {
        m_min = std::min(m_min, lo);
        m_max = std::max(m_max, hi);
    }
    m_count += count;
}

void IndexStats::merge(const IndexStats& other) {
    if (other.m_count == 0)
        return;
    if (m_count == 0) {
        m_min = other.m_min;
        m_max = other.m_max;
    } else {
        m_min = std::min(m_min, other.m_min);
        m_max = std::max(m_max, other.m_max);
    }
    m_count += other.m_count;
    m_sum.merge(other.m_sum);
}

void IndexStats::save(ByteWriter& w) const {
    w.put(m_count);
    w.put(m_min);
    w.put(m_max);
    w.put_sum(m_sum);
}

IndexStats IndexStats::load(ByteReader& r) {
    IndexStats s;
    s.m_count = r.get<std::int64_t>();
    s.m_min = r.get<float>();
    s.m_max = r.get<float>();
    s.m_sum = r.get_sum();
    return s;
}

std::optional<double> IndexStats::min() const noexcept {
    if (m_count == 0)
        return std::nullopt;
    return static_cast<double>(m_min);
}

std::optional<double> IndexStats::max() const noexcept {
    if (m_count == 0)
        return std::nullopt;
    return static_cast<double>(m_max);
}

std::optional<double> IndexStats::mean() const {
    if (m_count == 0)
        return std::nullopt;
    return m_sum.value() / static_cast<double>(m_count);
}

}  // namespace bluecarbon::science
