"""``autograder report WEEK``: a page for the instructor about what the class got wrong.

    collect(week, root)  -> [Submission]   scores from the gradebook, feedback from the autograded notebooks
    summarize(subs, ...) -> Summary        items, checks and mistakes, counted over students
    write_report(week, root, out=None, names=False) -> path of index.html

The page (``reports/WEEK/index.html`` under the course root) opens from disk: the histogram is an inline PNG,
the style is inline, nothing is fetched. Beside it, the same numbers as CSV files:

    items.csv     item, points, students, passed, pass_rate, mean_points, unanswered, broken
    checks.csv    item, check, students, passed, failed, not_run, pass_rate
    mistakes.csv  item, kind, mistake, check, students, share, example
    scores.csv    points, students (the histogram's numbers)
    students.csv  student, total, max_total, one column per item, diagnosed   (only with names=True)

Students are counted, not named, unless ``names=True``.

Where the data comes from: pass or fail of an item is the gradebook's (score == max score: the grade that
counts, manual overrides included). What went wrong is read from the verdict ``ReportCheckResults`` writes into
each graded test cell of ``autograded/STUDENT/WEEK/WEEK.ipynb``: ``ItemResult.feedback``, i.e.

    ITEM: k of n hidden checks passed
      [PASS] title of a check
      [FAIL] title of a check
             the failure message ...
               hint: a named mistake
      [----] title of a check not run
      note: ...

Each failed check is put in one of these kinds (``diagnose``):

    named mistake   a ``hint:`` line in its message
    built-in        "ITEM uses torch.X, a built-in this exercise asks you to write yourself"
    unanswered      the release's ``raise NotImplementedError`` is still there
    broken          the answer cell failed to run, the grader stopped the code, the item was not graded,
                    or the notebook could not be read
    no hint         none of these: the failures the next hint could explain (grouped by check)
"""
import base64
import csv
import io
import re
import textwrap
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import nbformat

# What the report recognises in the feedback, in the course's language: the messages of the modules that write it
from .checks.helpers import HINT, USES_BUILT_IN
from .exporter import NOTE  # the note on top of a submission that could not be read
from .messages import _, language, pattern
from .preprocessors import CELL_FAILED, NOT_GRADED, VERDICT
from .runner import EXAMPLE, EXAMPLE_CALLS, RAISED, STOPPED, WORTH
from .notebooks import is_test_cell, nbgrader_meta

EXAMPLES = (EXAMPLE, EXAMPLE_CALLS)  # where a failure message's counterexample starts
POINTS_SUFFIX = re.compile(r"\s+\([^()]*\bpoints?\)$")  # "(1 of 2 points)": how earlier feedback wrote them
CHECK_LINE = re.compile(r"^  \[(PASS|FAIL|----)\] (.*)$")
OUTCOMES = {"PASS": "passed", "FAIL": "failed", "----": "not run"}
KINDS = ("named mistake", "built-in", "unanswered", "broken", "no hint")
EXAMPLE_LINES, EXAMPLE_CHARS = 4, 400


class NoSubmissions(LookupError):
    """The gradebook holds no graded submission of the week: there is nothing to report."""


@dataclass
class Check:
    title: str  # the check's one-line title, as the feedback shows it
    outcome: str  # "passed", "failed" or "not run"
    message: str = ""  # the failure message, without its indentation


@dataclass
class ItemFeedback:
    """One student's graded item: the gradebook's points and the feedback's checks."""
    item: str
    score: float
    max_score: float
    checks: list = field(default_factory=list)  # [Check]
    broken: str = ""  # why the item was not graded as usual ("" if it was)

    @property
    def passed(self):
        return self.max_score > 0 and self.score >= self.max_score


@dataclass
class Submission:
    student: str
    score: float
    max_score: float
    items: dict  # item -> ItemFeedback
    broken: str = ""  # why the whole notebook was not graded as usual ("" if it was)


@dataclass
class Diagnosis:
    kind: str  # one of KINDS
    label: str  # the mistake: the hint, the built-ins called, the reason; for "no hint", the check that failed
    check: str  # the title of the failed check
    example: str = ""  # the start of the failure message


@dataclass
class Summary:
    week: str
    students: int
    max_total: float
    totals: list  # [float], one per student, sorted
    items: list  # [dict]: the rows of items.csv
    checks: list  # [dict]: the rows of checks.csv
    mistakes: list  # [dict]: the rows of mistakes.csv, ranked within each item and kind
    per_student: list  # [dict]: the rows of students.csv


# -- collect ---------------------------------------------------------------------------------------------------

def collect(week, root, db_url=None):
    """[Submission] of ``week``: every submission in the gradebook, with the feedback of its autograded notebook."""
    from nbgrader.coursedir import CourseDirectory

    from .batch import course_db_url, load_course_config
    from .course import grade_table
    root = Path(root).resolve()
    db_url = course_db_url(root, db_url)
    coursedir = CourseDirectory(config=load_course_config(root))
    submissions = []
    for (student, _), row in sorted(grade_table([week], db_url=db_url).items()):
        path = Path(coursedir.format_path(coursedir.autograded_directory, student, week)) / f"{week}.ipynb"
        feedback, broken = read_feedback(path)
        items = {}
        for item, (score, max_score) in row["items"].items():
            text = feedback.get(item)
            checks, item_broken = parse_feedback(item, text) if text is not None else ([], "")
            items[item] = ItemFeedback(item, score or 0.0, max_score or 0.0, checks, item_broken)
        score, max_score = row["total"]
        submissions.append(Submission(student, score or 0.0, max_score or 0.0, items, broken))
    return submissions


def read_feedback(path):
    """({item: the hidden checks' verdict text}, why the notebook was not graded as usual) from a graded notebook.

    The verdict is the last output of a test cell that starts with VERDICT: ReportCheckResults appends it after
    the kernel's outputs, so text a student printed there comes before it."""
    path = Path(path)
    if not path.exists():
        return {}, "no graded notebook (not autograded)"
    nb = nbformat.read(path, as_version=4)
    broken = ""
    unreadable = pattern(NOTE, reason=".*") if nb.cells and nb.cells[0].cell_type == "markdown" else None
    found = unreadable and unreadable.match(nb.cells[0].source.strip())
    if found:
        broken = f"the notebook could not be read ({found['reason'].rstrip('.')})"
    feedback = {}
    for cell in nb.cells:
        if not is_test_cell(cell):
            continue
        item = str(nbgrader_meta(cell).get("grade_id", "")).removeprefix("test_")
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error" and output.get("ename") == "HiddenChecksFailed":
                feedback[item] = "\n".join(output.get("traceback", [])[1:])
            elif output.get("output_type") == "stream" and output.get("text", "").startswith(_(VERDICT)):
                feedback[item] = output["text"].removeprefix(_(VERDICT)).lstrip()
    return feedback, broken


def parse_feedback(item, text):
    """([Check], why the item was not graded as usual) from one item's verdict text (see the module's docstring)."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith(f"{item}: ")), len(lines))
    before = [line for line in lines[:start] if line.strip()]
    broken = ""
    if before:
        failed = pattern(CELL_FAILED, error=r"\w+").match(before[0])
        broken = (f"the answer cell failed to run ({failed['error']})" if failed
                  else before[0].rstrip(".") if pattern(NOT_GRADED).match(before[0])
                  or before[0].startswith("Refusing") else "")
    worth = pattern(WORTH, at_end=True, points=r"[^()]*")  # a check's points after its title, under partial credit
    checks, in_message = [], False
    for line in lines[start + 1:]:
        marked = CHECK_LINE.match(line)
        if marked:
            checks.append(Check(POINTS_SUFFIX.sub("", worth.sub("", marked[2].strip())), OUTCOMES[marked[1]]))
            in_message = marked[1] == "FAIL"
        elif re.match(r"^  \S", line):  # a note, or the legend of "----": the message has ended
            in_message = False
        elif in_message:  # the failure message, indented under its check
            checks[-1].message += line + "\n"
    for check in checks:
        check.message = textwrap.dedent(check.message).strip()
    return checks, broken


def diagnose(feedback):
    """[Diagnosis] of one student's failed item: one per failed check (a broken item: one, for the item)."""
    if feedback.broken:
        failed = next((c for c in feedback.checks if c.outcome == "failed"), Check("", "failed"))
        return [Diagnosis("broken", feedback.broken, failed.title, _example(failed.message))]
    found = []
    for check in (c for c in feedback.checks if c.outcome == "failed"):
        message = check.message
        hints = [found["hint"].strip() for found in map(pattern(HINT, hint=".*").match,
                                                        (line.strip() for line in message.splitlines())) if found]
        forbidden = pattern(USES_BUILT_IN, item=r"\S+").match(message)
        if pattern(RAISED, error="NotImplementedError").match(message):
            found.append(Diagnosis("unanswered", _("left unanswered (raise NotImplementedError)"), check.title))
        elif forbidden:
            found.append(Diagnosis("built-in", _("calls {used}").format(used=forbidden["used"]), check.title, _example(message)))
        elif hints:
            found += [Diagnosis("named mistake", hint, check.title, _example(message)) for hint in dict.fromkeys(hints)]
        elif pattern(STOPPED).match(message):
            found.append(Diagnosis("broken", message.splitlines()[0].rstrip("."), check.title, _example(message)))
        else:
            found.append(Diagnosis("no hint", _("failed “{check}” (no hint)").format(check=check.title), check.title, _example(message)))
    return found


def _example(message):
    """The start of a failure message: what was checked, expected and received (not the counterexample)."""
    lines, examples = [], tuple(_(e) for e in EXAMPLES)
    for line in message.splitlines():
        if line.startswith(examples) or len(lines) == EXAMPLE_LINES:
            break
        lines.append(line)
    text = "\n".join(lines)
    return text if len(text) <= EXAMPLE_CHARS else text[:EXAMPLE_CHARS] + " ..."


# -- aggregate -------------------------------------------------------------------------------------------------

def summarize(week, submissions, items=None):
    """The class's numbers (a Summary). items: the week's items in order; the gradebook's come after, if others."""
    graded_items = dict.fromkeys(i for s in submissions for i in s.items)
    items = [i for i in items or () if i in graded_items] + [i for i in graded_items if i not in (items or ())]
    who = defaultdict(set)  # (item, kind, label, check) -> the students it was diagnosed for
    examples = {}
    per_student = []
    for sub in submissions:
        diagnosed = [("(notebook)", Diagnosis("broken", sub.broken, ""))] if sub.broken else []
        diagnosed += [(item, d) for item, feedback in sub.items.items() if not feedback.passed
                      for d in diagnose(feedback)]
        for item, d in diagnosed:
            who[(item, d.kind, d.label, d.check)].add(sub.student)
            examples.setdefault((item, d.kind, d.label, d.check), d.example)
        per_student.append({"student": sub.student, "total": sub.score, "max_total": sub.max_score,
                            **{item: sub.items[item].score if item in sub.items else "" for item in items},
                            "diagnosed": "; ".join(dict.fromkeys(f"{item}: {d.label}" for item, d in diagnosed))})

    def students_with(item, kind):
        return len(set().union(*(s for (i, k, *_), s in who.items() if (i, k) == (item, kind))))

    item_rows, check_rows = [], []
    for item in items:
        graded = [s.items[item] for s in submissions if item in s.items]
        passed = sum(f.passed for f in graded)
        item_rows.append({"item": item, "points": max((f.max_score for f in graded), default=0),
                          "students": len(graded), "passed": passed, "pass_rate": _rate(passed, len(graded)),
                          "mean_points": round(sum(f.score for f in graded) / len(graded), 2) if graded else 0,
                          "unanswered": students_with(item, "unanswered"), "broken": students_with(item, "broken")})
        outcomes = defaultdict(lambda: {"passed": 0, "failed": 0, "not run": 0})  # check title -> counts
        for feedback in graded:
            for check in feedback.checks:
                outcomes[check.title][check.outcome] += 1
        for title, counts in outcomes.items():
            ran = sum(counts.values())
            check_rows.append({"item": item, "check": title, "students": ran, "passed": counts["passed"],
                               "failed": counts["failed"], "not_run": counts["not run"],
                               "pass_rate": _rate(counts["passed"], ran)})
    order = {item: i for i, item in enumerate(["(notebook)", *items])}
    mistakes = [{"item": item, "kind": kind, "mistake": label, "check": check, "students": len(students),
                 "share": _rate(len(students), len(submissions)), "example": examples[(item, kind, label, check)]}
                for (item, kind, label, check), students in who.items()]
    mistakes.sort(key=lambda m: (order.get(m["item"], len(order)), KINDS.index(m["kind"]), -m["students"],
                                 m["mistake"]))
    return Summary(week, len(submissions), max((s.max_score for s in submissions), default=0),
                   sorted(s.score for s in submissions), item_rows, check_rows, mistakes, per_student)


def _rate(part, whole):
    return round(part / whole, 4) if whole else 0.0


# -- render ----------------------------------------------------------------------------------------------------

def histogram_png(totals, max_total):
    """A PNG (bytes) of the distribution of total scores: one bar per point (20 bars if there are more)."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator
    figure = Figure(figsize=(7, 3), dpi=100, layout="constrained")
    axes = figure.add_subplot()
    top = max(max_total, max(totals, default=0), 1)
    bins = [b - 0.5 for b in range(int(top) + 2)] if top <= 40 else 20
    axes.hist(totals, bins=bins, range=None if top <= 40 else (0, top), color="#3b6ea8", edgecolor="white")
    axes.set_xlabel(_("total points (of {top:g})").format(top=top))
    axes.set_ylabel(_("students"))
    axes.set_xlim(-0.5, top + 0.5)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.spines[["top", "right"]].set_visible(False)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def score_counts(totals):
    """[(points, students)] for scores.csv, by points."""
    counts = defaultdict(int)
    for total in totals:
        counts[total] += 1
    return sorted(counts.items())


PAGE = """<!DOCTYPE html>
<html lang="{{ language }}">
<head>
<meta charset="utf-8">
<title>{{ _("Class report: {week}").format(week=s.week) }}</title>
<style>
  body { font-family: system-ui, sans-serif; max-width: 72rem; margin: 2rem auto; padding: 0 1rem; color: #222;
         line-height: 1.4; }
  h1 { margin-bottom: 0.2rem; }
  h2 { margin-top: 2.2rem; border-bottom: 1px solid #ccc; }
  h3 { margin: 1.6rem 0 0.4rem; }
  .muted { color: #666; }
  table { border-collapse: collapse; margin: 0.5rem 0 1rem; }
  th, td { text-align: left; padding: 0.25rem 0.6rem; border-bottom: 1px solid #e3e3e3; vertical-align: top; }
  th { background: #f4f4f4; }
  td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
  .bar { display: inline-block; height: 0.7rem; background: #3b6ea8; vertical-align: middle; }
  .bar.empty { background: #e3e3e3; }
  pre { margin: 0; font-size: 0.8rem; white-space: pre-wrap; max-width: 34rem; }
</style>
</head>
<body>
<h1>{{ _("Class report: {week}").format(week=s.week) }}</h1>
<p class="muted">{{ _("Graded submissions: {count}, from the gradebook and the graded notebooks; written {written}.").format(
count=s.students, written=written) }}
{{ _("Students are counted, not named (except in the last table).") if names else
   _("Students are counted, not named.") }}
</p>

<h2>{{ _("Score distribution") }}</h2>
<p>{{ _("Median {median} of {top} points; mean {mean}.").format(median=median|num, top=s.max_total|num, mean=mean|num) }}</p>
<img id="histogram" src="data:image/png;base64,{{ histogram }}"
     alt="{{ _("Histogram of the total scores of {week}").format(week=s.week) }}">

<h2>{{ _("Items") }}</h2>
<p>{{ _("An item passes when it earns all its points in the gradebook. Unanswered: the release's "
        "raise NotImplementedError is still there. Broken: the answer cell failed to run, or the grader had to "
        "stop the student's code.") }}</p>
<table id="items">
<tr><th>{{ _("Item") }}</th><th>{{ _("Points") }}</th><th>{{ _("Passed") }}</th><th>{{ _("Pass rate") }}</th>
<th>{{ _("Mean points") }}</th><th>{{ _("Unanswered") }}</th><th>{{ _("Broken") }}</th></tr>
{% for row in s.items %}
<tr><td>{{ row.item }}</td><td class="num">{{ row.points|num }}</td>
<td class="num">{{ _("{passed} of {students}").format(passed=row.passed, students=row.students) }}</td>
<td class="num">{{ row.pass_rate|pct }} {{ bar(row.pass_rate) }}</td><td class="num">{{ row.mean_points|num }}</td>
<td class="num">{{ row.unanswered }}</td><td class="num">{{ row.broken }}</td></tr>
{% endfor %}
</table>

<h2>{{ _("Checks") }}</h2>
<p>{{ _('Each hidden check, in the order it runs. "Not run": an earlier check of the item failed.') }}</p>
<table id="checks">
<tr><th>{{ _("Item") }}</th><th>{{ _("Check") }}</th><th>{{ _("Passed") }}</th><th>{{ _("Failed") }}</th>
<th>{{ _("Not run") }}</th><th>{{ _("Pass rate") }}</th></tr>
{% for row in s.checks %}
<tr><td>{{ row.item }}</td><td>{{ row.check }}</td><td class="num">{{ row.passed }}</td>
<td class="num">{{ row.failed }}</td><td class="num">{{ row.not_run }}</td>
<td class="num">{{ row.pass_rate|pct }} {{ bar(row.pass_rate) }}</td></tr>
{% endfor %}
</table>

<h2>{{ _("What went wrong, item by item") }}</h2>
<p>{{ _("Named mistakes are the ones the grader recognised (the hints in the feedback, and calls of built-ins an "
        "exercise forbids), most frequent first; a student counts once per mistake. Failures no hint explained are "
        "where a new hint would help.") }}</p>
{% for item in failing_items %}
{% set rows = by_item[item] %}
<section class="item" id="item-{{ item }}">
<h3>{{ _("(notebook)") if item == "(notebook)" else item }}</h3>
{% set named = rows|selectattr("kind", "in", ["named mistake", "built-in"])|list %}
{% if named %}
<table class="named">
<tr><th>#</th><th>{{ _("Named mistake") }}</th><th>{{ _("Students") }}</th><th>{{ _("Share") }}</th>
<th>{{ _("Check") }}</th></tr>
{% for m in named %}
<tr><td class="num">{{ loop.index }}</td><td>{{ m.mistake }}</td><td class="num">{{ m.students }}</td>
<td class="num">{{ m.share|pct }}</td><td>{{ m.check }}</td></tr>
{% endfor %}
</table>
{% endif %}
{% set unexplained = rows|selectattr("kind", "equalto", "no hint")|list %}
{% if unexplained %}
<table class="unexplained">
<tr><th>{{ _("Failed check, no hint") }}</th><th>{{ _("Students") }}</th><th>{{ _("Example message") }}</th></tr>
{% for m in unexplained %}
<tr><td>{{ m.check }}</td><td class="num">{{ m.students }}</td><td><pre>{{ m.example }}</pre></td></tr>
{% endfor %}
</table>
{% endif %}
{% for m in rows|selectattr("kind", "in", ["unanswered", "broken"]) %}
<p class="other">{{ _("{mistake} — students: {count}.").format(count=m.students, mistake=m.mistake) }}</p>
{% endfor %}
</section>
{% else %}
<p>{{ _("Every submission passed every item.") }}</p>
{% endfor %}

{% if names %}
<h2>{{ _("Students") }}</h2>
<table id="students">
<tr><th>{{ _("Student") }}</th><th>{{ _("Total") }}</th>{% for row in s.items %}<th>{{ row.item }}</th>{% endfor %}
<th>{{ _("Diagnosed") }}</th></tr>
{% for row in students %}
<tr><td>{{ row.student }}</td><td class="num">{{ row.total|num }}</td>
{% for item in s.items %}<td class="num">{{ row[item.item]|num }}</td>{% endfor %}<td>{{ row.diagnosed }}</td></tr>
{% endfor %}
</table>
{% endif %}
</body>
</html>
"""


def render_html(summary, names=False):
    """The page, as a string (jinja2, every value HTML-escaped: feedback quotes student code's messages)."""
    import statistics

    from jinja2 import Environment
    from markupsafe import Markup
    env = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
    env.filters["pct"] = lambda rate: f"{100 * rate:.0f} %"
    env.filters["num"] = lambda value: f"{value:g}" if isinstance(value, (int, float)) else value
    by_item = defaultdict(list)  # the mistakes of each item, ranked; "(notebook)": unreadable notebooks
    for mistake in summary.mistakes:
        by_item[mistake["item"]].append(mistake)
    totals = summary.totals
    return env.from_string(PAGE).render(
        s=summary, names=names, by_item=by_item, failing_items=list(by_item), _=_, language=language(),
        students=sorted(summary.per_student, key=lambda r: r["student"]),
        median=statistics.median(totals) if totals else 0, mean=round(statistics.mean(totals), 2) if totals else 0,
        histogram=base64.b64encode(histogram_png(totals, summary.max_total)).decode(),
        written=datetime.now().strftime("%Y-%m-%d %H:%M"),
        bar=lambda rate: Markup('<span class="bar" style="width:{:.1f}rem"></span><span class="bar empty" '
                                'style="width:{:.1f}rem"></span>').format(4 * rate, 4 * (1 - rate)))


def write_csv(path, rows, columns):
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def write_report(week, root=".", out=None, names=False, db_url=None, language=None):
    """Write the class report of ``week`` into ``out`` (default ROOT/reports/WEEK); returns index.html's path.

    language: the language the feedback was written in (default: the course's ``c.Course.language``)."""
    from . import messages
    from .batch import load_course_config
    from .localize import Course
    root = Path(root).resolve()
    out = Path(out) if out else root / "reports" / week
    with messages.speaking(language or Course(config=load_course_config(root)).language):
        return _write_report(week, root, out, names, db_url)


def _write_report(week, root, out, names, db_url):
    from .runner import week_items
    submissions = collect(week, root, db_url)
    if not submissions:
        raise NoSubmissions(f"the gradebook has no graded submission of {week} (run nbgrader autograde {week} first)")
    try:
        items = week_items(week)
    except ImportError:  # a week without hidden checks here: the gradebook's items, as they come
        items = []
    summary = summarize(week, submissions, items)
    out.mkdir(parents=True, exist_ok=True)
    write_csv(out / "items.csv", summary.items,
              ["item", "points", "students", "passed", "pass_rate", "mean_points", "unanswered", "broken"])
    write_csv(out / "checks.csv", summary.checks,
              ["item", "check", "students", "passed", "failed", "not_run", "pass_rate"])
    write_csv(out / "mistakes.csv", summary.mistakes,
              ["item", "kind", "mistake", "check", "students", "share", "example"])
    write_csv(out / "scores.csv", [{"points": p, "students": n} for p, n in score_counts(summary.totals)],
              ["points", "students"])
    students_csv = out / "students.csv"
    if names:
        write_csv(students_csv, summary.per_student,
                  ["student", "total", "max_total", *(r["item"] for r in summary.items), "diagnosed"])
    elif students_csv.exists():
        students_csv.unlink()  # a report without names leaves none from an earlier run
    index = out / "index.html"
    index.write_text(render_html(summary, names=names), encoding="utf-8")
    return index
