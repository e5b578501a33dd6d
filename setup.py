"""Builds the wheel with the challenge pack inside it.

The pack lives at the project root (challenges/ and expected/, as the README describes); a wheel
must carry it, so `build_py` copies what the installed commands read into the built package as
simgen/pack/, where simgen.challenges.bank_root finds it: every file of challenges/<id>/, and
expected/<id>/solution.sql and grading.toml (the goldens, alternative and wrong solutions under
expected/ are the test suite's, and stay out). An editable install reads the checkout instead.
Everything else is in pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
EXPECTED_FILES = ("solution.sql", "grading.toml")


class build_py_with_pack(build_py):  # noqa: N801 - a setuptools command class
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "simgen" / "pack"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(HERE / "challenges", target / "challenges", ignore=shutil.ignore_patterns("__pycache__", ".*"))
        for folder in sorted((HERE / "expected").iterdir()):
            for name in EXPECTED_FILES:
                if (folder / name).is_file():
                    (target / "expected" / folder.name).mkdir(parents=True, exist_ok=True)
                    shutil.copy2(folder / name, target / "expected" / folder.name / name)


setup(cmdclass={"build_py": build_py_with_pack})
