"""Starts the fakesnow Snowflake emulator on a free loopback port for the tests.

Prints "port N" on stdout once the server accepts connections, creates the
database named by SNOWFLAKE_DATABASE (the one object an administrator creates
on a real account, see setup.sql), and serves until SIGTERM or SIGINT, or,
with --watch-stdin, until stdin reaches its end (so that a test that holds the
other end of a pipe never leaves the server behind, even when it crashes).
Runs with the separate .venv-fakesnow (fakesnow pins another DuckDB).

Options:
  --watch-stdin            stop when stdin reaches its end
  --statement-log FILE     append every statement the server receives to FILE,
                           one JSON object a line: {"sql": "..."} (and
                           "describe_only": true for a statement only described)
  --external-storage DIR   the cloud storage of external stages (fakesnow can
                           list only its own internal stages): LIST @stage of a
                           stage whose URL is s3://bucket/path/ lists the files
                           under DIR/bucket/path/, named by their URLs as
                           Snowflake names them; and a relative path that a
                           query reads (read_text('bucket/path/file')) is found
                           under DIR. docs/snowflake.md, "Emulator gaps".
"""

import argparse
import gzip
import importlib
import json
import os
import signal
import sys
import threading
from glob import escape as glob_escape

import fakesnow
import snowflake.connector
from sqlglot import exp
from starlette.routing import Route

# fakesnow.server is a function until the module of the same name is imported.
start_server = fakesnow.server
server_module = importlib.import_module("fakesnow.server")
stage_module = importlib.import_module("fakesnow.transforms.stage")

QUERY_PATH = "/queries/v1/query-request"


class FailFast(server_module.ServerError):
    """fakesnow answers a statement it cannot run (its own bug, or a feature it
    lacks) with HTTP 500, which the connector retries for minutes; answer with
    an ordinary SQL error naming the cause instead, so the client fails at once."""

    def __post_init__(self) -> None:
        if self.status_code == 500:
            self.status_code = 200
            cause = sys.exc_info()[1]
            if cause is not None:
                self.message = f"{self.message}: {type(cause).__name__}: {cause}"


def log_statements(path: str) -> None:
    """Appends each query request's statement to `path` before the server runs it."""
    answer = server_module.query_request

    async def logged(request):
        body = await request.body()  # kept by the request: fakesnow reads it again
        if request.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        received = json.loads(body)
        entry = {"sql": received.get("sqlText", "")}
        if received.get("describeOnly"):
            entry["describe_only"] = True
        with open(path, "a", encoding="utf-8") as log:
            log.write(json.dumps(entry) + "\n")
        return await answer(request)

    routes = server_module.app.router.routes
    for index, route in enumerate(routes):
        if getattr(route, "path", None) == QUERY_PATH:
            routes[index] = Route(QUERY_PATH, logged, methods=["POST"])


def emulate_external_storage(storage: str) -> None:
    """LIST of an external stage lists `storage`/<bucket>/<path>/ (Snowflake lists
    the stage's URL); relative paths that queries read are taken from `storage`."""
    storage = os.path.realpath(storage)
    stages = server_module.shared_fs.duck_conn
    search_path = exp.Literal.string(storage).sql(dialect="duckdb")
    stages.execute(f"set global file_search_path = {search_path}")
    list_internal = stage_module.list_stage_files_sql

    def list_stage_files_sql(storage_name: str) -> str:
        database, schema, name = storage_name.split(".")
        found = stages.cursor().execute(
            "select url from _fs_global._fs_information_schema._fs_stages "
            "where database_name = ? and schema_name = ? and name = ?",
            (database, schema, name),
        ).fetchone()
        url = found[0] if found else ""
        if not url.startswith("s3://"):
            return list_internal(storage_name)
        url = url.rstrip("/") + "/"
        directory = os.path.join(storage, url[len("s3://"):])
        glob = exp.Literal.string(f"{glob_escape(directory)}**/*").sql(dialect="duckdb")
        prefix = exp.Literal.string(url).sql(dialect="duckdb")
        return f"""
            select
                {prefix} || substr(filename, {len(directory) + 1}) as name,
                size,
                md5(content) as md5,
                strftime(last_modified, '%a, %d %b %Y %H:%M:%S GMT') as last_modified
            from read_blob({glob})
        """

    stage_module.list_stage_files_sql = list_stage_files_sql


def main() -> int:
    parser = argparse.ArgumentParser(description="fakesnow's server for the tests")
    parser.add_argument("--watch-stdin", action="store_true")
    parser.add_argument("--statement-log")
    parser.add_argument("--external-storage")
    options = parser.parse_args()

    server_module.ServerError = FailFast
    if options.statement_log:
        log_statements(options.statement_log)
    if options.external_storage:
        emulate_external_storage(options.external_storage)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    if options.watch_stdin:
        threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
    database = os.environ.get("SNOWFLAKE_DATABASE", "PODCAST")
    # The server's own log goes to stderr; stdout carries only the port line.
    port_out, sys.stdout = sys.stdout, sys.stderr
    with start_server(host="127.0.0.1") as connection:
        with snowflake.connector.connect(**connection) as session:
            session.cursor().execute(f"create database if not exists {database}")
        print(f"port {connection['port']}", file=port_out, flush=True)
        stop.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
