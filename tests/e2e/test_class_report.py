"""The class report (``autograder report WEEK``), opened from disk in Chromium with the network cut.

The w01 course is tests/test_report.py's: a small class graded by the real ``nbgrader autograde`` (built once
per test process; this test shares its xdist group). The page shows its title, the pass rate of an item, the
mistakes ranked, and the histogram rendered (an inline PNG the browser decoded). Every http(s) request is aborted
and recorded; the page makes none. The screenshot goes to tests/e2e/artifacts/report-1-class.png.
A class of w02 with the demo's mistakes of ``lstm_gates`` gets the same (report-2-w02.png).
"""
import os
import re

import pytest

import e2e_lab as lab
from autograder import course, report
from autograder.notebooks import ROOT
from autograder.samples import load_sample
from test_report import MISSING_BIAS, SIGMOID, WEEK, graded_class

# its own xdist group, with tests/test_report.py: it needs none of the browser session's fixtures
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("class-report")]


@pytest.fixture(scope="module")
def report_page(tmp_path_factory):
    """The class report of the graded course, written without names."""
    root = graded_class(tmp_path_factory)
    return report.write_report(WEEK, root=root, out=tmp_path_factory.mktemp("class-report-page"))


@pytest.fixture(scope="module")
def offline(playwright, tmp_path_factory):
    """Chromium with every http(s) request aborted; the URLs of all requests the page made."""
    if not os.path.exists(lab.CHROMIUM):
        pytest.skip(f"{lab.CHROMIUM} is missing: `make chromium` installs it (as root, with apt)")
    context = lab.launch_chromium(playwright, tmp_path_factory.mktemp("chromium-report"))
    context.route(re.compile(r"^https?://"), lambda route: route.abort())
    requests = []
    context.on("request", lambda request: requests.append(request.url))
    yield context, requests
    context.close()


def test_class_report_shows_histogram_pass_rates_and_ranked_mistakes_offline(report_page, offline):
    context, requests = offline
    page = context.new_page()
    try:
        page.goto(report_page.as_uri())
        assert page.title() == f"Class report: {WEEK}"
        assert page.locator("h1").inner_text() == f"Class report: {WEEK}"

        histogram = page.locator("img#histogram")
        histogram.wait_for()
        assert histogram.evaluate("img => img.complete && img.naturalWidth") > 0, "the histogram did not render"
        assert histogram.is_visible() and histogram.bounding_box()["height"] > 100

        rnn_cell = page.locator("#items tr", has=page.locator("td", has_text=re.compile(r"^rnn_cell$")))
        assert [cell.strip() for cell in rnn_cell.locator("td").all_inner_texts()][:4] == ["rnn_cell", "2", "3 of 8",
                                                                                           "38 %"]

        ranked = page.locator("#item-rnn_cell table.named tr").all_inner_texts()[1:]  # below the header
        assert len(ranked) == 2
        rank, mistake, students, *_ = ranked[0].split("\t")
        assert (rank, students) == ("1", "2") and SIGMOID.expect["rnn_cell"] in mistake
        rank, mistake, students, *_ = ranked[1].split("\t")
        assert (rank, students) == ("2", "1") and MISSING_BIAS.expect["rnn_cell"] in mistake
        assert "Failed check, no hint" in page.locator("#item-rnn_cell").inner_text()

        lab.screenshot(page, "report-1-class", histogram)
    finally:
        page.close()
    assert [url for url in requests if not url.startswith("data:")] == [report_page.as_uri()]


W02 = "w02_lstm"
W02_MISTAKES = {name: load_sample(ROOT / "autograder" / "samples" / W02 / f"{name}.py")
                for name in ("sigmoid_candidate", "wrong_gate_order", "missing_bias_hh")}


@pytest.fixture(scope="module")
def w02_report_page(tmp_path_factory):
    """A class of w02: the reference, the blank release, sigmoid_candidate three times, wrong_gate_order twice and
    missing_bias_hh once, each a single bug of lstm_gates (the demo's mistakes)."""
    root = course.new_course(tmp_path_factory.mktemp("class-report-w02"), [W02])
    sigmoid, order, bias = (W02_MISTAKES[name].definitions for name in W02_MISTAKES)
    students = {"ref": {}, "blank": None, "s1": sigmoid, "s2": sigmoid, "s3": sigmoid, "o1": order, "o2": order,
                "b1": bias}
    for student, definitions in students.items():
        course.write_submission(course.make_submission(W02, definitions, root=root), student, W02, root=root)
    course.nbgrader("autograde", W02, "--force", root=root)
    return report.write_report(W02, root=root, out=tmp_path_factory.mktemp("class-report-w02-page"))


def test_w02_class_report_ranks_the_lstm_gates_mistakes(w02_report_page, offline):
    context, requests = offline
    requests.clear()  # the browser context is the module's: forget the w01 page's requests
    page = context.new_page()
    try:
        page.goto(w02_report_page.as_uri())
        assert page.locator("h1").inner_text() == f"Class report: {W02}"
        histogram = page.locator("img#histogram")
        histogram.wait_for()
        assert histogram.evaluate("img => img.complete && img.naturalWidth") > 0, "the histogram did not render"

        gates = page.locator("#items tr", has=page.locator("td", has_text=re.compile(r"^lstm_gates$")))
        assert [cell.strip() for cell in gates.locator("td").all_inner_texts()][2:4] == ["1 of 8", "12 %"]
        # error carried forward: the items built on lstm_gates are lost by the blank release alone
        cell = page.locator("#items tr", has=page.locator("td", has_text=re.compile(r"^lstm_cell$")))
        assert [c.strip() for c in cell.locator("td").all_inner_texts()][2] == "7 of 8"

        ranked = [row.split("\t") for row in page.locator("#item-lstm_gates table.named tr").all_inner_texts()[1:]]
        assert [(rank, students) for rank, _, students, *_ in ranked] == [("1", "3"), ("2", "2"), ("3", "1")]
        for (_, mistake, *_), name in zip(ranked, W02_MISTAKES):
            assert W02_MISTAKES[name].expect["lstm_gates"] in mistake
        lab.screenshot(page, "report-2-w02", page.locator("#item-lstm_gates"))
    finally:
        page.close()
    assert [url for url in requests if not url.startswith("data:")] == [w02_report_page.as_uri()]
