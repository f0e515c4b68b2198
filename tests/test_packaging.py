"""The set-up files agree with each other."""
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def pyproject_pins():
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = data["dependencies"] + [d for deps in data["optional-dependencies"].values() for d in deps]
    return {re.split("==", p)[0].lower(): p for p in pins}


def environment_pins():
    lines = (ROOT / "environment.yml").read_text().splitlines()
    pins = [l.strip()[2:] for l in lines if re.match(r"\s+- [A-Za-z0-9_.-]+==", l)]
    return {re.split("==", p)[0].lower(): p for p in pins}


def test_environment_yml_pins_what_pyproject_pins():
    assert environment_pins() == pyproject_pins()


def test_every_dependency_is_pinned_exactly_and_torch_is_2_13():
    pins = pyproject_pins()
    assert all("==" in p for p in pins.values())
    assert pins["torch"] == "torch==2.13.0"


def test_environment_yml_uses_python_311():
    assert "python=3.11" in (ROOT / "environment.yml").read_text()


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text()
    readme = (ROOT / "README.md").read_text()
    first_commands = re.findall(r"^make \w+", readme, flags=re.M)[:2]
    assert first_commands == ["make demo", "make test"]
