"""Drives the definitions in-process, as the Dagster daemon and a person in the UI would, for the
integration tests (tool/tests/integration/test_orchestrate.cpp).

    python -m orchestrate.check STEP... [--var KEY=VALUE ...]

Steps run in the order given, on one Dagster instance (in memory):

    --drop SRC=NAME     copy SRC into the staging directory as NAME the way a producer does (a
                        temporary dot name, then a rename), evaluate one tick of staging_sensor and
                        execute every run it requests
    --materialize KEY   materialize one asset (e.g. gold/q3_multi_episode_listeners) and its checks,
                        as "Materialize selected" in the UI does
    --tick SENSOR       evaluate one tick of a sensor that reports asset events
                        (outside_runs_sensor)

--var is passed to `podcast run` in each run. Paths come from the environment, as for the UI
(PODCAST_STAGING_DIR, PODCAST_WAREHOUSE, ..., DAGSTER_HOME for the dbt manifest, which this
prepares first, as `dagster-dbt project prepare-and-package` would). Prints one JSON object, last:

    {"steps": [{"drop": NAME, "runs": [{"run_key": ..., "tags": {...}, "success": true}]},
               {"materialize": KEY, "success": true, "materialized": [...], "checks": [...],
                "tags": {...}, "counts_before": {KEY: N}, "counts_after": {KEY: N}},
               {"tick": SENSOR, "materialized": [...], "checks": ["KEY:CHECK:pass", ...],
                "checks_defined": N, "buildable": [KEY, ...], "counts": {KEY: N},
                "skip_reason": ...}]}

Exits 0 when it could drive everything (the runs' outcomes are in the JSON), 1 otherwise.
"""

import argparse
import json
import os
import shutil
import sys
from pathlib import Path

import dagster as dg

from orchestrate.project import warehouse_project


class Step(argparse.Action):
    """Keeps the steps in the order they are given."""

    def __call__(self, parser, namespace, value, option_string=None):
        namespace.steps.append((option_string.lstrip("-"), value))


def drop(source: Path, staging: Path, name: str) -> None:
    destination = staging / name
    destination.parent.mkdir(parents=True, exist_ok=True)
    temporary = destination.with_name("." + destination.name + ".part")
    shutil.copyfile(source, temporary)
    temporary.rename(destination)


def materialization_counts(instance: dg.DagsterInstance, keys) -> dict[str, int]:
    return {
        key.to_user_string(): len(instance.fetch_materializations(key, limit=10_000).records)
        for key in keys
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.set_defaults(steps=[])
    for step in ("--drop", "--materialize", "--tick"):
        parser.add_argument(step, action=Step, metavar="VALUE")
    parser.add_argument("--var", action="append", default=[], metavar="KEY=VALUE")
    arguments = parser.parse_args()

    # The manifest, prepared as at deployment, by the dbt of this environment (on PATH, as in an
    # activated environment).
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    warehouse_project.preparer.prepare(warehouse_project)
    from orchestrate.definitions import defs, pipeline_job, staging_sensor, warehouse_models

    podcast = defs.resources["podcast"]
    staging = Path(podcast.staging_dir)
    job = defs.resolve_job_def(pipeline_job.name)
    vars = dict(var.split("=", 1) for var in arguments.var)
    run_config = {
        "ops": {warehouse_models.op.name: {"config": {"vars": vars}}},
        # INFO: podcast's output and failures, without Dagster's engine events.
        "loggers": {"console": {"config": {"log_level": "INFO"}}},
    }
    all_keys = defs.resolve_asset_graph().get_all_asset_keys()
    instance = dg.DagsterInstance.ephemeral()
    cursors: dict[str, str | None] = {}
    report = []
    for kind, value in arguments.steps:
        if kind == "drop":
            source, _, name = value.partition("=")
            drop(Path(source), staging, name)
            context = dg.build_sensor_context(
                instance=instance, resources={"podcast": podcast}, definitions=defs
            )
            tick = staging_sensor.evaluate_tick(context)
            runs = []
            for request in tick.run_requests or []:
                tags = {**pipeline_job.tags, **request.tags, "dagster/run_key": request.run_key}
                result = job.execute_in_process(
                    run_config=run_config, instance=instance, tags=tags, raise_on_error=False
                )
                runs.append(
                    {"run_key": request.run_key, "tags": request.tags, "success": result.success}
                )
            report.append({"drop": name, "runs": runs, "skip_reason": tick.skip_message})
        elif kind == "materialize":
            key = dg.AssetKey.from_user_string(value)
            before = materialization_counts(instance, all_keys)
            result = job.execute_in_process(
                run_config=run_config,
                instance=instance,
                asset_selection=[key],
                tags=pipeline_job.tags,
                raise_on_error=False,
            )
            report.append(
                {
                    "materialize": value,
                    "success": result.success,
                    "materialized": sorted(
                        e.asset_key.to_user_string()
                        for e in result.get_asset_materialization_events()
                    ),
                    "checks": sorted(
                        e.asset_check_key.name for e in result.get_asset_check_evaluations()
                    ),
                    "tags": dict(result.dagster_run.tags),
                    "counts_before": before,
                    "counts_after": materialization_counts(instance, all_keys),
                }
            )
        else:
            sensor = defs.resolve_sensor_def(value)
            context = dg.build_sensor_context(
                instance=instance,
                cursor=cursors.get(value),
                resources={"podcast": podcast},
                definitions=defs,
            )
            tick = sensor.evaluate_tick(context)
            cursors[value] = tick.cursor
            # A sensor's asset events are stored as the daemon would store them.
            for event in tick.asset_events:
                instance.report_runless_asset_event(event)
            report.append(
                {
                    "tick": value,
                    "materialized": sorted(
                        e.asset_key.to_user_string()
                        for e in tick.asset_events
                        if isinstance(e, dg.AssetMaterialization)
                    ),
                    "checks": sorted(
                        f"{e.asset_key.to_user_string()}:{e.check_name}:"
                        f"{'pass' if e.passed else 'fail'}"
                        for e in tick.asset_events
                        if isinstance(e, dg.AssetCheckEvaluation)
                    ),
                    "skip_reason": tick.skip_message,
                    "checks_defined": len(list(warehouse_models.check_specs)),
                    # The dbt models and seeds: the assets a run can materialize (dbt's sources,
                    # such as silver.retention_record, are assets upstream of them, never built).
                    "buildable": sorted(
                        spec.key.to_user_string() for spec in warehouse_models.specs
                    ),
                    "counts": materialization_counts(instance, all_keys),
                }
            )
    print(json.dumps({"steps": report}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
