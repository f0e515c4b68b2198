"""Reference implementations of every graded item, one module per week.

These modules are the oracle of the hidden checks (``autograder/checks``) and the
source of the answer cells in ``assignments/WEEK/WEEK.ipynb``: the text between
``### BEGIN SOLUTION`` and ``### END SOLUTION`` is exactly what nbgrader removes
from the student release. Nothing here imports the grader.
"""
