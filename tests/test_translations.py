"""The catalogues of the Russian edition: complete, current, and unable to change what code computes."""
import ast
import copy
import re

import pytest

from autograder import translations
from autograder.notebooks import weeks

NOTEBOOKS = [(kind, week) for kind in translations.KINDS for week in weeks()]
CYRILLIC = re.compile(r"[А-Яа-яЁё]")


class _Blank(ast.NodeTransformer):
    """Every string constant emptied: what is left is what the code computes with."""

    def visit_Constant(self, node):
        return ast.Constant("") if isinstance(node.value, str) else node

    def visit_JoinedStr(self, node):
        self.generic_visit(node)
        return ast.JoinedStr([v for v in node.values if isinstance(v, ast.FormattedValue)])


def computes(source):
    lines = "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.split("\n"))
    return ast.dump(_Blank().visit(ast.parse(lines)))


def pseudo(text, kind):
    """A stand-in translation that changes every piece of text the way a translator may."""
    if kind == "markdown":
        return "Ж " + text
    if kind.endswith("comment"):
        return "\n".join(line.replace("#", "# Ж", 1) for line in text.split("\n")) + ("\n# ещё строка" if
                                                                                     kind == "comment" else "")
    quote = re.match(r"[a-zA-Z]*('''|\"\"\"|'|\")", text)
    head = quote.end()
    return text[:head] + "Ж " + text[head:]


@pytest.mark.parametrize("kind,week", NOTEBOOKS, ids=[f"{k}-{w}" for k, w in NOTEBOOKS])
def test_a_translation_changes_prose_only(kind, week):
    """With every entry translated, each code cell still computes exactly what the English one does, every
    markdown cell and every extracted piece of text is replaced, and no solution or hidden-test line is touched."""
    nb = translations.read_source(kind, week)
    entries = translations.notebook_entries(nb)
    assert entries
    table = {(ctx, text): pseudo(text, what) for ctx, text, what in entries}
    assert all(translations.translation_error(what, text, table[ctx, text]) is None for ctx, text, what in entries)
    translated = translations.translate_notebook(copy.deepcopy(nb), table)
    for english, russian in zip(nb.cells, translated.cells):
        if english.cell_type == "code":
            assert computes(russian.source) == computes(english.source), english.id
            hidden = re.findall(r"### BEGIN (?:SOLUTION|HIDDEN TESTS).*?### END (?:SOLUTION|HIDDEN TESTS)",
                                english.source, flags=re.S)
            assert all(region in russian.source for region in hidden), english.id
        elif english.source.strip():
            assert russian.source == "Ж " + english.source
    changed = sum(e.source != r.source for e, r in zip(nb.cells, translated.cells) if e.cell_type == "code")
    assert changed >= sum(1 for c in nb.cells if c.cell_type == "code" and translations.code_spans(c.source)) > 0


def test_data_strings_are_never_extracted():
    source = ('words = ["the cat", "on the mat"]\nlookup = {"with layer_norm": 1}\n'
              'assert lookup["with layer_norm"] == 1, "the key is kept"\nprint("a sentence to translate")\n'
              'def f(x):\n    """What f does."""\n    ### BEGIN SOLUTION\n    # a comment of the solution\n'
              '    return "a hidden sentence"\n    ### END SOLUTION\n')
    texts = [span.text for span in translations.code_spans(source)]
    assert texts == ['"the key is kept"', '"a sentence to translate"', '"""What f does."""']


@pytest.mark.parametrize("kind,english,translated,reason", [
    ("string", 'f"{what}: expected {shape}"', 'f"{what}: ожидалась форма"', "placeholders"),
    ("string", 'f"{what}: expected {shape}"', '"{what}: ожидалась форма {shape}"', "same kind"),
    ("string", '"a message"', '"сообщение', "not a string literal"),
    ("string", '"a message"', 'print("сообщение")', "same kind"),
    ("comment", "# a note", "заметка", "start with #"),
    ("inline comment", "# a note", "# заметка\n# вторая строка", "one line"),
])
def test_a_broken_translation_is_refused_with_the_reason(kind, english, translated, reason):
    assert reason in translations.translation_error(kind, english, translated)


def test_a_trailing_comment_may_not_grow_lines_but_a_block_may():
    assert translations.translation_error("comment", "# two\n# lines", "# две\n# три\n# строки") is None
    source = "x = 1  # one\n    # two\n    # lines\n"
    out = translations.translate_code(source, {"# one": "# один", "# two\n# lines": "# две\n# три\n# строки"}.get)
    assert out == "x = 1  # один\n    # две\n    # три\n    # строки\n"


def test_stale_and_missing_entries_are_reported(tmp_path, monkeypatch):
    """The check command's findings: an untranslated entry, one whose English changed since (kept, marked stale by
    update), and one whose cell is gone."""
    nb = translations.read_source("assignments", "w01_rnn")
    monkeypatch.setattr(translations, "LOCALE", tmp_path)
    monkeypatch.setattr(translations, "ROOT", tmp_path)
    monkeypatch.setattr(translations, "read_source", lambda kind, week: nb)
    path = translations.update("ru", "assignments", "w01_rnn")
    catalog = translations.read_catalogue(path)
    kinds = {(ctx, text): what for ctx, text, what in translations.notebook_entries(nb)}
    for message in catalog:
        if message.id:
            message.string = pseudo(message.id, kinds[message.context, message.id])
    translations.write_catalogue(catalog, path)
    assert translations.problems("ru", "assignments", "w01_rnn") == []
    intro = nb.cells[0]
    intro.source = intro.source.replace("In this assignment", "In this week's assignment")
    assert any("not in the catalogue" in line for line in translations.problems("ru", "assignments", "w01_rnn"))
    translations.update("ru", "assignments", "w01_rnn")
    found = translations.problems("ru", "assignments", "w01_rnn")
    assert len(found) == 1 and f"cell {intro.id}" in found[0] and "stale" in found[0]
    with pytest.raises(translations.TranslationError, match="stale"):
        translations.translator("ru", "assignments", "w01_rnn")


@pytest.mark.parametrize("kind,week", NOTEBOOKS, ids=[f"{k}-{w}" for k, w in NOTEBOOKS])
def test_russian_catalogue_is_complete_and_current(kind, week):
    """What `autograder translations` checks: every entry translated, none stale, every string still a literal
    with its placeholders; and every markdown cell with prose reads in Russian."""
    assert translations.problems("ru", kind, week) == []
    table = translations.translator("ru", kind, week)
    nb = translations.translate_notebook(translations.read_source(kind, week), table)
    latin_only = [c.id for c in nb.cells if c.cell_type == "markdown" and _prose(c.source)
                  and not CYRILLIC.search(c.source)]
    assert latin_only == []


def _prose(markdown):
    """Words outside math and code: a cell that is only a formula or code has none."""
    text = re.sub(r"```.*?```|`[^`]*`|\$\$.*?\$\$|\$[^$]*\$|<[^>]+>|\([^)]*\)", " ", markdown, flags=re.S)
    return len(re.findall(r"[A-Za-z]{3,}", text)) >= 3


FEEDBACK = [name for kind, name in translations.catalogues() if kind == "feedback"]


@pytest.mark.parametrize("name", FEEDBACK)
def test_russian_feedback_catalogue_is_complete_and_current(name):
    """Every message the grader can write has a translation that keeps its placeholders."""
    assert translations.problems("ru", "feedback", name) == []


def test_a_message_shared_by_two_modules_reads_the_same_in_both():
    """The grader looks messages up in one table merged from every module's catalogue: a message written in two
    modules (the checks' conftest and the class report that recognises it) has one translation."""
    seen, differ = {}, []
    for name in FEEDBACK:
        for message in translations.read_catalogue(translations.catalogue_path("ru", "feedback", name)):
            if message.id and message.string:
                if seen.setdefault(message.id, message.string) != message.string:
                    differ.append(message.id)
    assert differ == []


def test_messages_speak_the_chosen_language():
    from autograder import messages
    english = "{what} has the wrong shape."
    with messages.speaking("ru"):
        russian = messages._(english)
        assert CYRILLIC.search(russian) and "{what}" in russian
        assert messages.pattern(english).match(russian.format(what="rnn_cell(x, h)"))["what"] == "rnn_cell(x, h)"
    assert messages._(english) == english, "the language before the block is back after it"


def test_a_dead_worker_is_reported_in_the_course_language():
    """Why the process running student code died: English in the grader's logic (str), the course's language in
    the feedback (translated)."""
    from autograder import messages
    from autograder.sandbox.client import DIED_OF, WorkerFailure
    failure = WorkerFailure(DIED_OF["SIGSEGV"])
    assert str(failure) == "the process running your code died (a segmentation fault)"
    with messages.speaking("ru"):
        assert "ошибка сегментации" in failure.translated()
    assert failure.translated() == str(failure)
