"""The fonts installed on this machine, as fontconfig (and so WeasyPrint, through Pango) sees them."""

import functools
import shutil
import subprocess  # nosec B404
from types import MappingProxyType


@functools.cache
def font_files() -> MappingProxyType:
    """Every font file fontconfig can see -> its family names, as WeasyPrint (through Pango) will see them."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return MappingProxyType({})
    # fc-list found on PATH, fixed arguments, no shell: no input of anyone's reaches the command.
    output = subprocess.run(
        [fc_list, ":", "file", "family"],
        capture_output=True,
        text=True,  # nosec B603
        check=True,
    ).stdout
    files: dict[str, frozenset[str]] = {}
    for line in output.splitlines():  # a font collection (.ttc) has a line for each of its faces
        path, _, names = line.partition(": ")
        files[path] = files.get(path, frozenset()) | {name.strip() for name in names.split(",") if name.strip()}
    return MappingProxyType(files)


@functools.cache
def installed_font_families() -> frozenset[str]:
    """Font families fontconfig can see."""
    return frozenset().union(*font_files().values())


def missing_fonts(languages) -> dict[str, str]:
    """Language name -> the font family it needs that is not installed."""
    installed = installed_font_families()
    return {lang.name: lang.font_family for lang in languages if lang.font_family not in installed}
