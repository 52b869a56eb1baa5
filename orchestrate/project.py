"""The dbt project (warehouse/) as dagster-dbt sees it.

Its manifest, which gives Dagster the assets, their lineage and the data tests as checks, is made
by dagster-dbt's own preparation (`dbt parse`) into DAGSTER_HOME/dbt/target (default
.dagster/dbt/target, outside the project): under `dagster dev` each time the definitions load, so a
changed model shows after "Reload definitions"; elsewhere by

    dagster-dbt project prepare-and-package --file orchestrate/project.py

before the definitions load (orchestrate/check.py does it itself). The dbt that parses is the one
on PATH: .venv-dagster's, which orchestrate/requirements.txt pins to the project's versions.
"""

import os
from pathlib import Path

from dagster_dbt import DbtProject

ROOT = Path(__file__).resolve().parent.parent
STATE = Path(os.environ.get("DAGSTER_HOME") or ROOT / ".dagster") / "dbt"

warehouse_project = DbtProject(project_dir=ROOT / "warehouse", target_path=STATE / "target")
warehouse_project.prepare_if_dev()
