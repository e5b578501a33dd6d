"""simgen: a reproducible Netflix-like dataset with planted ground truth, and a SQL grader over it."""

__version__ = "0.1.0"
