#pragma once
// The allometry table the project ships (data/allometry.csv), as the survey tests load it.
#include <bluecarbon/io/csv.hpp>
#include <bluecarbon/io/survey_tables.hpp>
#include <bluecarbon/science/survey/allometry.hpp>

#include "test_config.hpp"

#include <string>

namespace bluecarbon::test {

inline science::survey::AllometryTable shipped_allometry_table() {
    return load_allometry(read_csv(std::string(k_data_dir) + "/allometry.csv"));
}

}  // namespace bluecarbon::test
