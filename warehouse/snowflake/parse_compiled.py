"""Parses every SQL statement the prod target compiles and runs with sqlglot's
Snowflake dialect, and fails on a parse error (docs/snowflake.md).

The statements come from dbt itself, run against the fakesnow emulator (as in
the emulator test) on the project's fixtures, each in its own target path:
  build        `dbt build --target prod` on a fresh emulator: the full-refresh
               branches, compiled (target/compiled) and as run (target/run:
               the create, merge and test statements);
  incremental  `dbt compile --target prod` after that build: the incremental
               branches;
  merge        `dbt run` of the two merged models after it: their MERGE
               statements (bounded_merge; an empty batch here);
  load         `dbt compile --target prod --no-introspect --select raw_events`
               without var snowflake_emulator: the load from the landing
               tables;
  copy         `dbt compile --inline` of the COPY INTO the landing table,
               which the emulator cannot run (dbt sends it from a macro, so it
               is in no compiled file), for names with regex metacharacters;
  retention    `dbt compile --inline` of retention's unload to the archive
               stage, its anti-join and delete on the staged Parquet, and the
               read of archived rows (the emulator can run none of them).
Prints one line per file that does not parse, then "N passed, N failed".
Runs with .venv-fakesnow's Python (fakesnow and sqlglot); dbt from .venv.

Usage: parse_compiled.py PROJECT_ROOT SCRATCH_DIR
"""

import json
import os
import pathlib
import shutil
import subprocess
import sys

import snowflake.connector
import sqlglot
from sqlglot.errors import ParseError

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import emulator  # noqa: E402  (the emulator test's launcher: fakesnow's server, failing fast)

EVENT_FILES = ["2024-08-01/events.json", "2024-08-02/events.json"]
NOW = "2030-01-01 00:00:00"
COPIED_FILES = ["2024-08-01/events.json", "backfill/a+(b)$[1].json"]


def dbt(root: pathlib.Path, scratch: pathlib.Path, port: int, name: str, arguments: list) -> str:
    env = dict(os.environ)
    env.update({
        "SNOWFLAKE_ACCOUNT": "fakesnow", "SNOWFLAKE_USER": "fake", "SNOWFLAKE_PASSWORD": "snow",
        "SNOWFLAKE_ROLE": "podcast_pipeline", "SNOWFLAKE_WAREHOUSE": "podcast_wh",
        "SNOWFLAKE_DATABASE": "PODCAST", "SNOWFLAKE_HOST": "127.0.0.1",
        "SNOWFLAKE_PORT": str(port), "SNOWFLAKE_PROTOCOL": "http",
        "DBT_TARGET_PATH": str(scratch / name / "target"),
        "DBT_LOG_PATH": str(scratch / name / "logs"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    })
    command = [str(root / ".venv/bin/dbt"), "--quiet", *arguments, "--target", "prod",
               "--project-dir", str(root / "warehouse"), "--profiles-dir", str(root / "warehouse")]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stdout[-4000:] + done.stderr[-2000:])
        raise SystemExit(f"dbt {arguments[0]} ({name}) exited with {done.returncode}")
    return done.stdout


def parse_all(scratch: pathlib.Path) -> tuple:
    passed, failed = 0, 0
    for path in sorted(scratch.glob("*/target/*/**/*.sql")):
        # (dbt names the directory of an inline node's file "from remote system.sql")
        if path.parts[len(scratch.parts) + 2] not in ("compiled", "run") or not path.is_file():
            continue
        sql = path.read_text(encoding="utf-8")
        if not sql.strip():
            continue
        try:
            sqlglot.parse(sql, read="snowflake")
            passed += 1
        except ParseError as error:
            failed += 1
            first = str(error).splitlines()[0]
            print(f"does not parse: {path.relative_to(scratch)}: {first}")
    return passed, failed


def main() -> int:
    root = pathlib.Path(sys.argv[1]).resolve()
    scratch = pathlib.Path(sys.argv[2]).resolve()
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    # The emulator keeps its internal stages under TMPDIR: inside the scratch directory.
    os.environ["TMPDIR"] = str(scratch)
    emulator.server_module.ServerError = emulator.FailFast
    emulator_vars = json.dumps({"snowflake_emulator": True, "event_files": EVENT_FILES, "now": NOW})
    with emulator.start_server(host="127.0.0.1") as connection:
        with snowflake.connector.connect(**connection) as session:
            session.cursor().execute("create database if not exists PODCAST")
        port = connection["port"]
        dbt(root, scratch, port, "build",
            ["build", "--exclude-resource-type", "unit_test", "--vars", emulator_vars])
        dbt(root, scratch, port, "incremental", ["compile", "--vars", emulator_vars])
        dbt(root, scratch, port, "merge",
            ["run", "--select", "cleansed_events", "fact_user_interactions",
             "--vars", emulator_vars])
        dbt(root, scratch, port, "load",
            ["compile", "--no-introspect", "--no-populate-cache", "--select", "raw_events",
             "--indirect-selection", "empty",
             "--vars", json.dumps({"event_files": EVENT_FILES, "now": NOW})])
        copy = dbt(root, scratch, port, "copy",
                   ["compile", "--no-introspect", "--no-populate-cache", "--output", "json",
                    "--inline",
                    f"{{{{ snowflake_copy_into_landing({json.dumps(COPIED_FILES)}) }}}}"])
        retention = dbt(root, scratch, port, "retention",
                        ["compile", "--no-introspect", "--no-populate-cache", "--output", "json",
                         "--inline", "{{ snowflake_retention_statements() }}"])
    for name, output, file in (("copy", copy, "copy_into_landing.sql"),
                               ("retention", retention, "retention.sql")):
        compiled = scratch / name / "target/compiled/inline" / file
        compiled.parent.mkdir(parents=True, exist_ok=True)
        compiled.write_text(json.loads(output)["compiled"], encoding="utf-8")
    passed, failed = parse_all(scratch)
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
