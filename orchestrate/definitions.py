"""The pipeline's steps and triggers for Dagster.

Every step is a `podcast` subcommand, so the orchestrator adds scheduling, triggers, retries and a
UI, and no pipeline logic:

- `loading/event_files` runs `podcast land STAGING --data-dir LOADING`.
- The dbt models and seeds are assets read from the project's manifest (dagster-dbt), with their
  lineage; each dbt data test is an asset check on the model it tests. They are built by one
  `podcast run --wait`: the project's pinned dbt, its load_at, its per-warehouse target path, and
  the warehouse lock shared with cron, systemd and people running `podcast run` (the run waits
  while another holds it). dbt build stops at a failing test and skips everything downstream; the
  run then shows the failed check and which models were not built.
- A daily schedule and a sensor on the staging directory (one run per new file, keyed by its
  relative name) start the job `podcast_pipeline`.

Paths come from the same environment variables as `podcast` (PODCAST_WAREHOUSE, PODCAST_DATA_DIR,
PODCAST_REFERENCE_DIR) plus PODCAST_STAGING_DIR; docs/orchestration.md has the details.
"""

import fcntl
import json
import os
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, dbt_assets

ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT = ROOT / "warehouse"
LANDED_FILES = dg.AssetKey(["loading", "event_files"])
UNIQUE_ID = "dagster_dbt/unique_id"  # dagster-dbt's metadata key on asset and check specs

# podcast's exit codes (tool/include/podcast/result.hpp) that no retry can change.
# podcast's exit codes (docs/data-contract.md, "Exit codes"): these fail without retries.
EXIT_USAGE, EXIT_NOT_FOUND, EXIT_REFUSED = 2, 4, 5
# A load-contract violation is bad input, not bad luck (docs/data-contract.md).
LOAD_CONTRACT_MARKER = "load contract violated:"

# Transient failures (an unreachable Snowflake, a full disk, an outside process holding the DuckDB
# file) are retried after 15 s, 45 s and 105 s ((2^n - 1) x 15 s), each +/- up to 15 s.
RETRY_POLICY = dg.RetryPolicy(
    max_retries=3, delay=15, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS
)


def _env_path(name: str, default: Path) -> str:
    return str(Path(os.environ.get(name) or default).absolute())


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
            warehouse=_env_path("PODCAST_WAREHOUSE", ROOT / "data" / "warehouse.duckdb"),
            target=os.environ.get("PODCAST_TARGET") or "dev",
        )

    def invoke(self, log: Any, arguments: Sequence[str]) -> Invocation:
        """Runs `podcast ARGUMENTS...`, logging each line of its output as it comes."""
        command = [self.binary, *arguments]
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
                log.info(output[-1])
        return Invocation(process.returncode, output)

    def run_record(self, since: str) -> dict[str, Any]:
        """The line the last `podcast run` started at or after `since` (UTC, as in the file)
        appended to <warehouse>.runs.jsonl; {} if none."""
        try:
            lines = Path(self.warehouse + ".runs.jsonl").read_text().splitlines()
        except OSError:
            return {}
        records = [json.loads(line) for line in lines if line.strip()]
        return next((r for r in reversed(records) if r.get("start", "") >= since), {})

    def run_results(self, record: dict[str, Any]) -> dict[str, Any]:
        """dbt's run_results.json if the run of `record` wrote it (generated between the run's
        start and end; runs on one warehouse never overlap), else {}."""
        path = Path(self.warehouse + ".dbt") / "target" / "run_results.json"
        try:
            results = json.loads(path.read_text())
        except (OSError, ValueError):
            return {}
        generated = results.get("metadata", {}).get("generated_at", "")
        return results if record and record["start"] <= generated <= record["end"] else {}


def _failure(
    step: str, invocation: Invocation, details: Sequence[str], permanent: bool
) -> dg.Failure:
    kind = (
        "not retried: it would fail the same way"
        if permanent
        else "retried with backoff, 3 times at most"
    )
    return dg.Failure(
        description=f"{step} failed ({kind}): {invocation.error_line()}",
        metadata={
            "exit status": invocation.exit_code,
            "failed": dg.MetadataValue.md("\n".join(f"- {d}" for d in details) or "-"),
            "last output": dg.MetadataValue.text("\n".join(invocation.output[-40:])),
        },
        allow_retries=not permanent,
    )


# ---- dbt project: manifest and asset keys ------------------------------------------------------


def _dbt_manifest() -> Path:
    """The project's manifest.json, parsed by the project's own dbt when the project changed.

    Kept under DAGSTER_HOME (default .dagster/); a lock keeps concurrent loads (the UI, the daemon,
    run workers) from parsing at the same time.
    """
    state = Path(os.environ.get("DAGSTER_HOME") or ROOT / ".dagster") / "dbt"
    manifest = state / "target" / "manifest.json"
    sources = [DBT_PROJECT / "dbt_project.yml", DBT_PROJECT / "profiles.yml"]
    for folder in ("models", "macros", "tests", "fixtures/reference"):
        sources += [p for p in (DBT_PROJECT / folder).rglob("*") if p.is_file()]
    newest_source = max(p.stat().st_mtime_ns for p in sources)
    state.mkdir(parents=True, exist_ok=True)
    with open(state / "parse.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if manifest.exists() and manifest.stat().st_mtime_ns >= newest_source:
            return manifest
        dbt = os.environ.get("PODCAST_DBT") or str(ROOT / ".venv" / "bin" / "dbt")
        # Seeds from the fixtures: the manifest is the project's shape, not any run's data.
        environment = {k: v for k, v in os.environ.items() if k != "PODCAST_REFERENCE_DIR"}
        environment |= {
            "DBT_TARGET_PATH": str(state / "target"),
            "DBT_LOG_PATH": str(state / "logs"),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        }
        parse = subprocess.run(
            [dbt, "parse", "--project-dir", ".", "--profiles-dir", ".", "--quiet"],
            cwd=DBT_PROJECT,
            env=environment,
            capture_output=True,
            text=True,
        )
        if parse.returncode != 0:
            raise RuntimeError(f"dbt parse ({dbt}) failed:\n{parse.stdout}{parse.stderr}")
    return manifest


class LayerTranslator(DagsterDbtTranslator):
    """Assets keyed schema/name (bronze/raw_events) and grouped by layer. The load model's
    upstream is the dbt source loading.event_files, whose key is the landed files' asset."""

    def get_group_name(self, dbt_resource_props: dict[str, Any]) -> str | None:
        return dbt_resource_props.get("config", {}).get("schema")


class PipelineConfig(dg.Config):
    """Options of `podcast run` a person may set when launching a run by hand."""

    full_refresh: bool = False
    vars: list[str] = []  # KEY=VALUE, as `podcast run --var`, e.g. as_of=2024-08-07


# ---- assets ------------------------------------------------------------------------------------


@dg.asset(
    key=LANDED_FILES,
    group_name="land",
    kinds={"podcast"},
    retry_policy=RETRY_POLICY,
    description="Complete event files moved atomically from the staging directory into the "
    "loading directory (`podcast land`).",
)
def landed_event_files(context: dg.AssetExecutionContext, podcast: Podcast) -> dg.MaterializeResult:
    landed = podcast.invoke(
        context.log,
        ["land", podcast.staging_dir,
         "--data-dir", podcast.data_dir, "--warehouse", podcast.warehouse],
    )
    if landed.exit_code != 0:
        # "refusing ...": an unsafe name, or a name already landed with other content.
        refused = landed.error_line().startswith("podcast: refusing ")
        permanent = landed.exit_code in (EXIT_USAGE, EXIT_NOT_FOUND, EXIT_REFUSED) or refused
        raise _failure("podcast land", landed, [landed.error_line()], permanent)
    return dg.MaterializeResult(
        metadata={
            "staging directory": podcast.staging_dir,
            "loading directory": podcast.data_dir,
            "podcast land": dg.MetadataValue.text("\n".join(landed.output)),
        }
    )


def _message(result: dict[str, Any]) -> str:
    return " ".join((result.get("message") or "").split())


def _node_events(
    context: dg.AssetExecutionContext, results: dict[str, Any], rows: dict[str, int]
) -> Iterator[dg.MaterializeResult | dg.AssetCheckResult]:
    """A materialization per model or seed dbt built, a check result per data test it ran (in
    dbt's order); nothing for what it skipped. `rows`: row counts by "schema.table"."""
    asset_keys = {spec.metadata[UNIQUE_ID]: spec.key for spec in context.assets_def.specs}
    check_keys = {spec.metadata[UNIQUE_ID]: spec.key for spec in context.assets_def.check_specs}
    for result in results.get("results", []):
        unique_id, status = result["unique_id"], result["status"]
        metadata = {"dbt status": status, "seconds": round(result.get("execution_time") or 0, 2)}
        key, check = asset_keys.get(unique_id), check_keys.get(unique_id)
        if key in context.selected_asset_keys and status == "success":
            if (count := rows.get(".".join(key.path))) is not None:
                metadata["dagster/row_count"] = count
            yield dg.MaterializeResult(asset_key=key, metadata=metadata)
        elif check in context.selected_asset_check_keys and status != "skipped":
            yield dg.AssetCheckResult(
                asset_key=check.asset_key,
                check_name=check.name,
                passed=status in ("pass", "warn"),
                severity=dg.AssetCheckSeverity.WARN
                if status == "warn"
                else dg.AssetCheckSeverity.ERROR,
                metadata={
                    **metadata,
                    "failures": result.get("failures") or 0,
                    "message": _message(result),
                },
            )


@dbt_assets(
    manifest=_dbt_manifest(),
    dagster_dbt_translator=LayerTranslator(),
    retry_policy=RETRY_POLICY,
    name="warehouse",
)
def warehouse_models(
    context: dg.AssetExecutionContext, config: PipelineConfig, podcast: Podcast
) -> Iterator[dg.MaterializeResult | dg.AssetCheckResult]:
    if context.selected_asset_keys != set(context.assets_def.keys):
        context.log.warning(
            "podcast run builds the whole project; results are shown for the selection"
        )
    options = {
        "--target": podcast.target,
        "--warehouse": podcast.warehouse,
        "--data-dir": podcast.data_dir,
        "--reference-dir": podcast.reference_dir,
    }
    arguments = ["run", "--wait", *(part for option in options.items() for part in option)]
    arguments += [argument for var in config.vars for argument in ("--var", var)]
    arguments += ["--full-refresh"] if config.full_refresh else []
    started = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    run = podcast.invoke(context.log, arguments)

    record = podcast.run_record(since=started)
    if record.get("outcome") == "up to date":
        context.log.info("nothing new since the last successful run: no asset was rebuilt")
        return
    results = podcast.run_results(record)
    yield from _node_events(context, results, record.get("counts", {}).get("layers", {}))
    if run.exit_code == 0 and not results:
        # Succeeded, but its details were replaced meanwhile: every node succeeded.
        for key in context.selected_asset_keys:
            yield dg.MaterializeResult(asset_key=key)
    if run.exit_code != 0:
        failed = [r for r in results.get("results", []) if r["status"] in ("error", "fail")]
        # A failing test or a load-contract violation judges the data: a retry fails again.
        bad_input = any(
            r["status"] == "fail" or LOAD_CONTRACT_MARKER in _message(r) for r in failed
        )
        permanent = run.exit_code in (EXIT_USAGE, EXIT_NOT_FOUND, EXIT_REFUSED) or bad_input
        details = [f"{r['status']}: {r['unique_id']}: {_message(r)}" for r in failed]
        raise _failure("podcast run", run, details or [run.error_line()], permanent)


# ---- job and triggers --------------------------------------------------------------------------

podcast_resource = Podcast.from_environment()

pipeline_job = dg.define_asset_job(
    "podcast_pipeline",
    selection=dg.AssetSelection.all(),
    description="podcast land, then podcast run (dbt build: seeds, load, validate, cleanse, "
    "analytics; each layer's tests gate the next).",
    # One run per warehouse at a time in the run queue (orchestrate/dagster.yaml); the warehouse
    # lock taken by `podcast run --wait` also serialises runs started outside Dagster.
    tags={"podcast/warehouse": podcast_resource.warehouse},
)

daily_schedule = dg.ScheduleDefinition(
    name="daily_pipeline",
    job=pipeline_job,
    cron_schedule="0 2 * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Every day at 02:00 UTC: land whatever is complete in staging, then run.",
)


def complete_files(staging: Path) -> list[str]:
    """Relative names of the files `podcast land` would move: *.json, no part starting with '.'
    (docs/data-contract.md, "Files")."""
    names = (
        path.relative_to(staging).as_posix() for path in staging.rglob("*.json") if path.is_file()
    )
    return sorted(
        name for name in names if not any(part.startswith(".") for part in name.split("/"))
    )


@dg.sensor(
    job=pipeline_job,
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="One run per new complete file in the staging directory, keyed by its relative "
    "name; a name seen before (the cursor) requests nothing.",
)
def staging_sensor(context: dg.SensorEvaluationContext, podcast: Podcast):
    staging = Path(podcast.staging_dir)
    if not staging.is_dir():
        return dg.SkipReason(f"staging directory {staging} does not exist (PODCAST_STAGING_DIR)")
    seen = set(json.loads(context.cursor or "[]"))
    new = [name for name in complete_files(staging) if name not in seen]
    if not new:
        return dg.SkipReason(f"no new file in {staging}")
    context.update_cursor(json.dumps(sorted(seen | set(new))))
    return [dg.RunRequest(run_key=name, tags={"podcast/file": name}) for name in new]


defs = dg.Definitions(
    assets=[landed_event_files, warehouse_models],
    jobs=[pipeline_job],
    schedules=[daily_schedule],
    sensors=[staging_sensor],
    resources={"podcast": podcast_resource},
)
