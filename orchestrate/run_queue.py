"""Dagster's run queue, with every run tagged with its warehouse before it is queued.

Runs of the job `podcast_pipeline` (schedule, sensor, launchpad) carry the tag from the job; a
materialization started from the asset graph or the catalog runs Dagster's implicit asset job,
which has no tags of its own. The queue adds the tag to any run that lacks it, so the limit of one
run per warehouse (orchestrate/dagster.yaml) applies to every run, however it was launched.
orchestrate/dagster.yaml names this class; orchestrate/serve puts the repository on PYTHONPATH so
that the web server and the daemon can import it.
"""

import dagster as dg

from orchestrate.resources import WAREHOUSE_TAG, warehouse_from_environment


class WarehouseRunQueue(dg.QueuedRunCoordinator):
    def submit_run(self, context: dg.SubmitRunContext) -> dg.DagsterRun:
        run = context.dagster_run
        if WAREHOUSE_TAG not in run.tags:
            self._instance.add_run_tags(run.run_id, {WAREHOUSE_TAG: warehouse_from_environment()})
            run = self._instance.get_run_by_id(run.run_id) or run
            context = dg.SubmitRunContext(run, context.workspace)
        return super().submit_run(context)
