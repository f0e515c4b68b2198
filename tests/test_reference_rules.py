"""The shared reference rules reject what they should (checks of the checks in tests/reference_rules.py)."""
import importlib.util

import pytest
import torch

from reference_rules import assert_no_forbidden_ops, check_solution_layout

GOOD = '''"""A reference."""
import torch


def double(x):
    """x: (n,) -> (n,)"""
    ### BEGIN SOLUTION
    return 2 * x
    ### END SOLUTION
'''


def module_from(source, tmp_path):
    path = tmp_path / "reference_example.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("reference_example", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_well_laid_out_reference_passes(tmp_path):
    check_solution_layout(module_from(GOOD, tmp_path), ["double"])


@pytest.mark.parametrize("source, items, message", [
    (GOOD.replace("    ### END SOLUTION\n", ""), ["double"], "one marked region"),
    (GOOD.replace("import torch", "import numpy"), ["double"], "import numpy"),
    (GOOD, ["triple"], "expected the graded items"),
    (GOOD + "\n\ndef helper():\n    pass\n", ["double"], "expected the graded items"),
])
def test_a_badly_laid_out_reference_fails(tmp_path, source, items, message):
    with pytest.raises(AssertionError, match=message):
        check_solution_layout(module_from(source, tmp_path), items)


def test_a_forbidden_operator_is_seen():
    with pytest.raises(AssertionError, match="forbidden operators ran"):
        assert_no_forbidden_ops(lambda: torch.nn.functional.layer_norm(torch.randn(2, 3), (3,)), ("layer_norm",))
    assert_no_forbidden_ops(lambda: torch.randn(2, 3).mean(), ("layer_norm",))
