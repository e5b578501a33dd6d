"""The built wheel is a whole product: installed (not editable) into a fresh virtual environment,
its `simgen` lists the challenge bank, shows a prompt and grades a reference solution from a
folder outside the checkout, reading the challenge pack from inside the installed package."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("simgen", "challenges", "expected", "pyproject.toml", "setup.py", "MANIFEST.in", "README.md")


def _setuptools_is_new_enough() -> bool:
    try:
        return int(metadata.version("setuptools").split(".")[0]) >= 77
    except metadata.PackageNotFoundError:
        return False


def _run(*args: object, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """bin/ of a fresh venv holding the wheel built from a clean copy of the sources; its
    dependencies come from this interpreter's site-packages (a .pth file), never simgen itself."""
    work = tmp_path_factory.mktemp("wheel")
    src = work / "src"
    src.mkdir()
    for name in SOURCES:  # a copy: no stale build/ or egg-info of the checkout ends up in the wheel
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(ROOT / name, src / name)
    # With setuptools>=77 here the build needs no network; else pip fetches it for an isolated build.
    isolation = ["--no-build-isolation"] if _setuptools_is_new_enough() else []
    built = _run(sys.executable, "-m", "pip", "wheel", "--no-deps", *isolation, "-w", work / "dist", ".", cwd=src)
    assert built.returncode == 0, built.stderr[-3000:]
    (wheel,) = (work / "dist").glob("simgen-*.whl")
    venv = work / "venv"
    made = _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=work)
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    done = _run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", wheel, cwd=work)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "license" not in done.stderr.lower(), done.stderr  # no deprecation warning about the license field
    site = Path(_run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])",
                     cwd=work).stdout.strip())
    (site / "_simgen_test_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return venv / "bin"


def _env() -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("SIMGEN_BANK", "PYTHONPATH", "VIRTUAL_ENV")}
    env["COLUMNS"] = "200"
    return env


@pytest.mark.slow
def test_the_installed_wheel_carries_the_challenge_pack(installed, tmp_path):
    where = _run(installed / "python", "-c", "import simgen, simgen.challenges as c; print(simgen.__file__); "
                 "print(c.bank_root()); print(len(simgen.challenges()))", cwd=tmp_path, env=_env())
    assert where.returncode == 0, where.stderr
    module, bank, count = where.stdout.split("\n")[:3]
    assert Path(module).is_relative_to(installed.parent) and Path(bank).is_relative_to(installed.parent)
    assert int(count) == len([p for p in (ROOT / "challenges").iterdir() if (p / "challenge.toml").is_file()])
    listed = _run(installed / "simgen", "challenges", cwd=tmp_path, env=_env())
    assert listed.returncode == 0, listed.stderr
    assert "first_touch_attribution" in listed.stdout and "second_highest_salary" in listed.stdout
    shown = _run(installed / "simgen", "show", "second_highest_salary", cwd=tmp_path, env=_env())
    assert shown.returncode == 0 and "Engineering" in shown.stdout, shown.stderr


@pytest.mark.slow
def test_the_installed_wheel_grades_a_reference(installed, tmp_path, small, edge):
    answer = tmp_path / "second_highest_salary.sql"
    shutil.copy2(ROOT / "expected" / "second_highest_salary" / "solution.sql", answer)
    r = _run(installed / "simgen", "check", answer.name, "--data", small.path, "--data", edge.path, "--json",
             cwd=tmp_path, env=_env())
    assert r.returncode == 0, r.stdout + r.stderr
    verdict = json.loads(r.stdout)
    assert verdict["passed"] is True and verdict["challenge"] == "second_highest_salary"
    wrong = tmp_path / "wrong.sql"
    wrong.write_text("SELECT max(salary) AS salary FROM salaries", encoding="utf-8")
    r = _run(installed / "simgen", "check", wrong, "--challenge", "second_highest_salary", "--data", small.path,
             cwd=tmp_path, env=_env())
    assert r.returncode == 1 and "WRONG" in r.stdout, r.stdout + r.stderr


@pytest.mark.slow
def test_the_installed_wheel_serves_the_practice_page(installed, tmp_path, small):
    """The page's templates, script, style and editor travel in the wheel: every file the
    challenge page links to is served from the installed package."""
    script = (
        "import re, sys\n"
        "from simgen.serve.app import create_app\n"
        "from simgen.serve.practice import Practice\n"
        "from simgen.progress import Progress\n"
        f"with Practice({str(small.path)!r}, Progress({str(tmp_path / 'p.json')!r})) as p:\n"
        "    c = create_app(p).test_client()\n"
        "    page = c.get('/c/second_highest_salary')\n"
        "    assert page.status_code == 200, page.status_code\n"
        "    links = re.findall(r'(?:src|href)=\"(/static/[^\"]+)\"', page.get_data(as_text=True))\n"
        "    assert len(links) >= 5, links\n"
        "    for link in links:\n"
        "        assert c.get(link).status_code == 200, link\n"
        "    sql = open(sys.argv[1]).read()\n"
        "    print(c.post('/api/submit', json={'challenge': 'second_highest_salary', 'sql': sql}).get_json()['status'])\n"
    )
    r = _run(installed / "python", "-c", script, ROOT / "expected" / "second_highest_salary" / "solution.sql",
             cwd=tmp_path, env=_env())
    assert r.returncode == 0 and r.stdout.split() == ["pass"], r.stdout + r.stderr
