"""Hidden checks: one pytest module per week, ``test_WEEK.py``.

Each module sets ``WEEK`` and ``FORBIDDEN`` (item -> patterns of built-ins the
item may not use) and marks every test with the item it grades:
``@pytest.mark.item("rnn_cell")``. Tests receive the implementation under test
as the ``impl`` fixture (see ``autograder.implementation``) and compare it with
``solutions/`` (the oracle) in this process. Run them directly to validate the
reference solutions: ``pytest autograder/checks``.
"""

import torch
from hypothesis import HealthCheck, Phase, settings

# Grades must be reproducible: the same examples every run, nothing stored. Loaded here,
# before any check module applies @given, so importing a check module directly is safe too.
settings.register_profile(
    "grading", derandomize=True, database=None, deadline=None, max_examples=25, print_blob=False,
    phases=[Phase.explicit, Phase.generate, Phase.shrink], report_multiple_bugs=False,
    suppress_health_check=list(HealthCheck))
settings.load_profile("grading")
# The checks' own tensors are tiny: one thread is faster than two fighting for two cores.
torch.set_num_threads(1)
