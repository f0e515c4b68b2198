"""Hidden checks: one pytest module per week, ``test_WEEK.py``.

Each module sets ``WEEK`` and ``FORBIDDEN`` (item -> patterns of built-ins the
item may not use) and marks every test with the item it grades:
``@pytest.mark.item("rnn_cell")``. Tests receive the implementation under test
as the ``impl`` fixture (see ``autograder.implementation``) and compare it with
``solutions/`` (the oracle) in this process. Run them directly to validate the
reference solutions: ``pytest autograder/checks``.
"""
