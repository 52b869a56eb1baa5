"""The dbt project (warehouse/) as dagster-dbt sees it.

Its manifest, which gives Dagster the assets, their lineage and the data tests as checks, is made
by dagster-dbt's own preparation (`dbt parse`) into DAGSTER_HOME/dbt/target (default
.dagster/dbt/target, outside the project), before the definitions load:

    dagster-dbt project prepare-and-package --file orchestrate/project.py

orchestrate/serve runs it at each start, and orchestrate/check.py does the same. It is not
repeated under `dagster dev` at every load (prepare_if_dev): each run's process loads the
definitions, and a parse there would add some 10 to 25 seconds to every run on a small machine.
After a change to the dbt project, restart the orchestrator. The dbt that parses is the one on
PATH: .venv-dagster's, which orchestrate/requirements.txt pins to the project's versions.
"""

import os
from pathlib import Path

from dagster_dbt import DbtProject

ROOT = Path(__file__).resolve().parent.parent
STATE = Path(os.environ.get("DAGSTER_HOME") or ROOT / ".dagster") / "dbt"

warehouse_project = DbtProject(project_dir=ROOT / "warehouse", target_path=STATE / "target")
