"""dbt's command line, run as the dbt executable runs it, ended without Python's teardown.

`podcast run` on the dev (DuckDB) target starts dbt through this file, with the Python that
dbt's executable names. Once dbt's command has returned, the DuckDB database is closed here
(DuckDB checkpoints the file as it closes), the logs and the output are flushed, and the process
ends with dbt's exit status, skipping Python's teardown of dbt's modules and objects, which
takes about 0.5 s (docs/performance.md). If the database is not closed by then (its write-ahead
log is still there), or dbt ran no DuckDB connection, the process ends the usual way.
"""

import logging
import os
import sys

from dbt.cli.main import cli


def database_closed(connections) -> bool:
    """Closes dbt-duckdb's database; whether the warehouse's write-ahead log is gone."""
    connections.DuckDBConnectionManager.close_all_connections()
    warehouse = os.environ.get("PODCAST_WAREHOUSE", "")
    return warehouse != "" and not os.path.exists(warehouse + ".wal")


def main() -> None:
    sys.argv[0] = "dbt"  # the name dbt's usage and help messages give
    try:
        cli()
        status = 0
    except SystemExit as stop:
        status = stop.code
    connections = sys.modules.get("dbt.adapters.duckdb.connections")
    if not isinstance(status, int) or connections is None or not database_closed(connections):
        sys.exit(status)
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


if __name__ == "__main__":
    main()
