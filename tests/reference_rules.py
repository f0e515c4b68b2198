"""Rules every reference module in solutions/ follows, shared by the tests/test_reference_WEEK.py files.

The layout rules are what autograder.notebooks relies on to copy a reference into its notebook's answer cells; the
operator scan proves a reference does not secretly call the built-in it is compared with.
"""
import ast
import inspect

import torch

ALLOWED_IMPORTS = {"import math", "import torch", "import torch.nn as nn", "import torch.nn.functional as F"}


def aten_ops(fn):
    """Names of every operator dispatched while running ``fn()``, composite ones included."""
    with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as prof:
        fn()
    return {event.key for event in prof.key_averages()}


def assert_no_forbidden_ops(fn, forbidden):
    """``fn()`` dispatches no operator whose name contains one of the substrings ``forbidden``."""
    found = sorted(op for op in aten_ops(fn) if any(bad in op for bad in forbidden))
    assert not found, f"forbidden operators ran: {found}"


def attributes_used(module):
    """Every ``x.name`` attribute name in the module's source."""
    return {n.attr for n in ast.walk(ast.parse(inspect.getsource(module))) if isinstance(n, ast.Attribute)}


def check_solution_layout(module, items, allowed_imports=ALLOWED_IMPORTS):
    """A docstring, allowed imports, then exactly one definition per graded item, in ``items`` order, each with a
    docstring and one ``### BEGIN SOLUTION`` / ``### END SOLUTION`` region after its signature (classes: in
    ``__init__``, after ``super().__init__()``, and in every other method)."""
    source = inspect.getsource(module)
    lines = source.splitlines()
    body = ast.parse(source).body
    assert isinstance(body[0], ast.Expr) and isinstance(body[0].value.value, str), "module docstring first"
    k = 1
    while isinstance(body[k], (ast.Import, ast.ImportFrom)):
        assert ast.unparse(body[k]) in allowed_imports, ast.unparse(body[k])
        k += 1
    definitions = body[k:]
    names = [n.name for n in definitions if isinstance(n, (ast.FunctionDef, ast.ClassDef))]
    assert names == items, f"definitions {names}, expected the graded items {items} in that order"
    assert len(definitions) == len(items), "only one top-level definition per graded item"

    def check_marked(node, end_line, after_line):
        span = lines[node.lineno - 1:end_line - 1]
        begin = [i for i, line in enumerate(span, node.lineno) if line.strip() == "### BEGIN SOLUTION"]
        end = [i for i, line in enumerate(span, node.lineno) if line.strip() == "### END SOLUTION"]
        assert len(begin) == 1 and len(end) == 1, f"{node.name}: one marked region"
        assert after_line < begin[0] < end[0], f"{node.name}: markers after the signature/docstring"
        assert node.body[-1].end_lineno < end[0], f"{node.name}: END after the last statement"

    for node, nxt in zip(definitions, definitions[1:] + [None]):
        end_line = nxt.lineno if nxt is not None else len(lines) + 1
        assert ast.get_docstring(node), f"{node.name} needs a docstring"
        if isinstance(node, ast.FunctionDef):
            check_marked(node, end_line, node.body[0].end_lineno)
        else:
            methods = [m for m in node.body if isinstance(m, ast.FunctionDef)]
            assert {"__init__", "forward"} <= {m.name for m in methods}, f"{node.name}: __init__ and forward"
            for m, m_next in zip(methods, methods[1:] + [None]):
                first = m.body[0]
                # __init__ calls super().__init__() before its marked region
                after = first.end_lineno if m.name == "__init__" else m.lineno
                if m.name == "__init__":
                    assert "super().__init__()" in ast.unparse(first), f"{node.name}: super().__init__() first"
                check_marked(m, m_next.lineno if m_next is not None else end_line, after)
