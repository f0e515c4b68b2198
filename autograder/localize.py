"""The course's language in nbgrader: ``c.Course.language`` and the release step that applies it.

``nbgrader generate_assignment`` runs ``TranslateNotebook`` first (see ``nbgrader_config.py``): the release
notebook, the cells nbgrader saves in the gradebook and their checksums are then all in the course's language, so
``nbgrader autograde`` restores a student's deleted test cell in that language too. Code, names, grade ids and
points are the same in every language (``translations`` replaces prose only), so grades compare across them.
"""
from nbconvert.exporters.exporter import ResourcesDict
from nbformat.notebooknode import NotebookNode
from nbgrader import preprocessors as nbgrader_preprocessors
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import TraitError, Unicode, default, validate
from traitlets.config import Configurable

from . import translations


class Course(Configurable):
    """What the whole course shares."""

    language = Unicode("en", help="The language students read: 'en' (the source) or 'ru' (from the catalogues in "
                                  "autograder/locale/ru/).").tag(config=True)

    @validate("language")
    def _known(self, proposal):
        if proposal["value"] not in translations.LANGUAGES:
            raise TraitError(f"Course.language is {proposal['value']!r}: choose one of "
                             f"{', '.join(translations.LANGUAGES)}")
        return proposal["value"]


class TranslateNotebook(NbGraderPreprocessor):
    """Replace the English prose of a source notebook by the course language's (nothing to do in English)."""

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict):
        language = Course(parent=self).language
        if language != "en":
            week = resources["nbgrader"]["notebook"]
            translations.translate_notebook(nb, translations.translator(language, "assignments", week))
        return nb, resources


STUBS = {"en": "# YOUR CODE HERE\nraise NotImplementedError('Replace this line with your implementation.')",
         "ru": "# ВАШ КОД ЗДЕСЬ\nraise NotImplementedError('Замените эту строку своим решением.')"}


class ClearSolutions(nbgrader_preprocessors.ClearSolutions):
    """nbgrader's ClearSolutions, whose stub (what students see where an answer goes) is in the course's language
    unless ``c.ClearSolutions.code_stub`` says otherwise."""

    @default("code_stub")
    def _stub_in_course_language(self):
        return {"python": STUBS[Course(parent=self).language]}
