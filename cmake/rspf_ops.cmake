# Operations (issue 13): the serving loop with signals and systemd notification, linked into rspf.
# Kept apart from src/CMakeLists.txt (which lays out the libraries); included from the top level.
pkg_check_modules(SYSTEMD REQUIRED IMPORTED_TARGET libsystemd)
target_sources(rspf PRIVATE
  ${PROJECT_SOURCE_DIR}/src/cli/serve_role.cpp
  ${PROJECT_SOURCE_DIR}/src/cli/systemd_notify.cpp)
target_link_libraries(rspf PRIVATE PkgConfig::SYSTEMD)
target_sources(rspf PRIVATE ${PROJECT_SOURCE_DIR}/src/cli/completion.cpp)
add_subdirectory(${PROJECT_SOURCE_DIR}/packaging ${PROJECT_BINARY_DIR}/packaging)
# rspf_build_info{version} (issue 13 item 8): only this file needs the version, so only it recompiles.
set_source_files_properties(${PROJECT_SOURCE_DIR}/src/observability/prometheus_metrics.cpp
  DIRECTORY ${PROJECT_SOURCE_DIR}/src
  PROPERTIES COMPILE_DEFINITIONS "RSPF_VERSION_STRING=\"${PROJECT_VERSION}\"")
