# SPDX-License-Identifier: MIT
# libflowreplay, shared and static, from the objects of every stage; installed with its headers,
# a CMake package (find_package(flowreplay)) and a pkg-config file (flowreplay.pc).
get_property(stages GLOBAL PROPERTY FLOWREPLAY_STAGES)

set(FLOWREPLAY_LINK_DEPS PkgConfig::PCAP PkgConfig::FIXBUF PkgConfig::ZLIB PkgConfig::ZSTD PkgConfig::XDP yaml-cpp)
foreach(kind shared static)
  string(TOUPPER ${kind} type)
  add_library(flowreplay_${kind} ${type})
  foreach(stage ${stages})
    target_sources(flowreplay_${kind} PRIVATE $<TARGET_OBJECTS:${stage}>)
  endforeach()
  target_include_directories(flowreplay_${kind} PUBLIC
    $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include> $<BUILD_INTERFACE:${PROJECT_BINARY_DIR}/include>
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  target_compile_features(flowreplay_${kind} PUBLIC cxx_std_20)
  set_target_properties(flowreplay_${kind} PROPERTIES OUTPUT_NAME flowreplay EXPORT_NAME ${kind})
endforeach()
set_target_properties(flowreplay_shared PROPERTIES VERSION ${PROJECT_VERSION} SOVERSION ${PROJECT_VERSION_MAJOR})
target_link_libraries(flowreplay_shared PRIVATE ${FLOWREPLAY_LINK_DEPS})
target_link_libraries(flowreplay_static PUBLIC ${FLOWREPLAY_LINK_DEPS})
add_library(flowreplay::shared ALIAS flowreplay_shared)
add_library(flowreplay::static ALIAS flowreplay_static)

# What each stage links, for the test that keeps the core free of I/O libraries.
set(link_report "")
foreach(stage ${stages})
  string(APPEND link_report "${stage}: $<TARGET_PROPERTY:${stage},LINK_LIBRARIES>\n")
endforeach()
file(GENERATE OUTPUT ${PROJECT_BINARY_DIR}/stage_links.txt CONTENT "${link_report}")

install(TARGETS flowreplay_shared flowreplay_static EXPORT flowreplayTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/flowreplay DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        FILES_MATCHING PATTERN "*.hpp")
install(FILES ${PROJECT_BINARY_DIR}/include/flowreplay/version.hpp DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/flowreplay)

include(CMakePackageConfigHelpers)
set(cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/flowreplay)
install(EXPORT flowreplayTargets NAMESPACE flowreplay:: DESTINATION ${cmake_dir})
configure_package_config_file(${PROJECT_SOURCE_DIR}/src/package/flowreplayConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/flowreplayConfig.cmake INSTALL_DESTINATION ${cmake_dir})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/flowreplayConfigVersion.cmake COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/flowreplayConfig.cmake ${PROJECT_BINARY_DIR}/flowreplayConfigVersion.cmake
        DESTINATION ${cmake_dir})

file(RELATIVE_PATH FLOWREPLAY_PC_TO_PREFIX ${CMAKE_INSTALL_FULL_LIBDIR}/pkgconfig ${CMAKE_INSTALL_PREFIX})
configure_file(${PROJECT_SOURCE_DIR}/src/package/flowreplay.pc.in ${PROJECT_BINARY_DIR}/flowreplay.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/flowreplay.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
