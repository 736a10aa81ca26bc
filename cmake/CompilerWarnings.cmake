# Project-wide compile settings live on two interface targets that every module links.
add_library(bluecarbon_options INTERFACE)
target_compile_features(bluecarbon_options INTERFACE cxx_std_20)
target_include_directories(bluecarbon_options INTERFACE
  $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
  $<BUILD_INTERFACE:${PROJECT_BINARY_DIR}/generated>
  $<INSTALL_INTERFACE:include>)
if(BLUECARBON_SANITIZE)
  # UBSan without its vptr, alignment and null checks, which double the compile time of a source (measured on
  # habitat_rules.cpp: 22.9 -> 11.7 CPU-s): ASan reports a null dereference itself, x86 loads tolerate
  # misalignment, and the project has no downcasts to check. The arithmetic checks (signed overflow, shifts,
  # bounds, float casts, enum/bool values, missing returns) stay.
  target_compile_options(bluecarbon_options INTERFACE -fsanitize=address,undefined
                         -fno-sanitize=vptr,alignment,null -fno-omit-frame-pointer)
  target_link_options(bluecarbon_options INTERFACE -fsanitize=address,undefined)
endif()

add_library(bluecarbon_warnings INTERFACE)
target_compile_options(bluecarbon_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor)
# GCC 12 reports false positives inside libstdc++'s inlined string code at -O2: -Wrestrict (GCC bug 105329),
# -Wstringop-overflow and -Warray-bounds on `"literal" + std::string` and vectors of strings (bugs 105651,
# 106199). They flagged 23 sites of the release build, none a real overflow; GCC 13 and later keep the checks,
# and the ASan build checks bounds at run time.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(bluecarbon_warnings INTERFACE -Wno-restrict -Wno-stringop-overflow -Wno-array-bounds)
endif()
# Under -fsanitize GCC 12 no longer sees the std::function inside std::regex's NFA states initialised: 40
# -Wmaybe-uninitialized reports in the ASan build, every one of them in <regex>; the release build keeps the
# warning.
if(BLUECARBON_SANITIZE AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  target_compile_options(bluecarbon_warnings INTERFACE -Wno-maybe-uninitialized)
endif()
if(BLUECARBON_WARNINGS_AS_ERRORS)
  target_compile_options(bluecarbon_warnings INTERFACE -Werror)
endif()
