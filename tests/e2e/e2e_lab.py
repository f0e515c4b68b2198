"""Driving JupyterLab, nbgrader's lab extensions and formgrader in a real browser (Debian's Chromium + Playwright).

What was learned making this work (keep it):
- Launch /usr/bin/chromium with the flags of ``CHROMIUM_FLAGS`` and a fresh user data dir; never
  ``playwright install`` (it downloads browser builds).
- ``jupyter lab --allow-root`` when run as root; no news prompt (``fetchNews``, ``checkForUpdates`` in the lab's
  settings); every cell rendered (``windowingMode: none``), so cell ``i`` of the page is cell ``i`` of the file.
- Run All is the menu command ``runmenu:run-all``. The kernel reports idle before a run starts, so a run is over
  when no prompt shows ``*`` and every code cell's execution count has advanced (or the cell that stopped the run
  shows its traceback).
- Type code with ``keyboard.insert_text`` (plain typing triggers auto-indent).
- nbgrader's Validate dialog puts its verdict class (``validation-success``, ``validation-failed``) on
  ``.jp-Dialog-body``.
- A server refuses to start when its port is taken (``port_retries=0``) and is shut down through its API.
"""
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from autograder.notebooks import weeks
from autograder.samples import samples

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
ARTIFACTS = HERE / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1400, "height": 1000}
INSTRUCTOR_PLUGINS = ["@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment",
                      "@jupyter/nbgrader:course-list"]
INSTRUCTOR_SERVER_EXTENSIONS = ["nbgrader.server_extensions.formgrader", "nbgrader.server_extensions.course_list"]
STUDENT_SERVER_EXTENSIONS = ["nbgrader.server_extensions.assignment_list",
                             "nbgrader.server_extensions.validate_assignment"]
STUDENT_ENV_FILE = ROOT / "environment-student.yml"
# What a student reads in each language of a release: the message of the stub in every answer cell
# (autograder/localize.py: STUBS) and the words of the visible checks (autograder/locale/ru/assignments/WEEK.po)
READS = {
    "en": {"stub": "NotImplementedError: Replace this line with your implementation.",
           "passed": r"visible checks? passed", "expected": "expected", "got": "got"},
    "ru": {"stub": "NotImplementedError: Замените эту строку своим решением.",
           "passed": r"видим(ые|ая) проверк[иа] пройден[ыа]", "expected": "ожидал", "got": "получен"},
}
CYRILLIC = re.compile(r"[А-Яа-яЁё]")
TRACEBACK = "Traceback (most recent call last)"


WEEKS = weeks()
# the browser tests' course releases one week in Russian (--Course.language=ru), the others in English
LANGUAGES = {week: "ru" if week == "w02_lstm" else "en" for week in WEEKS}
GRADED_WEEK = "w01_rnn"  # the week whose sample submissions the instructor's tests autograde
GRADED_SAMPLE = "missing_bias_hh"  # a typical mistake: bias_hh is never added


def sample(week, name):
    found = [s for s in samples(week) if s.name == name]
    assert found, f"no sample {name!r} in autograder/samples/{week}"
    return found[0]


def log(message):
    print(f"[e2e {time.strftime('%H:%M:%S')}] {message}", flush=True)


class Clock:
    """Logs the seconds each step took (shown with pytest -s)."""

    def __init__(self, what):
        self.what, self.last = what, time.perf_counter()

    def __call__(self, step):
        now = time.perf_counter()
        log(f"{self.what}: {step} in {now - self.last:.1f} s")
        self.last = now


# ---------------------------------------------------------------- the student environment

def student_env_pins(path=STUDENT_ENV_FILE):
    """The pip pins of environment-student.yml, in order."""
    return [l.strip()[2:] for l in path.read_text().splitlines() if re.match(r"\s+- [A-Za-z0-9_.-]+==", l)]


def student_setup_commands(path=STUDENT_ENV_FILE):
    """The commands of environment-student.yml's header after `conda env create` (pip, python, jupyter lines)."""
    return [m.group(1) for m in re.finditer(r"^#   ((?:pip|python|jupyter) .+)$", path.read_text(), flags=re.M)]


def clean_env(extra_path=None, **overrides):
    """os.environ without anything that points Python at the instructor's code or venv."""
    venv_bin = str(Path(sys.prefix) / "bin")
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV", "PYTHONWARNINGS")}
    path = [p for p in env.get("PATH", "").split(os.pathsep) if p and p != venv_bin]
    if extra_path:
        path.insert(0, str(extra_path))
    env["PATH"] = os.pathsep.join(path)
    env.update({k: str(v) for k, v in overrides.items()})
    return env


def student_env_vars(prefix):
    return clean_env(Path(prefix) / "bin", VIRTUAL_ENV=prefix)


def build_student_env(prefix, logfile):
    """A fresh venv at ``prefix`` built from environment-student.yml as its header says: the pins with pip (for
    `conda env create`), then every later command of the header, run with the venv first on PATH.
    Nothing comes from this repository's editable install. Returns the seconds it took."""
    start = time.perf_counter()
    prefix = Path(prefix)
    base_python = getattr(sys, "_base_executable", None) or shutil.which("python3.11") or "python3"
    env = student_env_vars(prefix)
    steps = [[base_python, "-m", "venv", str(prefix)],
             # --no-compile: a module is byte-compiled when first imported (half the install time otherwise)
             [str(prefix / "bin" / "python"), "-m", "pip", "install", "--quiet", "--no-compile", *student_env_pins()],
             *student_setup_commands()]
    with open(logfile, "w") as out:
        for step in steps:
            out.write(f"$ {step if isinstance(step, str) else ' '.join(step)}\n")
            out.flush()
            # cwd: the folder the instructor hands out (course_data/ is copied from there)
            proc = subprocess.run(step, shell=isinstance(step, str), cwd=ROOT, env=env, stdout=out,
                                  stderr=subprocess.STDOUT, text=True)
            if proc.returncode != 0:
                raise RuntimeError(f"building the student environment failed at: {step}\n"
                                   + Path(logfile).read_text()[-4000:])
    return time.perf_counter() - start


CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "rnn-course"
CACHE_DAYS = 7  # a cached environment older than this is built again (its unpinned dependencies may have moved)


def student_env_key():
    """What the student environment is built from: the file, the data pins, course_data/, the recipe, Python."""
    import hashlib
    import inspect

    digest = hashlib.sha256(sys.version.encode())
    digest.update(inspect.getsource(build_student_env).encode())
    for path in [STUDENT_ENV_FILE, ROOT / "requirements-data.txt", *sorted((ROOT / "course_data").glob("*.py"))]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def cached_student_env(logfile):
    """The student environment, built by ``build_student_env`` into a folder named by ``student_env_key()`` under
    ~/.cache/rnn-course unless a complete one younger than CACHE_DAYS is there (a lock keeps two test sessions
    from building it at once). Returns (prefix, seconds spent building, 0 when reused)."""
    import fcntl

    CACHE.mkdir(parents=True, exist_ok=True)
    prefix = CACHE / f"student-env-{student_env_key()}"
    built, used = prefix / ".complete", prefix / ".used"
    with open(CACHE / f"{prefix.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        seconds = 0.0
        if not (built.exists() and time.time() - built.stat().st_mtime < CACHE_DAYS * 86400):
            shutil.rmtree(prefix, ignore_errors=True)
            seconds = build_student_env(prefix, logfile)
            built.write_text(f"built in {seconds:.0f} s\n")
        used.touch()
    for other in CACHE.glob("student-env-*"):  # environments of other keys, unused for a day
        stamp = other / ".used"
        if other.is_dir() and other != prefix and (not stamp.exists() or time.time() - stamp.stat().st_mtime > 86400):
            shutil.rmtree(other, ignore_errors=True)
    return prefix, seconds


def jupyter_lists(prefix):
    """The output of the student environment's `jupyter labextension list` and `jupyter server extension list`,
    run at the same time (at a lower priority: they run while other tests do), without colours."""
    procs = [subprocess.Popen(["nice", "-n", "10", str(Path(prefix) / "bin" / "jupyter"), *args],
                              env=student_env_vars(prefix),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
             for args in (["labextension", "list"], ["server", "extension", "list"])]
    return [re.sub(r"\x1b\[[0-9;]*m", "", proc.communicate(timeout=300)[0]) for proc in procs]


def student_python(prefix, code, cwd):
    """Run ``code`` with the student environment's Python in ``cwd``; returns stdout."""
    proc = subprocess.run([str(Path(prefix) / "bin" / "python"), "-c", code], cwd=cwd, env=student_env_vars(prefix),
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout


# ---------------------------------------------------------------- the instructor's course

GENERATE_AND_RELEASE = """
import sys
from traitlets.config.loader import PyFileConfigLoader
from nbgrader.apps.api import NbGraderAPI
from nbgrader.coursedir import CourseDirectory
root = sys.argv[1]
for arg in sys.argv[2:]:
    week, language = arg.split("=")
    config = PyFileConfigLoader("nbgrader_config.py", path=root).load_config()
    config.CourseDirectory.root = root
    config.Course.language = language
    api = NbGraderAPI(CourseDirectory(config=config), config=config)
    for step in (lambda: api.generate_assignment(week, force=True), lambda: api.release_assignment(week)):
        result = step()
        if not result["success"]:
            sys.exit(f"{week}: {result['error']}\\n{result['log']}")
"""


def generate_and_release(root, languages):
    """``nbgrader generate_assignment`` and ``release_assignment`` of each week of ``languages`` ({week: language})
    in its language (``c.Course.language``), with the course's nbgrader_config.py, through nbgrader's own API (what
    formgrader's buttons call) in one process."""
    weeks = [f"{week}={language}" for week, language in languages.items()]
    proc = subprocess.run([sys.executable, "-c", GENERATE_AND_RELEASE, str(root), *weeks], cwd=root,
                          env={**os.environ, "PYTHONWARNINGS": "ignore"}, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"generate/release failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}")


# ---------------------------------------------------------------- a Jupyter server

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_taken(port):
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


LAB_SETTINGS = {
    # no "news" prompt, no update check
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false",
                                                                        "checkForUpdates": False},
    # render every cell: cell i of the page is cell i of the notebook file
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}


class LabServer:
    """``jupyter lab`` on loopback, from the environment whose ``bin`` is given, serving ``root``."""

    def __init__(self, name, bin_dir, root, workdir, env=None, port=None):
        self.name, self.bin_dir, self.root, self.workdir = name, Path(bin_dir), Path(root), Path(workdir)
        self.port = port or free_port()
        self.token = secrets.token_hex(16)
        self.base_env = env if env is not None else clean_env(self.bin_dir)
        self.proc = None
        self.logfile = self.workdir / f"{name}-jupyter.log"

    def url(self, path=""):
        sep = "&" if "?" in path else "?"
        return f"http://127.0.0.1:{self.port}/{path.lstrip('/')}{sep}token={self.token}"

    def start(self, timeout=180):
        if port_taken(self.port):
            raise RuntimeError(f"port {self.port} is taken: refusing to start {self.name}'s JupyterLab")
        dirs = {k: self.workdir / f"{self.name}-{k.lower()}" for k in
                ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "JUPYTERLAB_SETTINGS_DIR",
                 "JUPYTERLAB_WORKSPACES_DIR", "MPLCONFIGDIR", "IPYTHONDIR")}
        for d in dirs.values():
            d.mkdir(parents=True, exist_ok=True)
        for rel, values in LAB_SETTINGS.items():
            path = dirs["JUPYTERLAB_SETTINGS_DIR"] / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values))
        env = {**self.base_env, **{k: str(v) for k, v in dirs.items()}}
        argv = [str(self.bin_dir / "jupyter"), "lab", "--no-browser", "--ip=127.0.0.1", f"--port={self.port}",
                "--ServerApp.port_retries=0", f"--IdentityProvider.token={self.token}",
                f"--ServerApp.root_dir={self.root}", "--LabApp.news_url=None"]
        if os.geteuid() == 0:
            argv.append("--allow-root")
        self.log = open(self.logfile, "w")
        self.proc = subprocess.Popen(argv, cwd=self.root, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name}'s JupyterLab exited ({self.proc.returncode}):\n{self.log_tail()}")
            try:
                self.api("GET", "api/status")
                log(f"{self.name}'s JupyterLab is up on port {self.port} (log: {self.logfile})")
                return self
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{self.name}'s JupyterLab did not answer in {timeout} s:\n{self.log_tail()}")

    def api(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else (b"" if method == "POST" else None)
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}/{path}", data=data, method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=30) as response:
            text = response.read().decode()
            return json.loads(text) if text.strip() else None

    def status(self, path):
        """The HTTP status of GET ``path`` (with the token)."""
        try:
            with urllib.request.urlopen(self.url(path), timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code

    def delete_sessions(self, ids):
        """Shut these sessions' kernels down."""
        for session in ids:
            try:
                self.api("DELETE", f"api/sessions/{session}")
            except (urllib.error.URLError, ConnectionError):
                pass  # gone already, or the server is stopping

    def log_tail(self, n=4000):
        return self.logfile.read_text(errors="replace")[-n:] if self.logfile.exists() else ""

    def stop(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            self.api("POST", "api/shutdown")
            self.proc.wait(timeout=30)
        except Exception:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


# ---------------------------------------------------------------- the browser

def launch_chromium(playwright, user_data_dir):
    """A fresh Chromium profile (a persistent context in a new folder): Debian's /usr/bin/chromium."""
    context = playwright.chromium.launch_persistent_context(
        str(user_data_dir), executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True, viewport=VIEWPORT)
    context.set_default_timeout(60_000)
    return context


def screenshot(page, name, locator=None):
    """Keep a screenshot as a test artifact (tests/e2e/artifacts/NAME.png), with ``locator`` in view."""
    ARTIFACTS.mkdir(exist_ok=True)
    if locator is not None:
        locator.scroll_into_view_if_needed()
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


CELLS_JS = """() => [...document.querySelectorAll('.jp-NotebookPanel .jp-Notebook .jp-Cell')].map(c => {
  const prompt = c.querySelector('.jp-InputArea-prompt');
  const prose = c.querySelector('.jp-MarkdownCell .jp-RenderedMarkdown');
  return {code: c.classList.contains('jp-CodeCell'), prompt: prompt ? prompt.textContent.trim() : '',
          outputs: [...c.querySelectorAll('.jp-OutputArea-output')].map(o => o.innerText),
          prose: prose ? prose.innerText : ''};
})"""

# Over when no prompt shows "*" and every code cell in `indices` (all when null) ran after `base`, or a cell that
# ran after `base` shows a traceback (Run All stops there). The kernel's "idle" alone comes before the run starts.
RUN_OVER_JS = """([base, indices]) => {
  const all = [...document.querySelectorAll('.jp-NotebookPanel .jp-Notebook .jp-Cell')];
  const cells = (indices || all.map((_, i) => i)).map(i => all[i]).filter(c => c.classList.contains('jp-CodeCell'));
  const prompts = cells.map(c => (c.querySelector('.jp-InputArea-prompt') || {textContent: ''}).textContent);
  if (all.some(c => (c.querySelector('.jp-InputArea-prompt') || {textContent: ''}).textContent.includes('*')))
    return false;
  const counts = prompts.map(p => parseInt(p.replace(/[^0-9]/g, ''), 10) || 0);
  if (counts.every(n => n > base)) return true;
  return cells.some((c, i) => counts[i] > base && c.innerText.includes('TRACEBACK'));
}""".replace("TRACEBACK", TRACEBACK)


def prompt_number(prompt):
    digits = re.sub(r"[^0-9]", "", prompt)
    return int(digits) if digits else 0


def menu(page, label, command):
    """Click menu ``label``, then its item that runs ``command``."""
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{label}$")).click()
    page.locator(f"li.lm-Menu-item[data-command='{command}']").click()


class Notebook:
    """A notebook open in JupyterLab: its cells, Run All, typing into a cell, Validate."""

    def __init__(self, page, lab, path, nb):
        self.page, self.lab, self.path, self.nb = page, lab, path, nb

    @classmethod
    def open(cls, page, lab, path, nb, timeout=120_000):
        """File > Open from Path..., then wait until its kernel is idle. One notebook is open at a time."""
        assert page.locator(".jp-NotebookPanel").count() == 0, "another notebook is still open"
        menu(page, "File", "filebrowser:open-path")
        field = page.locator(".jp-Dialog input")
        field.fill(path)
        field.press("Enter")
        page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell").first.wait_for(timeout=timeout)
        page.wait_for_function(
            "() => (document.querySelector('.jp-NotebookPanel-toolbar .jp-KernelName') || {}).textContent"
            " && !document.querySelector('.jp-NotebookPanel-toolbar .jp-KernelName').textContent.includes('No Kernel')",
            timeout=timeout)
        page.wait_for_function(
            "() => [...document.querySelectorAll('.jp-StatusBar-TextItem')].some(e => /\\| Idle/.test(e.textContent))",
            timeout=timeout)
        notebook = cls(page, lab, path, nb)
        cells = notebook.cells()
        assert len(cells) == len(nb.cells), "every cell of the notebook is on the page"
        # a run is over when the counts pass the last one before it: a fresh kernel counts from 1
        assert not any(prompt_number(c["prompt"]) for c in cells), f"{path} is not as released: it has outputs"
        return notebook

    def cell(self, index):
        return self.page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell").nth(index)

    def cells(self):
        return self.page.evaluate(CELLS_JS)

    def last_count(self):
        return max([prompt_number(c["prompt"]) for c in self.cells() if c["code"]] + [0])

    def wait_run(self, base, indices, timeout):
        try:
            self.page.wait_for_function(RUN_OVER_JS, arg=[base, indices], timeout=timeout, polling=100)
        except Exception as exc:
            shot = screenshot(self.page, f"{Path(self.path).stem}-timeout")
            prompts = [c["prompt"] for c in self.cells() if c["code"]]
            raise AssertionError(f"the run did not end in {timeout / 1000:.0f} s (after count {base}); prompts "
                                 f"{prompts}; screenshot {shot}") from exc

    def run_all(self, timeout=180_000):
        base = self.last_count()
        menu(self.page, "Run", "runmenu:run-all")
        self.wait_run(base, None, timeout)
        return base, self.cells()

    def type_into(self, index, source):
        """Replace the source of cell ``index`` through its editor, as a student would."""
        self.cell(index).locator(".jp-InputArea-editor .cm-content").click()
        self.page.keyboard.press("Control+a")
        self.page.keyboard.insert_text(source)

    def run_cells(self, indices, timeout=120_000):
        """Select each cell and run it in place (Ctrl+Enter), then wait for all of them."""
        base = self.last_count()
        for index in indices:
            self.cell(index).locator(".jp-InputPrompt").click()
            self.page.keyboard.press("Control+Enter")
        self.wait_run(base, list(indices), timeout)
        return base, self.cells()

    def validate(self, timeout=180_000):
        """Click Validate, wait for nbgrader's dialog; returns (css classes of its body, its text)."""
        self.page.locator(".jp-NotebookPanel-toolbar .jp-Toolbar-item", has_text="Validate").locator(
            "jp-button").click()
        body = self.page.locator(".jp-Dialog .jp-Dialog-body")
        body.wait_for(timeout=timeout)
        return body.get_attribute("class").split(), body.inner_text()

    def close_dialog(self):
        self.page.locator(".jp-Dialog .jp-Dialog-footer button").last.click()
        self.page.locator(".jp-Dialog").wait_for(state="detached")


def close_notebook(page):
    """Close the open notebook's tab (its changes discarded); returns whether one was open."""
    while page.locator(".jp-Dialog").count():
        page.keyboard.press("Escape")
        page.locator(".jp-Dialog").first.wait_for(state="detached", timeout=10_000)
    if not page.locator(".jp-NotebookPanel").count():
        return False
    page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current .lm-TabBar-tabCloseIcon").click()
    # unsaved changes: JupyterLab asks first
    page.wait_for_function("() => !document.querySelector('.jp-NotebookPanel')"
                           " || !!document.querySelector('.jp-Dialog .jp-mod-warn')", timeout=30_000)
    discard = page.locator(".jp-Dialog .jp-mod-warn", has_text="Discard")
    if discard.count():
        discard.click()
    page.locator(".jp-NotebookPanel").wait_for(state="detached", timeout=30_000)
    return True


class App:
    """One JupyterLab page kept for a whole session (no reload between notebooks). A test that leaves it in an
    unknown state gets it replaced."""

    def __init__(self, context, server):
        self.context, self.server, self.page = context, server, None

    def get(self):
        if self.page is None or self.page.is_closed():
            self.page = self.context.new_page()
            self.page.goto(self.server.url("lab?reset"))
            self.page.locator(".lm-MenuBar-itemLabel", has_text=re.compile("^File$")).wait_for(timeout=120_000)
        return self.page

    def tidy(self):
        """After a test: close its notebook and shut its kernel down (in the background: nothing waits for it)."""
        sessions = [s["id"] for s in self.server.api("GET", "api/sessions") or []]
        if self.page is not None and not self.page.is_closed():
            try:
                close_notebook(self.page)
            except Exception as exc:
                log(f"replacing the JupyterLab page ({type(exc).__name__}: {str(exc)[:200]})")
                self.page.close()
                self.page = None
        threading.Thread(target=self.server.delete_sessions, args=(sessions,), daemon=True).start()


# ---------------------------------------------------------------- what a person must see (each raises AssertionError)

def error_text(cell):
    return "\n".join(o for o in cell["outputs"] if TRACEBACK in o)


def check_prose(cells, language):
    """The notebook's rendered text cells read in ``language``: most of their letters are Cyrillic in Russian, few
    in English (w04 quotes Russian words)."""
    prose = "\n".join(c["prose"] for c in cells)
    letters = re.findall(r"[^\W\d_]", prose)
    assert letters, "the page shows no rendered text cells"
    share = len(CYRILLIC.findall(prose)) / len(letters)
    assert (share > 0.5) == (language == "ru"), \
        f"the notebook's text is not in {language!r} ({share:.0%} of its letters are Cyrillic):\n{prose[:500]}"


def check_blank_run(cells, nb, first_answer, first_test, language="en"):
    """Run All on the blank release: everything before the first answer's test cell runs cleanly, and that test
    cell -- where the run stops -- tells the student what to do (the stub's message in ``language``, not a crash
    elsewhere)."""
    for i, cell in enumerate(cells[:first_test]):
        assert not error_text(cell), f"cell {i} fails before the student has written anything:\n{error_text(cell)}"
    assert prompt_number(cells[first_answer]["prompt"]) and prompt_number(cells[first_test]["prompt"]), \
        "the first answer cell and its test cell ran"
    message = error_text(cells[first_test])
    assert message, f"the first test cell (cell {first_test}) shows no error for the blank stub"
    last_line = message.strip().splitlines()[-1].strip()
    stub = READS[language]["stub"]
    assert last_line == stub, f"the first message a student sees must say what to do ({stub!r}), got {last_line!r}"
    later = [i for i, c in enumerate(cells) if i > first_test and c["code"] and error_text(c)]
    assert not later, f"Run All stops at the first failing cell; cells {later} show errors too"


def check_clean_run(cells, nb, test_cells, language="en"):
    """Run All with correct answers: no cell shows an error, every visible check printed its result."""
    errors = {i: error_text(c) for i, c in enumerate(cells) if error_text(c)}
    assert not errors, "Run All with the reference answers shows errors:\n" + "\n\n".join(
        f"cell {i}:\n{text[-1500:]}" for i, text in errors.items())
    not_run = [i for i, c in enumerate(cells) if c["code"] and not prompt_number(c["prompt"])]
    assert not not_run, f"cells {not_run} did not run"
    for i in test_cells:
        assert any(re.search(READS[language]["passed"], o) for o in cells[i]["outputs"]), \
            f"test cell {i} did not print that its visible checks passed: {cells[i]['outputs']}"


def check_validate_success(classes, text):
    assert "validation-success" in classes, f"Validate did not succeed ({classes}):\n{text[-3000:]}"
    assert "Success" in text, text


def check_wrong_answer_message(cells, test_index, language="en"):
    """The test cell below a wrong answer shows an AssertionError of a visible check that says, in ``language``,
    what was expected and what the student's code gave."""
    message = error_text(cells[test_index])
    assert message, f"the test cell (cell {test_index}) shows no error for a wrong answer"
    lines = [l for l in message.splitlines() if l.strip()]
    # the exception's own lines end the traceback (the header line says "AssertionError   Traceback ...")
    starts = [i for i, l in enumerate(lines) if re.match(r"AssertionError(:|$)", l.strip())]
    assert starts, f"the wrong answer's message is not a visible check's AssertionError:\n{message[-1500:]}"
    text = "\n".join(lines[starts[-1]:])
    assert re.match(r"AssertionError: \S", text), f"the visible check's message is empty:\n{message[-1500:]}"
    words = READS[language]
    assert words["expected"] in text and words["got"] in text, \
        f"the message must say what was expected and what was got ({words['expected']!r}, {words['got']!r}):\n{text}"
    return text


def check_feedback_message(text, phrase):
    """The feedback of a failed item shows the trusted checks' verdict: what was expected, what was received,
    where, and the hint for the known mistake."""
    assert re.search(r"\d+ of \d+ hidden checks passed", text) and "[FAIL]" in text, \
        f"the feedback does not say which hidden check failed:\n{text[-2000:]}"
    for label in ("expected:", "received:", "hint:"):
        assert label in text, f"the feedback has no {label!r} line:\n{text[-2000:]}"
    assert re.search(r"\bat index \(|\bgate\b|\bparameter\b", text), f"the feedback does not say where:\n{text[-2000:]}"
    assert phrase in text, f"the feedback does not name the mistake ({phrase!r})"
