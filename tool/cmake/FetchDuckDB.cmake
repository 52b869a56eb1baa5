# DuckDB's C API, pinned to the version the dbt side uses (requirements.txt).
#
# The prebuilt library comes from npm, the channel that carries it here:
#   duckdb@<version>                           the header (package/src/duckdb/src/include/duckdb.h)
#   @duckdb/node-bindings-linux-x64@<bindings> libduckdb.so
# Both are unpacked once into <build>/_deps/duckdb-<version>/{include,lib} and reused on
# every later configure. Set PODCAST_DUCKDB_ROOT to a directory holding include/duckdb.h
# and lib/libduckdb.so to use your own DuckDB instead.
#
# Result: the IMPORTED target duckdb::duckdb.

set(PODCAST_DUCKDB_VERSION "1.4.4" CACHE STRING "DuckDB version the tool links (must match the dbt side)")
set(PODCAST_DUCKDB_BINDINGS_VERSION "1.4.4-r.4" CACHE STRING
    "Version of @duckdb/node-bindings-linux-x64 that carries libduckdb.so")
set(PODCAST_DUCKDB_ROOT "" CACHE PATH
    "A user-supplied DuckDB (include/duckdb.h, lib/libduckdb.so); empty: fetch the pinned one through npm")

function(_podcast_npm_unpack package destination)
    find_program(PODCAST_NPM npm REQUIRED)
    find_program(PODCAST_TAR tar REQUIRED)
    set(scratch "${CMAKE_BINARY_DIR}/_deps/npm-scratch")
    file(REMOVE_RECURSE "${scratch}")
    file(MAKE_DIRECTORY "${scratch}")
    message(STATUS "npm pack ${package}")
    execute_process(
        COMMAND "${PODCAST_NPM}" pack --silent "${package}"
        WORKING_DIRECTORY "${scratch}"
        OUTPUT_VARIABLE tarball
        RESULT_VARIABLE status
        ERROR_VARIABLE npm_error)
    string(STRIP "${tarball}" tarball)
    if(NOT status EQUAL 0 OR NOT EXISTS "${scratch}/${tarball}")
        message(FATAL_ERROR "npm pack ${package} failed (${status}): ${npm_error}")
    endif()
    execute_process(
        COMMAND "${PODCAST_TAR}" -xzf "${tarball}"
        WORKING_DIRECTORY "${scratch}"
        RESULT_VARIABLE status)
    if(NOT status EQUAL 0)
        message(FATAL_ERROR "could not unpack ${scratch}/${tarball}")
    endif()
    set(${destination} "${scratch}/package" PARENT_SCOPE)
endfunction()

if(PODCAST_DUCKDB_ROOT)
    set(_duckdb_root "${PODCAST_DUCKDB_ROOT}")
else()
    set(_duckdb_root "${CMAKE_BINARY_DIR}/_deps/duckdb-${PODCAST_DUCKDB_VERSION}")
    if(NOT EXISTS "${_duckdb_root}/include/duckdb.h" OR NOT EXISTS "${_duckdb_root}/lib/libduckdb.so")
        file(REMOVE_RECURSE "${_duckdb_root}")
        _podcast_npm_unpack("duckdb@${PODCAST_DUCKDB_VERSION}" _header_package)
        file(COPY "${_header_package}/src/duckdb/src/include/duckdb.h"
             DESTINATION "${_duckdb_root}/include")
        _podcast_npm_unpack("@duckdb/node-bindings-linux-x64@${PODCAST_DUCKDB_BINDINGS_VERSION}" _lib_package)
        file(COPY "${_lib_package}/libduckdb.so" DESTINATION "${_duckdb_root}/lib")
        file(REMOVE_RECURSE "${CMAKE_BINARY_DIR}/_deps/npm-scratch")
    else()
        message(STATUS "DuckDB: using the copy cached in ${_duckdb_root}")
    endif()
endif()

foreach(_required include/duckdb.h lib/libduckdb.so)
    if(NOT EXISTS "${_duckdb_root}/${_required}")
        message(FATAL_ERROR "DuckDB: ${_duckdb_root}/${_required} not found")
    endif()
endforeach()

# The version the library reports, checked against the pin.
set(_probe_dir "${CMAKE_BINARY_DIR}/_deps/duckdb-version-probe")
file(WRITE "${_probe_dir}/probe.cpp" [=[
#include <duckdb.h>
#include <cstdio>
int main() { std::printf("%s", duckdb_library_version()); }
]=])
try_run(_probe_run_status _probe_compiled
    "${_probe_dir}/build" "${_probe_dir}/probe.cpp"
    CMAKE_FLAGS "-DINCLUDE_DIRECTORIES=${_duckdb_root}/include"
    LINK_LIBRARIES "${_duckdb_root}/lib/libduckdb.so"
    COMPILE_OUTPUT_VARIABLE _probe_compile_output
    RUN_OUTPUT_VARIABLE _duckdb_reported_version)
if(NOT _probe_compiled OR NOT _probe_run_status EQUAL 0)
    message(FATAL_ERROR "DuckDB: could not build or run a version probe against ${_duckdb_root}:\n"
                        "${_probe_compile_output}")
endif()
message(STATUS "DuckDB: ${_duckdb_root} reports ${_duckdb_reported_version}")
if(NOT _duckdb_reported_version STREQUAL "v${PODCAST_DUCKDB_VERSION}")
    if(PODCAST_DUCKDB_ROOT)
        message(WARNING "DuckDB: PODCAST_DUCKDB_ROOT holds ${_duckdb_reported_version}, "
                        "the dbt side uses v${PODCAST_DUCKDB_VERSION}; their file formats may differ")
    else()
        message(FATAL_ERROR "DuckDB: fetched ${_duckdb_reported_version}, expected v${PODCAST_DUCKDB_VERSION}")
    endif()
endif()

add_library(duckdb::duckdb SHARED IMPORTED GLOBAL)
set_target_properties(duckdb::duckdb PROPERTIES
    IMPORTED_LOCATION "${_duckdb_root}/lib/libduckdb.so"
    IMPORTED_SONAME "libduckdb.so"
    INTERFACE_INCLUDE_DIRECTORIES "${_duckdb_root}/include")
set(PODCAST_DUCKDB_LIBRARY_DIR "${_duckdb_root}/lib" CACHE INTERNAL "directory of the linked libduckdb.so")
