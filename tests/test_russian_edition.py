"""The Russian edition graded: feedback in Russian (no English sentence left), and the same grades as in English."""
import json
import re

import nbformat
import pytest

from autograder import course, messages, report
from autograder.notebooks import weeks
from autograder.samples import samples
from test_checks_of_checks import grade_locally, week_book

CYRILLIC = re.compile(r"[А-Яа-яЁё]")
# words that make a run of Latin words an English sentence rather than a name, a formula or code
ENGLISH_WORDS = {"the", "a", "an", "of", "to", "is", "are", "in", "your", "you", "with", "not", "should", "was",
                 "be", "and", "or", "for", "it", "this", "that", "has", "have", "on", "as", "by", "from", "its",
                 "does", "must", "instead", "expected", "received", "returned", "got", "when", "but", "than"}


@pytest.fixture
def russian():
    with messages.speaking("ru"):
        yield


def english_sentences(text):
    """Runs of 3 or more Latin words with an English function word among them, in the grader's own words: code
    (backticks, quoted values, counterexamples, tracebacks) and what student code raised are not the grader's."""
    found, in_example = [], False
    examples = tuple(messages._(e) for e in report.EXAMPLES)
    raised = messages.pattern(report.RAISED)
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith(examples):
            in_example = True
            continue
        if in_example and (line.startswith("    ") or not stripped):
            continue
        in_example = False
        if stripped.startswith(("Traceback", "File ")) or re.match(r"^\s*(\w+Error|\w+Exception)\b", stripped):
            continue
        match = raised.match(stripped)
        if match:
            stripped = stripped[: match.start("message")]
        stripped = re.split(r"\b\w+(?:Error|Exception|Warning): ", stripped)[0]  # what student code raised
        stripped = re.sub(r"`[^`]*`|'[^']*'|\"[^\"]*\"|<[^>]*>", " ", stripped)
        while re.search(r"\w\([^()]*\)", stripped):  # calls and signatures, innermost first: code
            stripped = re.sub(r"\w\([^()]*\)", " ", stripped)
        for run in re.findall(r"(?:\b[A-Za-z]+\b[ ,;:]+){2,}\b[A-Za-z]+\b", stripped):
            words = re.findall(r"[A-Za-z]+", run)
            if any(w.lower() in ENGLISH_WORDS for w in words):
                found.append(run)
    return found


def test_the_detector_finds_english_and_allows_code():
    assert english_sentences("rnn_cell: the output has the wrong shape.")
    assert english_sentences("  подсказка: use tanh, not sigmoid")
    assert not english_sentences("rnn_cell: неверная форма результата: ожидалась (2, 3), получена (3, 2)")
    assert not english_sentences("  подсказка: веса хранятся как (out_features, in_features): x @ weight.T")
    assert not english_sentences("f(x) выбрасывает ValueError: not enough values to unpack (expected 4, got 2)")
    assert not english_sentences("Conv1d(in, out, k, stride=) загружает state dict слоя nn.Conv1d")


# the wrong samples: a correct one has no verdict to read (tests/test_checks_of_checks.py grades them all)
WRONG_SAMPLES = [pytest.param(week, s, id=f"{week}-{s.name}") for week in weeks() for s in samples(week) if s.expect]


@pytest.mark.usefixtures("one_torch_thread")
@pytest.mark.parametrize("week, sample", WRONG_SAMPLES)
def test_russian_grades_and_feedback(week, sample, russian):
    """Every wrong sample graded in Russian: the items it loses in English (tests/test_checks_of_checks, which also
    shows that the others pass) fail here too, each with its verdict in Russian and no English sentence of the
    grader's."""
    results = grade_locally(week, sample.definitions, items=set(sample.expect), replay=week_book(week))
    failed = {item for item, result in results.items() if not result.passed}
    assert failed == set(sample.expect), {item: results[item].feedback for item in results}
    for item in failed:
        text = results[item].feedback
        assert CYRILLIC.search(text) and english_sentences(text) == [], (item, text)


def russian_course_wrong_samples(week):
    return [s for s in samples(week) if not s.correct][:3]


def student_name(sample):
    return sample.name.replace("_", "-")


@pytest.fixture(scope="session")  # one xdist worker builds it once (the tests' group)
def russian_course(tmp_path_factory):
    """A Russian course of w01: released, and a few of the demo's students (the reference, the blank release, a correct
    sample and three wrong ones) autograded by nbgrader, with feedback."""
    week = "w01_rnn"
    root = tmp_path_factory.mktemp("russian")
    course.new_course(root, [week], extra_config='c.Course.language = "ru"\n')
    right = next(s for s in samples(week) if s.correct)
    students = {"reference": {}, "blank": None,
                **{student_name(s): s.definitions for s in [right, *russian_course_wrong_samples(week)]}}
    for student, definitions in students.items():
        course.write_submission(course.make_submission(week, definitions, root=root), student, week, root=root)
    course.nbgrader("autograde", week, "--force", root=root)
    course.nbgrader("generate_feedback", week, "--force", root=root)
    return week, root, students


@pytest.mark.slow
@pytest.mark.xdist_group("russian")
def test_russian_release_reads_in_russian(russian_course):
    week, root, _ = russian_course
    nb = nbformat.read(course.release_path(week, root), as_version=4)
    prose = [c for c in nb.cells if c.cell_type == "markdown"]
    assert prose and all(CYRILLIC.search(c.source) for c in prose)
    stubs = [c.source for c in nb.cells if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")]
    assert stubs and all("Замените эту строку своим решением" in s for s in stubs)


@pytest.mark.slow
@pytest.mark.xdist_group("russian")
def test_russian_grades_equal_english_grades(russian_course):
    """Each student's items pass or fail in the Russian course as they do graded in English (in process)."""
    week, root, students = russian_course
    table = course.grade_table([week], root=root)
    for student, definitions in students.items():
        there = {item: score == top for item, (score, top) in table[(student, week)]["items"].items()}
        if definitions is None:
            assert not any(there.values()), student
            continue
        here = {item: result.passed for item, result in grade_locally(week, definitions).items()}
        assert there == here, (student, there, here)


@pytest.mark.slow
@pytest.mark.xdist_group("russian")
def test_russian_feedback_and_report(russian_course):
    """The feedback pages speak Russian, and the class report reads them (it finds the hints it ranks) and speaks
    Russian too."""
    week, root, students = russian_course
    wrong = student_name(russian_course_wrong_samples(week)[0])
    html = (root / "feedback" / wrong / week / f"{week}.html").read_text()
    assert "Скрытые проверки" in html
    with messages.speaking("ru"):  # the report reads a course's feedback in the course's language
        verdicts, _ = report.read_feedback(root / "autograded" / wrong / week / f"{week}.ipynb")
    assert verdicts and all(CYRILLIC.search(v) for v in verdicts.values())
    index = report.write_report(week, root=root)
    assert messages.language() == "en", "the report speaks the course's language only while it writes"
    with messages.speaking("ru"):
        mistakes = json.dumps([row for row in report.summarize(
            week, report.collect(week, root), None).mistakes if row["kind"] == "named mistake"], ensure_ascii=False)
    assert CYRILLIC.search(mistakes), mistakes
    page = index.read_text()
    assert "Отчёт по группе" in page and "Распределение баллов" in page and 'lang="ru"' in page
    # the demo's course file says English, its run says Russian: the report follows the run
    english = report.write_report(week, root=root, out=root / "reports-en", language="en").read_text()
    assert "Class report" in english and "Отчёт по группе" not in english
