"""Drives the definitions in-process, as the Dagster daemon would, for the integration test.

    python -m orchestrate.check --drop SRC=NAME [--drop SRC=NAME ...] [--var KEY=VALUE ...]

For each --drop, in order: copies SRC into the staging directory as NAME the way a producer does
(a temporary dot name, then a rename), evaluates one tick of the staging sensor, and executes every
run it requests in-process. --var is passed to `podcast run` in each run. Paths come from the
environment, as for the UI (PODCAST_STAGING_DIR, PODCAST_WAREHOUSE, ...). Prints one JSON object:

    {"drops": [{"file": NAME, "runs": [{"run_key": ..., "tags": {...}, "success": true}]}, ...]}

Exits 0 when it could drive everything (the runs' outcomes are in the JSON), 1 otherwise.
"""

import argparse
import json
import shutil
import sys
from pathlib import Path

import dagster as dg

from orchestrate.definitions import defs, pipeline_job, staging_sensor, warehouse_models


def drop(source: Path, staging: Path, name: str) -> None:
    destination = staging / name
    destination.parent.mkdir(parents=True, exist_ok=True)
    temporary = destination.with_name("." + destination.name + ".part")
    shutil.copyfile(source, temporary)
    temporary.rename(destination)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drop", action="append", default=[], metavar="SRC=NAME")
    parser.add_argument("--var", action="append", default=[], metavar="KEY=VALUE")
    arguments = parser.parse_args()

    podcast = defs.resources["podcast"]
    staging = Path(podcast.staging_dir)
    job = defs.resolve_job_def(pipeline_job.name)
    run_config = {
        "ops": {warehouse_models.op.name: {"config": {"vars": arguments.var}}},
        # INFO: podcast's output and failures, without Dagster's engine events.
        "loggers": {"console": {"config": {"log_level": "INFO"}}},
    }
    instance = dg.DagsterInstance.ephemeral()
    cursor = None
    report = []
    for entry in arguments.drop:
        source, _, name = entry.partition("=")
        drop(Path(source), staging, name)
        context = dg.build_sensor_context(
            instance=instance, cursor=cursor, resources={"podcast": podcast}, definitions=defs
        )
        tick = staging_sensor.evaluate_tick(context)
        cursor = tick.cursor if tick.cursor is not None else cursor
        runs = []
        for request in tick.run_requests or []:
            tags = {**pipeline_job.tags, **request.tags, "dagster/run_key": request.run_key}
            result = job.execute_in_process(
                run_config=run_config, instance=instance, tags=tags, raise_on_error=False
            )
            runs.append(
                {"run_key": request.run_key, "tags": request.tags, "success": result.success}
            )
        report.append({"file": name, "runs": runs, "skip_reason": tick.skip_message})
    print(json.dumps({"drops": report}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
