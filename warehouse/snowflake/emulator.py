"""Starts the fakesnow Snowflake emulator on a free loopback port for the tests.

Prints "port N" on stdout once the server accepts connections, creates the
database named by SNOWFLAKE_DATABASE (the one object an administrator creates
on a real account, see setup.sql), and serves until SIGTERM or SIGINT, or,
with --watch-stdin, until stdin reaches its end (so that a test that holds the
other end of a pipe never leaves the server behind, even when it crashes).
Runs with the separate .venv-fakesnow (fakesnow pins another DuckDB).
"""

import importlib
import os
import signal
import sys
import threading

import fakesnow
import snowflake.connector


# fakesnow.server is a function until the module of the same name is imported.
start_server = fakesnow.server
server_module = importlib.import_module("fakesnow.server")


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


def main() -> int:
    server_module.ServerError = FailFast
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    if "--watch-stdin" in sys.argv[1:]:
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
