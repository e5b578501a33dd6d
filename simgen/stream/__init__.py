"""`simgen stream`: the batch dataset replayed as a reproducible event stream with known answers.

    events.py    which batch rows become which events; the envelope and the wide schema
    source.py    the dataset (cached or --data), time-sorted runs, canonical slices (bounded memory)
    delivery.py  lateness, duplicates, late flags, the tally behind the truth
    encode.py    jsonl, csv, Arrow IPC, a piece at a time
    pace.py      --rate and --speed
    sinks.py     standard output, rolling files renamed into place
    replay.py    the loop and its options

Layers import one way (events <- source <- delivery <- encode/pace/sinks <- replay); only
simgen.cli imports click. See docs/streaming.md for the user's view.
"""

from .replay import (
           FORMATS,
           MAX_LATENESS_S,
           ROLL_EVENTS,
           Outcome,
           StreamOptions,
           Terminated,
           parse_duration,
           run,
)
from .source import dataset_path, is_complete

__all__ = ["FORMATS", "MAX_LATENESS_S", "ROLL_EVENTS", "Outcome", "StreamOptions", "Terminated", "dataset_path",
           "is_complete", "parse_duration", "run"]
