// Every scenario names its own warehouse and loading directory (a workspace under /tmp). A
// command that forgot to would fall back to PODCAST_WAREHOUSE / PODCAST_DATA_DIR, or to the
// checkout's data/ (a `make run`'s warehouse), and read or change it. Before main, this points
// both variables at paths no one can create, so such a command fails instead, naming them. A
// scenario that sets either for its command still does so (ProcessSpec::environment).
#include <stdlib.h>

namespace {

[[maybe_unused]] const bool scenario_environment_set = [] {
    ::setenv("PODCAST_WAREHOUSE", "/dev/null/scenario-names-no-warehouse/warehouse.duckdb", 1);
    ::setenv("PODCAST_DATA_DIR", "/dev/null/scenario-names-no-data-dir", 1);
    return true;
}();

}  // namespace
