"""Where the data that sits beside the package lives, resolved once for source and installed copies."""

from importlib.resources import files
from pathlib import Path

# pyproject.toml installs toolkit_templates/ and registry_data/ as data packages inside
# safesurgeries, so the same import finds them in a source checkout and an installed wheel.
TOOLKIT_TEMPLATES = Path(str(files("safesurgeries.toolkit_templates")))
REGISTRY_DATA = Path(str(files("safesurgeries.registry_data")))
TOOLKIT_ASSETS = TOOLKIT_TEMPLATES / "assets"
MIGRATIONS = Path(__file__).parent / "migrations"
# The gettext catalogs of the web pages and the toolkit's posters and cards, and languages.json.
TRANSLATIONS = Path(__file__).parent / "translations"
