// Every scenario names its own warehouse, loading directory and reference data (a workspace
// under /tmp). A command that forgot to would fall back to PODCAST_WAREHOUSE / PODCAST_DATA_DIR /
// PODCAST_REFERENCE_DIR, or to the checkout's data/ (a `make run`'s warehouse and demo reference
// files, present or not depending on what ran before), and read or change them. Before main,
// this points the three variables at paths no one can create, so such a command fails instead,
// naming them, on every machine. A scenario that sets one for its command still does so
// (ProcessSpec::environment).
#include <stdlib.h>

namespace {

[[maybe_unused]] const bool scenario_environment_set = [] {
    ::setenv("PODCAST_WAREHOUSE", "/dev/null/scenario-names-no-warehouse/warehouse.duckdb", 1);
    ::setenv("PODCAST_DATA_DIR", "/dev/null/scenario-names-no-data-dir", 1);
    ::setenv("PODCAST_REFERENCE_DIR", "/dev/null/scenario-names-no-reference-dir", 1);
    return true;
}();

}  // namespace
