"""The course in another language, from gettext catalogues kept beside the English source.

English is the source; a language's text lives in ``autograder/locale/LANG/``, one catalogue per notebook
(``assignments/WEEK.po``, ``lectures/WEEK.po``). A notebook's catalogue holds, under msgctxt = the cell's id:

- one entry per markdown cell: msgid is the cell's English source;
- one entry per comment (a run of whole-line comments is one entry) and per prose string of a code cell: msgid is
  the comment as written, ``#`` included, or the string literal as written, quotes and ``f`` prefix included. A
  string is prose where the notebook shows it to a reader: a docstring, an ``assert`` message, an argument of
  ``print``, of an ``expect_*`` visible-check helper, of an exception or of a plot's title and labels. A string
  that is data (a dict key, a word to hash) is never extracted, so a translation cannot change what code computes.

Solution and hidden-test regions are never extracted: students never see them. A translated notebook is the
English one with each entry's text replaced; code, names, grade ids and points are untouched, and a translated
string must keep its placeholders (``{what}``) and stay a string literal. Babel reads and writes the catalogues;
``update`` keeps a translation whose English changed as *fuzzy* (stale), which ``problems`` reports.
"""
import ast
import io
import re
import string
import tokenize
from dataclasses import dataclass
from pathlib import Path

import nbformat
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from .notebooks import ROOT, NotebookError

LOCALE = Path(__file__).resolve().parent / "locale"
LANGUAGES = ("en", "ru")
KINDS = ("assignments", "lectures")  # notebooks; "feedback" is the grader's messages (autograder.messages)

REGION_MARKERS = (("### BEGIN SOLUTION", "### END SOLUTION"), ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"))
PROSE_CALLS = {"print", "ValueError", "TypeError", "RuntimeError", "AssertionError", "ImportError", "KeyError",
               "set_title", "set_xlabel", "set_ylabel", "title", "xlabel", "ylabel", "suptitle", "text"}
PROSE_KEYWORDS = {"label", "title"}
PLACEHOLDER = re.compile(r"\{[^{}]*\}")


class TranslationError(ValueError):
    """A catalogue that cannot translate a notebook: a missing, stale or malformed entry."""


@dataclass(frozen=True)
class Span:
    """A piece of a code cell to translate: lines ``first``..``last`` (0-based), columns [start, end) in characters
    (``end`` of the last line). A comment block covers whole lines from ``start``."""
    first: int
    start: int
    last: int
    end: int
    text: str
    kind: str  # "string", "comment" (whole lines) or "inline comment" (after code)


def source_path(kind, week):
    return ROOT / kind / (f"{week}/{week}.ipynb" if kind == "assignments" else f"{week}.ipynb")


def catalogue_path(language, kind, name):
    return LOCALE / language / kind / f"{name}.po"


def catalogues():
    """Every (kind, name) that has a catalogue: the notebooks and the modules that write feedback."""
    from .messages import sources
    from .notebooks import weeks
    return [(kind, week) for kind in KINDS for week in weeks()] + [("feedback", name) for name in sources()]


# ---------------------------------------------------------------------------------------------------- extraction

def _hidden_lines(lines):
    """Line numbers inside a solution or hidden-test region (markers included)."""
    hidden, inside = set(), None
    for i, line in enumerate(lines):
        stripped = line.strip()
        if inside is None:
            for begin, end in REGION_MARKERS:
                if stripped.startswith(begin):
                    inside = end
        if inside is not None:
            hidden.add(i)
            if stripped.startswith(inside):
                inside = None
    return hidden


def _parsable(lines):
    """The cell with IPython magics and shell lines blanked, so ``ast`` and ``tokenize`` read it."""
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in lines)


def _call_name(node):
    func = node.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _prose_strings(tree):
    """The string nodes of ``tree`` that a reader of the notebook sees as prose."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Module)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                    and isinstance(body[0].value.value, str):
                found.append(body[0].value)
        elif isinstance(node, ast.Assert) and node.msg is not None:
            found.append(node.msg)
        elif isinstance(node, ast.Call):
            name = _call_name(node)
            if name in PROSE_CALLS or name.startswith("expect"):
                found += node.args
            found += [k.value for k in node.keywords if k.arg in PROSE_KEYWORDS]
    return [n for n in found if isinstance(n, ast.JoinedStr) or (isinstance(n, ast.Constant) and isinstance(n.value, str))]


def _char_col(line, byte_col):
    return len(line.encode()[:byte_col].decode(errors="ignore"))


def code_spans(source):
    """The translatable spans of a code cell's source, in order."""
    lines = source.split("\n")
    hidden = _hidden_lines(lines)
    text = _parsable(lines)
    spans = []
    try:
        tree = ast.parse(text)
    except SyntaxError:
        tree = None
    if tree is not None:
        for node in _prose_strings(tree):
            first, last = node.lineno - 1, node.end_lineno - 1
            if not re.search(r"[A-Za-z]{2,}", ast.get_source_segment(text, node)) or hidden & set(range(first, last + 1)):
                continue
            start, end = _char_col(lines[first], node.col_offset), _char_col(lines[last], node.end_col_offset)
            spans.append(Span(first, start, last, end, ast.get_source_segment(text, node), "string"))
    try:
        tokens = [t for t in tokenize.generate_tokens(io.StringIO(text).readline) if t.type == tokenize.COMMENT]
    except (tokenize.TokenError, SyntaxError):
        tokens = []
    block = []
    for token in tokens + [None]:
        if block and (token is None or not _continues(block, token, lines)):
            first, col = block[0].start[0] - 1, block[0].start[1]
            last = block[-1].start[0] - 1
            words = "\n".join(t.string for t in block)
            if re.search(r"[A-Za-z]{3,}", words) and not hidden & set(range(first, last + 1)):
                inline = lines[first][:col].strip() != ""
                spans.append(Span(first, col, last, len(lines[last]), words,
                                  "inline comment" if inline else "comment"))
            block = []
        if token is not None:
            block.append(token)
    return sorted(spans, key=lambda s: (s.first, s.start))


def _continues(block, token, lines):
    """Whether comment ``token`` continues the run of whole-line comments ``block``."""
    previous = block[-1]
    whole_line = lines[token.start[0] - 1][: token.start[1]].strip() == ""
    previous_whole = lines[previous.start[0] - 1][: previous.start[1]].strip() == ""
    return whole_line and previous_whole and token.start[0] == previous.start[0] + 1 \
        and token.start[1] == previous.start[1]


def notebook_entries(nb):
    """[(cell id, English text, kind)] of every translatable piece of ``nb``, in order; kind is "markdown" or a
    code span's kind."""
    entries = []
    for cell in nb.cells:
        if cell.cell_type == "markdown" and cell.source.strip():
            entries.append((cell.id, cell.source, "markdown"))
        elif cell.cell_type == "code":
            entries += [(cell.id, span.text, span.kind) for span in code_spans(cell.source)]
    return entries


def read_source(kind, week):
    return nbformat.read(source_path(kind, week), as_version=4)


def wanted(kind, name):
    """{(msgctxt, English): entry kind} of the text to translate: a notebook's pieces, or a module's messages."""
    if kind == "feedback":
        from .messages import english
        return {(None, message): "message" for message in english(name)}
    return {(ctx, text): what for ctx, text, what in notebook_entries(read_source(kind, name))}


def template(kind, name):
    """The catalogue of the English text, with no translations."""
    catalog = Catalog(project="rnn-course", domain=f"{kind}/{name}", fuzzy=False,
                      header_comment=f"# {kind}/{name} of rnn-course. Fill in msgstr only"
                                     + ("" if kind == "feedback" else " (msgctxt is a notebook cell's id)")
                                     + "; keep every {placeholder}.\n"
                                     "# `autograder translations` lists what is missing or stale.")
    for (ctx, text) in wanted(kind, name):
        catalog.add(text, context=ctx)
    return catalog


# ---------------------------------------------------------------------------------------------------- catalogues

def read_catalogue(path):
    with open(path, "rb") as f:
        return read_po(f)


def write_catalogue(catalog, path):
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=0, omit_header=False, sort_output=False)
    path.write_bytes(buffer.getvalue())


def update(language, kind, week):
    """Bring the catalogue in step with the English notebook: new entries are added untranslated, an entry whose
    English changed keeps its old translation marked fuzzy (stale, to be revised), and entries no
    longer in the notebook are dropped. Returns the catalogue's path."""
    path = catalogue_path(language, kind, week)
    fresh = template(kind, week)
    if path.exists():
        catalog = read_catalogue(path)
        catalog.update(fresh, no_fuzzy_matching=False, update_header_comment=False, keep_user_comments=False,
                       update_creation_date=False)
        catalog.obsolete.clear()
    else:
        catalog = fresh
        catalog.locale = language
    write_catalogue(catalog, path)
    return path


def problems(language, kind, week):
    """Human-readable lines about what the catalogue lacks: a missing catalogue, untranslated entries, stale
    (fuzzy) ones, entries no longer in the notebook, and translations that break their placeholders or code."""
    path = catalogue_path(language, kind, week)
    name = path.relative_to(ROOT)
    if not path.exists():
        return [f"{name}: missing (run: autograder translations --update {language})"]
    catalog = read_catalogue(path)
    found = []
    entries = wanted(kind, week)
    for ctx, text in sorted(entries, key=lambda key: (key[0] or "", key[1])):
        message = catalog.get(text, context=ctx)
        where = f"{name}: " + (f"cell {ctx}: " if ctx else "") + _excerpt(text)
        if message is None:
            found.append(f"{where}: not in the catalogue (run: autograder translations --update {language})")
        elif not message.string:
            found.append(f"{where}: untranslated")
        elif message.fuzzy:
            found.append(f"{where}: stale (the English changed since it was translated)")
        else:
            error = translation_error(entries[ctx, text], text, message.string)
            if error:
                found.append(f"{where}: {error}")
    extra = {(m.context, m.id) for m in catalog if m.id} - set(entries)
    found += [f"{name}: " + (f"cell {ctx}: " if ctx else "") + f"{_excerpt(text)}: no longer in the source"
              for ctx, text in sorted(extra, key=lambda key: (key[0] or "", key[1]))]
    return found


def _excerpt(text, width=50):
    line = " ".join(text.split())
    return repr(line if len(line) <= width else line[: width - 3] + "...")


def translation_error(kind, english, translated):
    """Why ``translated`` cannot replace ``english`` (of an entry's kind), or None."""
    if kind.endswith("comment"):
        lines = translated.split("\n")
        if not all(line.lstrip().startswith("#") for line in lines):
            return "every line of a translated comment must start with #"
        if kind == "inline comment" and len(lines) > 1:
            return "a comment after code must stay on one line"
    elif kind == "message":
        if _names(translated) != _names(english):
            return f"the translation must keep the placeholders {sorted(_names(english))}"
    elif kind == "string":
        try:
            node = ast.parse(f"({translated.strip()}\n)", mode="eval").body
        except SyntaxError as exc:
            return f"the translation is not a string literal ({exc.msg})"
        source = ast.parse(f"({english.strip()}\n)", mode="eval").body
        if not isinstance(node, (ast.Constant, ast.JoinedStr)) or type(node) is not type(source):
            return "the translation must be the same kind of string literal (an f-string stays an f-string)"
        if _fields(node) != _fields(source):
            return f"the translation must keep the placeholders {_fields(source)}"
    return None


def _names(message):
    try:
        return {field for _, field, _, _ in string.Formatter().parse(message) if field is not None}
    except ValueError:
        return {"(unbalanced braces)"}


def _fields(node):
    return sorted(ast.unparse(v) for v in node.values if isinstance(v, ast.FormattedValue)) \
        if isinstance(node, ast.JoinedStr) else []


# ---------------------------------------------------------------------------------------------------- applying

def translator(language, kind, week):
    """{(cell id, English): translation} for ``language``, refusing an incomplete or stale catalogue."""
    trouble = problems(language, kind, week)
    if trouble:
        raise TranslationError(f"the {language} translation of {kind}/{week} is not complete:\n  "
                               + "\n  ".join(trouble[:20]) + ("\n  ..." if len(trouble) > 20 else ""))
    catalog = read_catalogue(catalogue_path(language, kind, week))
    return {(m.context, m.id): m.string for m in catalog if m.id}


def translate_code(source, translate):
    """``source`` with every span's text replaced by ``translate(text)``."""
    lines = source.split("\n")
    for span in reversed(code_spans(source)):
        head, tail = lines[span.first][: span.start], lines[span.last][span.end :]
        new = translate(span.text).split("\n")
        if span.kind == "comment":  # a block of whole-line comments, re-indented like the English
            new = [line.lstrip() for line in new]
            lines[span.first : span.last + 1] = [head + line for line in new]
        else:
            lines[span.first : span.last + 1] = (head + "\n".join(new) + tail).split("\n")
    return "\n".join(lines)


def translate_notebook(nb, table):
    """Translate ``nb`` in place with ``table`` ({(cell id, English): translation}); returns ``nb``."""
    for cell in nb.cells:
        if cell.cell_type == "markdown" and cell.source.strip():
            cell.source = table[(cell.id, cell.source)]
        elif cell.cell_type == "code":
            cell.source = translate_code(cell.source, lambda text, cell_id=cell.id: table[(cell_id, text)])
    return nb

