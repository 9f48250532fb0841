"""Running an experiment again with other settings keeps the earlier run as a variant: the page lists every
variant with the settings that differ, its metrics against the same alternatives and one plot of the learning
curves; the index card counts them; `frameforecast compare` prints the same numbers."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

from conftest import working_directory

from frameforecast import cli


def test_variants_of_one_experiment_side_by_side_on_its_page_and_in_compare(tmp_path, capsys):
    with working_directory(tmp_path):
        assert cli.main(["run", "signals-2", "--profile", "smoke"]) == 0
        assert cli.main(["run", "signals-2", "--profile", "smoke", "--units", "8"]) == 0
        assert cli.main(["run", "signals-2", "--profile", "smoke", "--variant", "wide", "--units", "24"]) == 0
        capsys.readouterr()
        assert cli.main(["compare", "signals-2"]) == 0
        printed = capsys.readouterr().out

        assert sorted(p.name for p in Path("runs").glob("signals-2*")) == [
            "signals-2",
            "signals-2--units-8",
            "signals-2--wide",
        ]
        assert json.loads(Path("runs/signals-2--wide/config.json").read_text())["tuned"]["units"] == 24
        page = Path("site/signals-2.html").read_text()
        table_number = page.count('class="table"')  # the variants table is the page's last
        with open(f"site/signals-2/table-{table_number}.csv", newline="") as f:
            rows = list(csv.DictReader(f))
        assert [r["row"] for r in rows] == ["smoke profile", "units-8", "wide"]
        assert rows[0]["settings that differ from the profile's"] == "the profile's"
        assert rows[1]["settings that differ from the profile's"] == "tuned.units = 8"
        for r, folder in zip(rows, ("signals-2", "signals-2--units-8", "signals-2--wide"), strict=True):
            rmse = json.loads(Path(f"runs/{folder}/metrics.json").read_text())["modes"]["tuned"]["rmse"]
            assert abs(float(r["headline metric"]) - rmse) < 5e-4
            assert re.search(rf"^{re.escape(r['row'])}\s+{re.escape(r['headline metric'])}\s", printed, re.M), printed
        assert Path("site/signals-2/variants-curves.png").stat().st_size > 10_000
        index = Path("site/index.html").read_text()
        assert "2 variants with other settings" in index
        assert 'href="signals-2--wide.html"' not in index  # one card per experiment, its variants on its page

        assert cli.main(["run", "signals-2", "--profile", "smoke", "--filters", "3"]) == 2
        assert "--filters is not a training option of signals-2" in capsys.readouterr().err
