"""Lecture slides and feedback HTML, opened from disk in Chromium with the network cut: plots and rendered math.

One lecture is built as ``make lectures`` builds all seven (``autograder.lectures.build``). Its slide deck starts
(reveal.js from the copy beside it), shows a plot, and MathJax has typeset its formulas: an ``mjx-container`` on the
slide, no ``$...$`` or ``\\(`` left in any markdown cell. The lecture's HTML page too. The feedback HTML of an
autograded submission (the real ``nbgrader autograde`` and ``generate_feedback`` in a course of one week), copied
alone into a folder as a student gets it, renders its formulas the same way. Every http(s) request is aborted and
recorded; the pages make none. Screenshots go to tests/e2e/artifacts/lecture-*.png.
"""
import os
import re
import shutil

import pytest

import e2e_lab as lab
from autograder import course, lectures

# its own xdist group: it needs none of the browser session's fixtures (student environment, course, JupyterLabs)
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("lecture-slides")]

WEEK = "w01_rnn"
# TeX that MathJax would have replaced: $...$ (not a lone dollar sign), \( or \[
RAW_TEX = re.compile(r"\$[^$\s][^$]*\$|\\\(|\\\[")
# the text of every markdown cell (nbconvert's lab template for the lectures, classic for the feedback)
MARKDOWN_TEXT_JS = "sel => [...document.querySelectorAll(sel)].map(el => el.textContent)"
# show the slide (and the fragment) that holds an element
SHOW_SLIDE_JS = """el => {
  const at = Reveal.getIndices(el.closest('section'));
  const fragment = el.closest('.fragment');
  Reveal.slide(at.h, at.v, fragment ? Number(fragment.dataset.fragmentIndex) : undefined);
}"""


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("lectures")
    lectures.build([WEEK], out=out)
    return out


@pytest.fixture(scope="module")
def feedback_html(tmp_path_factory):
    """The feedback of the reference submission, copied alone into a student's folder."""
    root = course.new_course(tmp_path_factory.mktemp("course"), [WEEK])
    course.write_submission(course.make_submission(WEEK, {}, root=root), "reference", WEEK, root=root)
    course.nbgrader("autograde", WEEK, "--force", root=root)
    course.nbgrader("generate_feedback", WEEK, "--force", root=root)
    html = tmp_path_factory.mktemp("student") / f"{WEEK}.html"
    shutil.copyfile(root / "feedback" / "reference" / WEEK / f"{WEEK}.html", html)
    return html


@pytest.fixture(scope="module")
def offline(playwright, tmp_path_factory):
    """Chromium with every http(s) request aborted; the URLs of all requests the pages made."""
    if not os.path.exists(lab.CHROMIUM):
        pytest.skip(f"{lab.CHROMIUM} is missing: `make chromium` installs it (as root, with apt)")
    context = lab.launch_chromium(playwright, tmp_path_factory.mktemp("chromium-offline"))
    context.route(re.compile(r"^https?://"), lambda route: route.abort())
    requests = []
    context.on("request", lambda request: requests.append(request.url))
    yield context, requests
    context.close()


def open_page(context, path):
    """Open the file at ``path`` and wait until MathJax has typeset the page."""
    page = context.new_page()
    page.goto(path.as_uri())
    page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
    page.evaluate("() => MathJax.startup.promise")
    return page


def raw_tex(page, selector):
    """The TeX left as text in the markdown cells ``selector`` finds."""
    texts = page.evaluate(MARKDOWN_TEXT_JS, selector)
    assert texts, f"no markdown cell ({selector}) on the page"
    return [m.group() for text in texts for m in RAW_TEX.finditer(text)]


def screenshot_of(page, name, locator):
    locator.evaluate("el => el.scrollIntoView({block: 'center'})")
    lab.screenshot(page, name)


def fetched(requests, folder):
    """The requests for anything but the files in ``folder`` and data: URLs."""
    return [url for url in requests if not url.startswith((folder.as_uri() + "/", "data:"))]


def test_slides_show_a_plot_and_rendered_math_offline(built, offline):
    context, requests = offline
    page = open_page(context, built / f"{WEEK}.slides.html")
    try:
        page.wait_for_function("() => window.Reveal && Reveal.isReady()")
        assert page.locator(".reveal .slides > section").count() >= 8, "a slide per # or ## heading"

        plot = page.locator(".reveal .slides img[src^='data:image/png']").first
        plot.evaluate(SHOW_SLIDE_JS)
        page.wait_for_timeout(1000)  # the slide transition
        assert plot.is_visible()
        lab.screenshot(page, "lecture-1-slide-with-plot")

        formula = page.locator(".reveal .slides mjx-container").first
        formula.evaluate(SHOW_SLIDE_JS)
        page.wait_for_timeout(1000)
        assert formula.is_visible() and formula.locator("svg").count() == 1
        lab.screenshot(page, "lecture-2-slide-with-formula")

        assert not raw_tex(page, ".jp-RenderedMarkdown"), "TeX left untypeset"
    finally:
        page.close()
    assert not fetched(requests, built), "the slides load files from elsewhere"


def test_lecture_page_shows_plots_and_rendered_math_offline(built, offline):
    context, requests = offline
    requests.clear()
    page = open_page(context, built / f"{WEEK}.html")
    try:
        assert page.locator("img[src^='data:image/png']").count() >= 3
        formula = page.locator(".jp-RenderedMarkdown mjx-container[display='true']").first
        assert formula.is_visible()
        screenshot_of(page, "lecture-3-html-page", formula)
        assert not raw_tex(page, ".jp-RenderedMarkdown"), "TeX left untypeset"
    finally:
        page.close()
    assert not fetched(requests, built), "the page loads files from elsewhere"


def test_feedback_renders_math_offline_from_the_html_file_alone(feedback_html, offline):
    context, requests = offline
    requests.clear()
    page = open_page(context, feedback_html)
    try:
        formula = page.locator(".text_cell_render mjx-container[display='true']").first
        assert formula.is_visible() and formula.locator("svg").count() == 1
        screenshot_of(page, "lecture-4-feedback-formula", formula)
        assert not raw_tex(page, ".text_cell_render"), "TeX left untypeset"
    finally:
        page.close()
    assert fetched(requests, feedback_html.parent) == []
    assert [url for url in requests if not url.startswith("data:")] == [feedback_html.as_uri()]
