# The installable package: public headers, the module libraries and a CMake package config, so another project
# gets the library with `find_package(bluecarbon CONFIG REQUIRED)` and links `bluecarbon::bluecarbon` (the
# library, not the CLI). Every module registered with bluecarbon_module() is exported, except the CLI and the
# sample-data writer, which only the executable uses.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

get_property(bluecarbon_modules GLOBAL PROPERTY BLUECARBON_MODULES)
list(REMOVE_ITEM bluecarbon_modules bluecarbon_cli bluecarbon_sample)
foreach(t IN LISTS bluecarbon_modules)
  string(REGEX REPLACE "^bluecarbon_" "" short ${t})
  set_target_properties(${t} PROPERTIES EXPORT_NAME ${short})
endforeach()
set_target_properties(bluecarbon_options PROPERTIES EXPORT_NAME options)
set_target_properties(bluecarbon_warnings PROPERTIES EXPORT_NAME warnings)

install(TARGETS bluecarbon bluecarbon_options bluecarbon_warnings ${bluecarbon_modules}
        EXPORT bluecarbonTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY include/bluecarbon DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} PATTERN cli EXCLUDE)
install(FILES ${PROJECT_BINARY_DIR}/generated/bluecarbon/version.hpp
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/bluecarbon)

set(BLUECARBON_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/bluecarbon)
install(EXPORT bluecarbonTargets NAMESPACE bluecarbon:: DESTINATION ${BLUECARBON_CMAKE_DIR})
configure_package_config_file(cmake/bluecarbonConfig.cmake.in ${PROJECT_BINARY_DIR}/bluecarbonConfig.cmake
                              INSTALL_DESTINATION ${BLUECARBON_CMAKE_DIR})
# 0.x: a minor version may change the API.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/bluecarbonConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/bluecarbonConfig.cmake ${PROJECT_BINARY_DIR}/bluecarbonConfigVersion.cmake
        DESTINATION ${BLUECARBON_CMAKE_DIR})
