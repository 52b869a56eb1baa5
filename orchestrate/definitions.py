"""The pipeline's assets, job and triggers for Dagster.

Every step is a `podcast` subcommand, so the orchestrator adds scheduling, triggers, retries and a
UI, and no pipeline logic:

- `loading/event_files` runs `podcast land STAGING --data-dir LOADING --json`. It is the dbt
  source loading.event_files, which bronze.raw_events depends on: dagster-dbt gives the source the
  same asset key, so the lineage from the files to every model is dbt's own.
- The dbt models and seeds are assets read from the project's manifest (dagster-dbt, prepared by
  orchestrate/project.py), with their lineage; each dbt data test is an asset check on the model
  it tests. dagster-dbt's dbt CLI resource runs them with `podcast run` as its executable: the
  asset selection of the run becomes `podcast run --select ...` (dagster-dbt's subsetting), and
  `podcast run --log-format json` streams dbt's events, which dagster-dbt turns into a
  materialization or a check result as each node finishes. `podcast run` keeps what it owns:
  the warehouse lock (it waits while another run holds it), load_at, the load contract, the runs
  log.
- A daily schedule and a sensor on the staging directory (one run per new file `podcast land
  --dry-run` would land, keyed by its relative name) start the job `podcast_pipeline`; a second
  sensor reports in the catalog the runs made outside Dagster (cron, a person), from the runs log.

docs/orchestration.md says what a user sees.
"""

import json
import re
from collections.abc import Iterator
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from orchestrate.project import warehouse_project
from orchestrate.resources import (
    PERMANENT_EXITS,
    WAREHOUSE_TAG,
    ExitCode,
    Invocation,
    Podcast,
)

LANDED_FILES = dg.AssetKey(["loading", "event_files"])
UNIQUE_ID = "dagster_dbt/unique_id"  # dagster-dbt's metadata key on asset and check specs
DAGSTER_ORIGIN = "dagster run "  # `podcast run --origin` of the runs Dagster starts

# Transient failures (an unreachable Snowflake, a full disk, an outside process holding the DuckDB
# file) are retried after 15 s, 45 s and 105 s ((2^n - 1) x 15 s), each +/- up to 15 s.
RETRY_POLICY = dg.RetryPolicy(
    max_retries=3, delay=15, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS
)


def _one_line(text: str) -> str:
    """dbt's message on one line, without its terminal colours."""
    return " ".join(re.sub(r"\x1b\[[0-9;]*m", "", text or "").split())


def _failure(
    step: str,
    error_line: str,
    exit_code: int,
    details: list[str],
    output: list[str],
    permanent: bool,
) -> dg.Failure:
    kind = (
        "not retried: it would fail the same way"
        if permanent
        else "retried with backoff, 3 times at most"
    )
    return dg.Failure(
        description=f"{step} failed ({kind}): {error_line}",
        metadata={
            "exit status": exit_code,
            "failed": dg.MetadataValue.md("\n".join(f"- {d}" for d in details) or "-"),
            "last output": dg.MetadataValue.text("\n".join(output[-40:])),
        },
        allow_retries=not permanent,
    )


def _json_object(invocation: Invocation) -> dict[str, Any]:
    """The JSON object `podcast land --json` printed, or {}."""
    for line in invocation.output:
        if line.startswith("{"):
            try:
                return json.loads(line)
            except ValueError:
                pass
    return {}


class LayerTranslator(DagsterDbtTranslator):
    """Assets keyed schema/name (bronze/raw_events) and grouped by layer. The load model's
    upstream is the dbt source loading.event_files, whose key is the landed files' asset."""

    def get_group_name(self, dbt_resource_props: dict[str, Any]) -> str | None:
        return dbt_resource_props.get("config", {}).get("schema")


class PipelineConfig(dg.Config):
    """Options of `podcast run` a person may set when launching a run by hand."""

    full_refresh: bool = False
    vars: dict[str, str] = {}  # dbt vars, e.g. {as_of: "2024-08-07"}, as `podcast run --vars`


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
    landed = podcast.invoke(context.log, podcast.land_arguments())
    files = _json_object(landed).get("files", [])
    if landed.exit_code != ExitCode.OK:
        refused = [f"{f['name']}: {f['reason']}" for f in files if f["outcome"] == "refused"]
        raise _failure(
            "podcast land",
            landed.error_line(),
            landed.exit_code,
            refused or [landed.error_line()],
            landed.output,
            permanent=landed.exit_code in PERMANENT_EXITS,
        )
    moved = [f["name"] for f in files if f["outcome"] == "landed"]
    return dg.MaterializeResult(
        metadata={
            "staging directory": podcast.staging_dir,
            "loading directory": podcast.data_dir,
            "files landed": len(moved),
            "landed": dg.MetadataValue.md("\n".join(f"- {name}" for name in moved) or "-"),
        }
    )


def _dbt_cli(podcast: Podcast) -> DbtCliResource:
    """dagster-dbt's dbt CLI resource with `podcast run` as the command that runs dbt."""
    try:
        return DbtCliResource(
            project_dir=warehouse_project, dbt_executable=podcast.binary, target=podcast.target
        )
    except ValueError as error:  # the binary is missing: a rebuild, not a retry, cures it
        raise dg.Failure(
            f"cannot start {podcast.binary} (run `make build`, or set PODCAST_BINARY): {error}",
            allow_retries=False,
        ) from error


@dbt_assets(
    manifest=warehouse_project.manifest_path,
    project=warehouse_project,
    dagster_dbt_translator=LayerTranslator(),
    retry_policy=RETRY_POLICY,
    name="warehouse",
)
def warehouse_models(
    context: dg.AssetExecutionContext, config: PipelineConfig, podcast: Podcast
) -> Iterator[Any]:
    arguments = podcast.run_arguments(
        origin=DAGSTER_ORIGIN + context.run_id, full_refresh=config.full_refresh, vars=config.vars
    )
    # The selected assets and checks become `--select` (dagster-dbt's subsetting); the whole
    # project when every asset is selected.
    invocation = _dbt_cli(podcast).cli(arguments, context=context, raise_on_error=False)
    error_line, failed, output = "", [], []
    data_failed = False  # a data test failed: the data, not the moment, is wrong
    for event in invocation.stream_raw_events():
        info, data = event.raw_event["info"], event.raw_event["data"]
        if info["name"] == "PodcastError":  # podcast's last line: "podcast: ..."
            error_line = info["msg"]
        elif info["name"] == "PodcastOutput":
            output.append(info["msg"])
            if info["msg"].strip():
                context.log.info(info["msg"])
        elif event.is_result_event and data.get("status") in ("error", "fail"):
            unique_id = data["node_info"]["unique_id"]
            failed.append(f"{data['status']}: {unique_id}: {_one_line(info['msg'])}")
            data_failed |= data["status"] == "fail"
        yield from event.to_default_asset_events(
            manifest=invocation.manifest,
            dagster_dbt_translator=invocation.dagster_dbt_translator,
            context=context,
            target_path=invocation.target_path,
            project=warehouse_project,
        )
    status = invocation.process.wait()
    if status != ExitCode.OK:
        raise _failure(
            "podcast run",
            error_line or f"exit status {status}",
            status,
            failed or [error_line],
            output,
            permanent=status in PERMANENT_EXITS or data_failed,
        )


# ---- job and triggers --------------------------------------------------------------------------

podcast_resource = Podcast.from_environment()

pipeline_job = dg.define_asset_job(
    "podcast_pipeline",
    selection=dg.AssetSelection.all(),
    description="podcast land, then podcast run (dbt build: seeds, load, validate, cleanse, "
    "analytics; each layer's tests gate the next).",
    # One run per warehouse at a time in the run queue (orchestrate/dagster.yaml); runs launched
    # outside this job get the tag from the queue itself (orchestrate/run_queue.py).
    tags={WAREHOUSE_TAG: podcast_resource.warehouse},
)

daily_schedule = dg.ScheduleDefinition(
    name="daily_pipeline",
    job=pipeline_job,
    cron_schedule="0 2 * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Every day at 02:00 UTC: land whatever is complete in staging, then run.",
)


@dg.sensor(
    job=pipeline_job,
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="One run per file `podcast land --dry-run` would land from the staging "
    "directory, keyed by its relative name; nothing while it would refuse a file.",
)
def staging_sensor(podcast: Podcast):
    dry_run = podcast.invoke(None, podcast.land_arguments("--dry-run"))
    plan = _json_object(dry_run)
    if dry_run.exit_code == ExitCode.REFUSED and plan:
        refused = [f"{f['name']}: {f['reason']}" for f in plan["files"] if "reason" in f]
        return dg.SkipReason(
            "podcast land would refuse, so nothing lands until the file is removed or renamed: "
            + "; ".join(refused)
        )
    if dry_run.exit_code != ExitCode.OK:
        return dg.SkipReason(f"podcast land --dry-run: {dry_run.error_line()}")
    new = [f["name"] for f in plan["files"] if f["outcome"] == "landed"]
    if not new:
        return dg.SkipReason(f"no new file in {podcast.staging_dir}")
    # Dagster never starts two runs with one run key: a file still waiting to land requests nothing
    # more on later ticks.
    return [dg.RunRequest(run_key=name, tags={"podcast/file": name}) for name in new]


def _record_events(
    record: dict[str, Any],
) -> list[dg.AssetMaterialization | dg.AssetCheckEvaluation]:
    """A materialization per model or seed a run outside Dagster built, a check evaluation per data
    test it ran, from its line of the runs log; nothing for what dbt skipped."""
    asset_keys = {spec.metadata[UNIQUE_ID]: spec.key for spec in warehouse_models.specs}
    check_keys = {spec.metadata[UNIQUE_ID]: spec.key for spec in warehouse_models.check_specs}
    rows = record.get("counts", {}).get("layers", {})
    origin = record.get("origin") or "podcast run (no --origin)"
    about = {
        "origin": origin,
        "podcast run started": record.get("start", ""),
        "podcast run ended": record.get("end", ""),
        "podcast run outcome": record.get("outcome", ""),
        "load_at": record.get("load_at", ""),
    }
    events: list[dg.AssetMaterialization | dg.AssetCheckEvaluation] = []
    for unique_id, outcome in record.get("nodes", {}).items():
        status = outcome.get("status", "")
        metadata = {**about, "status": status, "seconds": round(outcome.get("seconds", 0), 2)}
        if (key := asset_keys.get(unique_id)) is not None and status == "success":
            if (count := rows.get(".".join(key.path))) is not None:
                metadata["dagster/row_count"] = count
            events.append(
                dg.AssetMaterialization(
                    asset_key=key, description=f"built outside Dagster: {origin}", metadata=metadata
                )
            )
        elif (check := check_keys.get(unique_id)) is not None and status != "skipped":
            events.append(
                dg.AssetCheckEvaluation(
                    asset_key=check.asset_key,
                    check_name=check.name,
                    passed=status in ("pass", "warn"),
                    severity=dg.AssetCheckSeverity.WARN
                    if status == "warn"
                    else dg.AssetCheckSeverity.ERROR,
                    metadata={
                        **metadata,
                        "dagster_dbt/failed_row_count": outcome.get("failures", 0),
                        "message": outcome.get("message", ""),
                    },
                )
            )
    return events


@dg.sensor(
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Reports the runs made outside Dagster (cron, systemd, a person) in the catalog, "
    "once each: their materializations and check results, read from <warehouse>.runs.jsonl.",
)
def outside_runs_sensor(context: dg.SensorEvaluationContext, podcast: Podcast):
    path = podcast.runs_log()
    try:
        stat = path.stat()
    except FileNotFoundError:
        return dg.SkipReason(f"no runs log at {path} yet")
    # The cursor: how far into which file the last tick read. The log is only ever appended to; a
    # new file (another inode), or a shorter one, is read from its start.
    cursor = json.loads(context.cursor) if context.cursor else {}
    offset = cursor.get("offset", 0)
    if cursor.get("inode") != stat.st_ino or stat.st_size < offset:
        offset = 0
    with path.open("rb") as log:
        log.seek(offset)
        text = log.read()
    complete = text[: text.rfind(b"\n") + 1]  # a line being written is read on a later tick
    events: list[dg.AssetMaterialization | dg.AssetCheckEvaluation] = []
    reported = 0
    for line in complete.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue  # a torn line (a kill, a full disk): readers skip it
        if (
            not isinstance(record, dict)
            or str(record.get("origin", "")).startswith(DAGSTER_ORIGIN)
            or record.get("outcome") not in ("success", "failed")
        ):
            continue
        events += _record_events(record)
        reported += 1
    new_cursor = json.dumps({"offset": offset + len(complete), "inode": stat.st_ino})
    if not events:
        return dg.SensorResult(
            skip_reason=f"no new run outside Dagster in {path}", cursor=new_cursor
        )
    materialized = sum(isinstance(event, dg.AssetMaterialization) for event in events)
    # The tick requests no run, so Dagster lists it as skipped: the message says what it reported.
    return dg.SensorResult(
        asset_events=events,
        cursor=new_cursor,
        skip_reason=f"reported {reported} run(s) made outside Dagster: {materialized} "
        f"materialization(s), {len(events) - materialized} check result(s)",
    )


defs = dg.Definitions(
    assets=[landed_event_files, warehouse_models],
    jobs=[pipeline_job],
    schedules=[daily_schedule],
    sensors=[staging_sensor, outside_runs_sensor],
    resources={"podcast": podcast_resource},
)
