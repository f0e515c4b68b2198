"""The lecture notebooks, executed, as reveal.js slides and HTML pages that open from disk with no network.

    autograder lectures [WEEK ...] [--out build/lectures] [--language ru]   (``make lectures``: every week)

Each ``lectures/WEEK.ipynb`` is executed in its folder by nbconvert's ExecutePreprocessor (nbclient), then written
as ``WEEK.slides.html`` (SlidesExporter) and ``WEEK.html`` (HTMLExporter), plots included. Only the executed copy
gets slide metadata (the committed notebooks are never written): a markdown cell that starts with a ``#`` or ``##``
heading starts a slide, a code cell is a sub-slide below it, any other markdown cell a fragment; a cell whose
``slideshow.slide_type`` is already set keeps it.

Nothing is loaded from a CDN:
- MathJax 3 (TeX input, SVG output) comes from the PyPI package django-static-mathjax and is inlined into every
  page (a data: URL) by ``templates/base/mathjax.html.j2``, which replaces nbconvert's MathJax 2 macro in every
  template found through ``extra_template_basedirs``. nbgrader_config.py does the same for the feedback HTML (a
  student gets that page alone, without any file beside it).
- reveal.js comes from the PyPI package sphinx-revealjs and is copied next to the slides (``reveal.js/``), with
  the ``white`` theme, whose fonts are local files. The templates ``lecture`` (nbconvert's ``lab``) and
  ``lecture_slides`` (``reveal``) leave out the CDN scripts of nbconvert's templates (require.js, jQuery, mermaid).
"""
import base64
import re
import shutil
from importlib.util import find_spec
from pathlib import Path

from .notebooks import ROOT

LECTURES = ROOT / "lectures"
BUILD = ROOT / "build" / "lectures"
TEMPLATES = Path(__file__).resolve().parent / "templates"
# the Jinja filter ``{{ 'tex-svg-full.js' | mathjax_data_url }}`` of templates/base/mathjax.html.j2
FILTERS = {"mathjax_data_url": "autograder.lectures.mathjax_data_url"}


def package_dir(name):
    """The folder of an installed package, found without importing it."""
    spec = find_spec(name)
    if spec is None:
        raise ModuleNotFoundError(f"the package {name!r} is not installed (make install installs it)")
    return Path(spec.submodule_search_locations[0])


def nbgrader_templates():
    """nbgrader's own templates (``feedback``, ``formgrade``), which GenerateFeedback finds there by default."""
    return str(package_dir("nbgrader") / "server_extensions" / "formgrader" / "templates")


def mathjax_data_url(name):
    """A file of MathJax's ``es5`` folder (as the package django-static-mathjax installs it) as a data: URL, the
    page's own copy (base64: the page's text, which tests search, holds none of MathJax's words)."""
    data = (package_dir("mathjax") / "static" / "mathjax" / "es5" / name).read_bytes()
    return "data:text/javascript;base64," + base64.b64encode(data).decode("ascii")


def weeks():
    return [path.stem for path in sorted(LECTURES.glob("*.ipynb"))]


def execute(path, timeout=600, language="en"):
    """The notebook at ``path``, in ``language``, executed in its folder (a cell error stops the build with its
    traceback)."""
    import nbformat
    from nbconvert.preprocessors import ExecutePreprocessor

    from . import translations

    nb = nbformat.read(path, as_version=4)
    if language != "en":
        translations.translate_notebook(nb, translations.translator(language, "lectures", path.stem))
    ExecutePreprocessor(timeout=timeout, kernel_name="python3").preprocess(nb, {"metadata": {"path": str(path.parent)}})
    return nb


def mark_slides(nb):
    """Set each cell's ``slideshow.slide_type`` (where it has none) for nbconvert's SlidesExporter."""
    for cell in nb.cells:
        if cell.cell_type == "markdown" and re.match(r"#{1,2}\s", cell.source):
            kind = "slide"
        elif cell.cell_type == "code":
            kind = "subslide"
        else:
            kind = "fragment"
        cell.metadata.setdefault("slideshow", {}).setdefault("slide_type", kind)
    return nb


def exporters():
    """(HTMLExporter, SlidesExporter) with the course's offline templates."""
    from nbconvert.exporters import HTMLExporter, SlidesExporter
    from traitlets.config import Config

    config = Config()
    config.HTMLExporter.extra_template_basedirs = [str(TEMPLATES)]
    config.HTMLExporter.filters = FILTERS
    config.HTMLExporter.embed_images = True  # images that markdown cells link to go into the page
    config.SlidesExporter.reveal_url_prefix = "reveal.js"
    config.SlidesExporter.reveal_theme = "white"
    config.SlidesExporter.reveal_width = "1280"  # a larger canvas, drawn smaller: a long cell fits on its slide
    config.SlidesExporter.reveal_height = "960"
    return (HTMLExporter(config=config, template_name="lecture"),
            SlidesExporter(config=config, template_name="lecture_slides"))


def copy_reveal(out):
    """reveal.js (the files the slides load) from the package sphinx-revealjs into ``out/reveal.js``."""
    source = package_dir("sphinx_revealjs") / "_static" / "revealjs"
    for part in ("dist", "plugin/notes"):
        shutil.copytree(source / part, out / "reveal.js" / part, dirs_exist_ok=True)


def build(names=None, out=BUILD, log=print, language="en"):
    """Execute the lectures ``names`` (default: every week) and write their slides and HTML pages into ``out`` (in
    another language than English: into ``out/LANGUAGE``). Returns the paths written."""
    names = names or weeks()
    unknown = [name for name in names if name not in weeks()]
    if unknown:
        raise FileNotFoundError(f"no lecture {', '.join(unknown)} in {LECTURES} (lectures: {', '.join(weeks())})")
    out = Path(out) if language == "en" else Path(out) / language
    out.mkdir(parents=True, exist_ok=True)
    copy_reveal(out)
    html, slides = exporters()
    written = []
    for name in names:
        nb = mark_slides(execute(LECTURES / f"{name}.ipynb", language=language))
        for exporter, suffix in ((slides, ".slides.html"), (html, ".html")):
            body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": name, "path": str(LECTURES)}})
            target = out / f"{name}{suffix}"
            target.write_text(body, encoding="utf-8")
            written.append(target)
            log(f"wrote {target}")
    return written
