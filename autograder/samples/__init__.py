"""Sample submissions: typical mistakes and differently written correct answers.

Each ``WEEK/NAME.py`` holds a docstring (first line: what the sample is), an
``EXPECT`` dict {item: phrase the feedback must contain} for the items it
breaks (empty for a correct sample), and the definitions that replace the
reference answer cells of the same name. Used by ``autograder demo`` and by
the tests that check the checks.
"""
import ast
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent


@dataclass
class Sample:
    week: str
    name: str
    title: str
    expect: dict  # item -> phrase in the feedback; items not listed must pass
    definitions: dict  # item -> source of its answer cell (the sample's imports, then the definition)

    @property
    def correct(self):
        return not self.expect


def load_sample(path):
    path = Path(path)
    text = path.read_text()
    tree = ast.parse(text)
    lines = text.splitlines()
    body = tree.body
    starts = [min([n.lineno] + [d.lineno for d in getattr(n, "decorator_list", [])]) for n in body]
    definitions, expect, imports = {}, {}, []
    for i, node in enumerate(body):
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            end = starts[i + 1] - 1 if i + 1 < len(body) else len(lines)
            definitions[node.name] = "\n".join(lines[starts[i] - 1 : end]).rstrip()
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            imports.append(ast.get_source_segment(text, node))
        elif isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "EXPECT":
            expect = ast.literal_eval(node.value)
    if imports:  # each answer cell carries the sample's imports, as a student's cell would
        definitions = {name: "\n".join(imports) + "\n\n\n" + source for name, source in definitions.items()}
    title = (ast.get_docstring(tree) or path.stem).splitlines()[0]
    return Sample(path.parent.name, path.stem, title, expect, definitions)


def samples(week):
    return [load_sample(p) for p in sorted((HERE / week).glob("*.py"))]
