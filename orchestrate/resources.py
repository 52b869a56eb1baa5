"""The `podcast` binary and the directories it works on, as one Dagster resource.

Paths come from the same environment variables as `podcast` (PODCAST_WAREHOUSE, PODCAST_DATA_DIR,
PODCAST_REFERENCE_DIR), plus PODCAST_STAGING_DIR, PODCAST_TARGET and PODCAST_BINARY
(docs/orchestration.md). No dbt manifest is read here, so the run queue (run_queue.py) can import
it cheaply.
"""

import json
import os
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path
from typing import Any

import dagster as dg

ROOT = Path(__file__).resolve().parent.parent

# The tag every run carries: the run queue starts one run per value (orchestrate/dagster.yaml).
WAREHOUSE_TAG = "podcast/warehouse"


class ExitCode(IntEnum):
    """podcast's exit codes: the one list in tool/include/podcast/result.hpp (docs/data-contract.md,
    "Exit codes"; `podcast --help`)."""

    OK = 0
    FAILURE = 1  # the pipeline failed (a dbt node or data test), or something unexpected
    USAGE = 2  # a bad flag, argument or --var value, or a selection that matches no node
    BUSY = 3  # the warehouse is held by a run (or by a reader, for a run)
    NOT_FOUND = 4  # a missing file, directory or warehouse
    REFUSED = 5  # input refused before anything was loaded or replaced


# Exits that a retry cannot change: the same command fails the same way.
PERMANENT_EXITS = {ExitCode.USAGE, ExitCode.NOT_FOUND, ExitCode.REFUSED}


def _env_path(name: str, default: Path) -> str:
    return str(Path(os.environ.get(name) or default).absolute())


def warehouse_from_environment() -> str:
    return _env_path("PODCAST_WAREHOUSE", ROOT / "data" / "warehouse.duckdb")


@dataclass(frozen=True)
class Invocation:
    exit_code: int
    output: list[str]  # stdout and stderr, joined

    def error_line(self) -> str:
        """The one line `podcast` ends a failure with ("podcast: ...")."""
        errors = [line for line in self.output if line.startswith("podcast: ")]
        return errors[-1] if errors else f"exit status {self.exit_code}"


class Podcast(dg.ConfigurableResource):
    """The `podcast` binary and the directories it works on."""

    binary: str
    staging_dir: str
    data_dir: str
    reference_dir: str
    warehouse: str
    target: str = "dev"

    @classmethod
    def from_environment(cls) -> "Podcast":
        return cls(
            binary=_env_path("PODCAST_BINARY", ROOT / "build" / "podcast"),
            staging_dir=_env_path("PODCAST_STAGING_DIR", ROOT / "data" / "staging"),
            data_dir=_env_path("PODCAST_DATA_DIR", ROOT / "data" / "loading"),
            reference_dir=_env_path("PODCAST_REFERENCE_DIR", ROOT / "data" / "demo" / "reference"),
            warehouse=warehouse_from_environment(),
            target=os.environ.get("PODCAST_TARGET") or "dev",
        )

    def land_arguments(self, *options: str) -> list[str]:
        """`podcast land STAGING ... --json`, with OPTIONS (e.g. --dry-run)."""
        return [
            "land",
            self.staging_dir,
            "--data-dir",
            self.data_dir,
            "--warehouse",
            self.warehouse,
            "--json",
            *options,
        ]

    def run_arguments(self, origin: str, full_refresh: bool, vars: dict[str, Any]) -> list[str]:
        """`podcast run` as the orchestrator runs it: waiting for the warehouse, dbt's JSON events
        on stdout, the run's origin recorded in the runs log (its target is added by
        dagster-dbt, its selection by dagster-dbt's subsetting)."""
        arguments = ["run", "--wait", "--log-format", "json", "--origin", origin]
        arguments += ["--warehouse", self.warehouse, "--data-dir", self.data_dir]
        arguments += ["--reference-dir", self.reference_dir]
        arguments += ["--vars", json.dumps(vars)] if vars else []
        arguments += ["--full-refresh"] if full_refresh else []
        return arguments

    def invoke(self, log: Any, arguments: Sequence[str]) -> Invocation:
        """Runs `podcast ARGUMENTS...`, logging each line of its output as it comes (when `log` is
        given)."""
        command = [self.binary, *arguments]
        if log is not None:
            log.info(" ".join(command))
        output: list[str] = []
        try:
            process = subprocess.Popen(
                command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT
            )
        except OSError as error:
            raise dg.Failure(
                f"cannot start {self.binary}: {error.strerror} (run `make build`, or set "
                "PODCAST_BINARY)",
                allow_retries=False,
            ) from error
        with process:
            assert process.stdout is not None
            for line in process.stdout:
                output.append(line.rstrip("\n"))
                if log is not None:
                    log.info(output[-1])
        return Invocation(process.returncode, output)

    def runs_log(self) -> Path:
        """<warehouse>.runs.jsonl: one line per `podcast run`, wherever it was started."""
        return Path(self.warehouse + ".runs.jsonl")
