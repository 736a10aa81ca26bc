#pragma once
/// The report's charts as standalone SVG documents (inlined in report.html and written as report/*.svg). Text
/// is XML-escaped; numbers use fixed decimals, so the same rows give the same bytes. Each function returns an
/// empty string for empty input (the page then says there is nothing to chart).
#include <bluecarbon/report/report_data.hpp>

#include <string>
#include <vector>

namespace bluecarbon::report {

/// A value axis from `lo` to `hi` in steps of 1, 2 or 5 × 10^n, with about `target_ticks` intervals; both ends
/// are multiples of the step and enclose [min, max].
struct Axis {
    double lo{0};
    double hi{1};
    double step{0.2};
};
[[nodiscard]] Axis nice_axis(double min, double max, int target_ticks = 5);

/// One bar per habitat, height = stock (Mg C), the value written above it. Throws InputError naming the habitat
/// when a stock is negative or not finite.
[[nodiscard]] std::string svg_stock_by_habitat(const std::vector<HabitatStat>& habitats);

/// One bar per vintage whose top is the gross removal: net credits at the bottom and each deduction stacked
/// above, with a legend naming the segments. Throws InputError naming the vintage when a value is negative or
/// the deductions exceed the gross.
[[nodiscard]] std::string svg_credits_by_vintage(const std::vector<CreditVintageRow>& credits);

/// One row per parcel: a dot at the stock estimate and a line over its 90 % interval (Mg C).
[[nodiscard]] std::string svg_parcel_uncertainty(const std::vector<ParcelRow>& parcels);

}  // namespace bluecarbon::report
