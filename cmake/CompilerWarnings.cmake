# Project-wide compile settings live on two interface targets that every module links.
add_library(bluecarbon_options INTERFACE)
target_compile_features(bluecarbon_options INTERFACE cxx_std_20)
target_include_directories(bluecarbon_options INTERFACE
  $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
  $<BUILD_INTERFACE:${PROJECT_BINARY_DIR}/generated>
  $<INSTALL_INTERFACE:include>)
if(BLUECARBON_SANITIZE)
  target_compile_options(bluecarbon_options INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer)
  target_link_options(bluecarbon_options INTERFACE -fsanitize=address,undefined)
endif()

add_library(bluecarbon_warnings INTERFACE)
target_compile_options(bluecarbon_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor)
# GCC 12 reports false -Wrestrict positives inside libstdc++'s string concatenation at -O2 (GCC bug 105329).
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(bluecarbon_warnings INTERFACE -Wno-restrict)
endif()
if(BLUECARBON_WARNINGS_AS_ERRORS)
  target_compile_options(bluecarbon_warnings INTERFACE -Werror)
endif()
