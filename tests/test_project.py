"""The project's promises about itself: the README lists every setting; an installed copy finds its data."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from safesurgeries.config import SETTINGS

ROOT = Path(__file__).resolve().parents[1]


def test_readme_documents_every_setting():
    readme = (ROOT / "README.md").read_text()
    for setting in SETTINGS:
        assert f"`{setting.env_var}`" in readme, setting.env_var


def test_an_installed_copy_finds_its_templates_translations_and_migrations(tmp_path):
    """Install the package (not editable) into a folder and import it from there, away from the source tree."""
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--target",
            str(target),
            str(ROOT),
        ],
        check=True,
        cwd=tmp_path,
    )
    probe = (
        "import safesurgeries.paths as p, safesurgeries.toolkit.languages as l;"
        "print(p.TOOLKIT_TEMPLATES); print(len(l.catalogue()));"
        "print((p.TOOLKIT_TEMPLATES / 'sections' / 'rules.html').exists(), (p.TOOLKIT_ASSETS / 'toolkit.css').exists(),"
        " (p.REGISTRY_DATA / 'epraccur-sample.csv').exists(), any((p.MIGRATIONS / 'versions').glob('*.py')))"
    )
    output = subprocess.run(
        [sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(target)!r}); {probe}"],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    ).stdout.splitlines()
    assert output[0].startswith(str(target))
    assert int(output[1]) >= 25
    assert output[2] == "True True True True"


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("SAFESURGERIES_RENDER_TIMEOUT", "0", "SAFESURGERIES_RENDER_TIMEOUT must be 1 or more; got '0'"),
        ("SAFESURGERIES_SMTP_PORT", "twenty-five", "SAFESURGERIES_SMTP_PORT must be a whole number; got 'twenty-five'"),
        ("SAFESURGERIES_CONTENT_REVIEWED", "November", "SAFESURGERIES_CONTENT_REVIEWED must be YYYY-MM"),
    ],
)
def test_a_bad_setting_stops_the_command_line_with_one_plain_line(tmp_path, variable, value, message):
    env = {**os.environ, "SAFESURGERIES_INSTANCE_PATH": str(tmp_path), variable: value}
    result = subprocess.run(
        [str(Path(sys.executable).parent / "safesurgeries"), "routes"], env=env, capture_output=True, text=True
    )
    assert result.returncode == 1
    assert result.stderr.strip().startswith(f"Error: {message}")
    assert "Traceback" not in result.stderr
