"""What the grader tells a student, in the course's language (gettext).

Every message the grader composes for a student is written in English in the code, as ``_("...")`` with named
placeholders filled by ``.format`` after the lookup::

    fail(_("{what} has the wrong shape.").format(what=what), ...)

``with speaking(language):`` chooses the language of a block (the grading steps speak the course's,
``c.Course.language``);
``_`` then returns the translation from ``autograder/locale/LANG/feedback/MODULE.po`` (one catalogue per module
that writes messages, so translators work on them side by side), or the English when the language is English.
A message kept in a module-level constant is marked ``N_("...")`` (for the catalogue) and translated where it is
used, ``_(CONSTANT)``: a constant is made at import, before the language is chosen. The titles of the hidden
checks (the first line of a check's docstring) are messages too: ``check_title``.

``autograder translations`` reports what is untranslated or stale here as for the notebooks.
"""
import contextlib
import contextvars
import functools
import re

from babel.messages.extract import extract_from_file

from .notebooks import ROOT

PACKAGE = ROOT / "autograder"
_language = contextvars.ContextVar("language", default="en")


@contextlib.contextmanager
def speaking(language):
    """Speak ``language`` inside the block, in this thread (a context variable: a grading thread and the
    caller's keep their own; the language before is back after the block)."""
    token = _language.set(language)
    try:
        yield
    finally:
        _language.reset(token)


@functools.cache
def table(language):
    """{English: translation} of every feedback catalogue of ``language`` (translated entries only)."""
    from .translations import LOCALE, read_catalogue
    found = {}
    for path in sorted((LOCALE / language / "feedback").glob("*.po")):
        found.update({m.id: m.string for m in read_catalogue(path) if m.id and m.string and not m.fuzzy})
    return found


def language():
    return _language.get()


def _(message):
    """``message`` (English, with ``{named}`` placeholders) in the current language."""
    current = _language.get()
    return message if current == "en" else table(current).get(message, message)


def pattern(message, at_end=False, **groups):
    """A regex that matches ``message`` (English, translated now) as it reads once formatted, at the start of a
    text (``at_end``: at its end): each ``{name}`` becomes a named group, of pattern ``groups[name]`` (default: any
    text, as little as possible). For readers of feedback (the class report) that must recognise a message in the
    course's language; built once per message and language."""
    return _pattern(_(message), at_end, tuple(sorted(groups.items())))


@functools.cache
def _pattern(translated, at_end, groups):
    groups = dict(groups)
    regex, seen = "" if at_end else "^", set()
    for i, part in enumerate(re.split(r"\{(\w+)[^{}]*\}", translated)):
        if i % 2 == 0:
            regex += re.escape(part.replace("{{", "{").replace("}}", "}"))
        else:
            regex += f"(?P={part})" if part in seen else f"(?P<{part}>{groups.get(part, '.*?')})"
            seen.add(part)
    return re.compile(regex + ("$" if at_end else ""))


def N_(message):
    """Marks an English message kept in a constant for the catalogue; translate it where it is used: _(CONSTANT)."""
    return message


def check_title(check):
    """A hidden check's title (its docstring's first line, else its name), in the current language."""
    return _((check.__doc__ or check.__name__).strip().splitlines()[0])


# ------------------------------------------------------------------------------------------------------ catalogues

def sources():
    """{catalogue name: source file} of every module that writes messages for students."""
    files = sorted(PACKAGE.glob("*.py")) + sorted((PACKAGE / "checks").glob("*.py")) \
        + sorted((PACKAGE / "sandbox").glob("*.py"))
    imports = re.compile(r"^from (?:autograder\.|\.\.?)messages import .*\b_\b", re.M)
    return {path.stem: path for path in files if imports.search(path.read_text())}


def english(name):
    """Module ``name``'s English messages, in order: every ``_("...")`` and, in a check module, every check's
    title."""
    path = sources()[name]
    found = [message for _line, message, _comments, _context in
             extract_from_file("python", str(path), keywords={"_": None, "N_": None}) if isinstance(message, str)]
    if name.startswith("test_"):
        found += list(_check_titles(path))
    found += list(_template_messages(path))
    return list(dict.fromkeys(found))


def _template_messages(path):
    """The ``_("...")`` of the module's Jinja templates (module-level strings that call ``_`` inside ``{{ }}``)."""
    import ast
    import io

    from jinja2.ext import babel_extract
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) \
                and isinstance(node.value.value, str) and "{{ _(" in node.value.value:
            for _line, _function, message, _comments in babel_extract(
                    io.BytesIO(node.value.value.encode()), ("_",), [], {"trimmed": "false"}):
                if isinstance(message, str):
                    yield message


def _check_titles(path):
    import ast
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
            doc = ast.get_docstring(node, clean=True)
            yield (doc or node.name).strip().splitlines()[0]
