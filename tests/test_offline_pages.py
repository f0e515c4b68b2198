"""The pages the course writes load nothing from the network: the lecture slides and HTML (autograder/lectures.py)
and nbgrader's feedback HTML (nbgrader_config.py). Fast: the notebooks here are made in the test, not executed.
tests/e2e/test_lecture_slides.py opens real ones in Chromium with the network cut."""
import re

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from traitlets.config.loader import PyFileConfigLoader

from autograder import lectures
from autograder.notebooks import ROOT

# a script, style sheet or module import from a web address
FETCH = re.compile(r"""(<script[^>]*\ssrc|<link[^>]*\shref)=["']https?:|\bimport\b[^;\n]*["']https?:""")
MATHJAX = 'src="data:text/javascript;base64,'


def small_lecture():
    return new_notebook(cells=[
        new_markdown_cell("# Week 0: a title\n\nThe state $h_t$ and $$h_t = \\tanh(W h_{t-1})$$"),
        new_code_cell("print(1)", outputs=[new_output("stream", name="stdout", text="1\n")]),
        new_markdown_cell("Some more text."),
        new_markdown_cell("## 1. A section"),
        new_markdown_cell("Speaker notes", metadata={"slideshow": {"slide_type": "notes"}}),
    ])


def test_slide_types_come_from_the_headings_and_a_set_type_is_kept():
    nb = lectures.mark_slides(small_lecture())
    kinds = [c.metadata["slideshow"]["slide_type"] for c in nb.cells]
    assert kinds == ["slide", "subslide", "fragment", "slide", "notes"]


def test_marking_slides_leaves_the_committed_lecture_alone():
    path = lectures.LECTURES / f"{lectures.weeks()[0]}.ipynb"
    before = path.read_bytes()
    lectures.mark_slides(nbformat.read(path, as_version=4))
    assert path.read_bytes() == before


def test_lecture_pages_carry_mathjax_and_load_reveal_js_from_beside_them(tmp_path):
    html, slides = lectures.exporters()
    resources = {"metadata": {"name": "w00", "path": str(tmp_path)}}
    page, _ = html.from_notebook_node(small_lecture(), resources=dict(resources))
    deck, _ = slides.from_notebook_node(lectures.mark_slides(small_lecture()), resources=dict(resources))
    for body in (page, deck):
        assert not FETCH.search(body)
        assert body.count(MATHJAX) == 1 and "inlineMath: [['$', '$']" in body
    assert '<script src="reveal.js/dist/reveal.js">' in deck and 'href="reveal.js/dist/theme/white.css"' in deck
    assert deck.count("<section") >= 3  # two slides, one sub-slide
    lectures.copy_reveal(tmp_path)
    for name in ("dist/reveal.js", "dist/reveal.css", "dist/theme/white.css", "plugin/notes/notes.js"):
        assert (tmp_path / "reveal.js" / name).is_file(), name


def test_feedback_exporter_of_the_course_config_carries_mathjax():
    """nbgrader's GenerateFeedback, configured by nbgrader_config.py, makes its exporter as in ``start()``."""
    from nbgrader.converters import GenerateFeedback
    from nbgrader.coursedir import CourseDirectory

    config = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()
    converter = GenerateFeedback(coursedir=CourseDirectory(config=config), config=config)
    exporter = converter.exporter_class(parent=converter, config=converter.config)
    assert exporter.template_name == "feedback"
    grades = {"notebook": "w00", "score": 1, "max_score": 2, "late_penalty": 0}  # what GetGrades would put there
    body, _ = exporter.from_notebook_node(small_lecture(), resources={"nbgrader": grades})
    assert not FETCH.search(body)
    assert body.count(MATHJAX) == 1 and "Week 0: a title" in body
