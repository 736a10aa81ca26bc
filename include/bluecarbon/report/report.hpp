#pragma once
/// The report module in one include: fill a ReportData (report_data.hpp), then write_report(data, out_dir)
/// writes report.html and report/*.png|svg. The pieces (map quicklooks, SVG charts, text formatting) are usable
/// on their own, e.g. for an owner's statement page.
#include <bluecarbon/report/charts.hpp>
#include <bluecarbon/report/format.hpp>
#include <bluecarbon/report/html_report.hpp>
#include <bluecarbon/report/map_render.hpp>
#include <bluecarbon/report/report_data.hpp>
