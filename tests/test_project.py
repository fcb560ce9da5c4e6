"""The project's promises about itself: the README lists every setting; an installed copy finds its data."""

import subprocess
import sys
from pathlib import Path

from safesurgeries.config import SETTINGS

ROOT = Path(__file__).resolve().parents[1]


def test_readme_documents_every_setting():
    readme = (ROOT / "README.md").read_text()
    for setting in SETTINGS:
        assert f"`{setting.env_var}`" in readme, setting.env_var


def test_an_installed_copy_finds_its_templates_translations_and_migrations(tmp_path):
    """Install the package (not editable) into a folder and import it from there, away from the source tree."""
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                    "--target", str(target), str(ROOT)], check=True, cwd=tmp_path)
    probe = (
        "import safesurgeries.paths as p, safesurgeries.toolkit.languages as l;"
        "print(p.TOOLKIT_TEMPLATES); print(len(l.catalogue()));"
        "print((p.TOOLKIT_TEMPLATES / 'sections' / 'rules.html').exists(), (p.TOOLKIT_ASSETS / 'toolkit.css').exists(),"
        " (p.REGISTRY_DATA / 'epraccur-sample.csv').exists(), any((p.MIGRATIONS / 'versions').glob('*.py')))"
    )
    output = subprocess.run([sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(target)!r}); {probe}"],
                            capture_output=True, text=True, check=True, cwd=tmp_path).stdout.splitlines()
    assert output[0].startswith(str(target))
    assert int(output[1]) >= 25
    assert output[2] == "True True True True"
