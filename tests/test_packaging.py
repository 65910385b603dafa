"""What `pip install .` installs: the learner-facing package and its data, never the maintainer tools."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_the_wheel_holds_every_gan_helpers_module_and_no_tool(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path)],
        check=True, capture_output=True, timeout=300,
    )
    (wheel,) = tmp_path.glob("gan_helpers-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert not [name for name in names if name.startswith("tools/")]
    modules = {path.relative_to(ROOT).as_posix() for path in (ROOT / "gan_helpers").rglob("*.py")}
    assert modules <= names, sorted(modules - names)
    for data in ("gan_helpers/weights/classifier.npz", "gan_helpers/pretrained/fast.npz", "gan_helpers/pretrained/fast.json"):
        assert data in names
