"""Shared test set-up: the hypothesis profiles.

``ci`` (the default, and what ``.ci/run`` uses) is deterministic: the same
examples on every run, so a red build is reproducible. ``dev`` draws fresh
examples each run; select it with ``HYPOTHESIS_PROFILE=dev``. ``mutation`` (8 examples) is what
``benchmarks/mutation.py`` runs for each mutant. A failure
found either way is added to its test as an ``@example``.
"""

import os

from hypothesis import HealthCheck, Phase, settings

settings.register_profile(
    "ci",
    derandomize=True,
    max_examples=200,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=100, deadline=None, print_blob=True)
# benchmarks/mutation.py: every mutant runs the engine's tests, so each property tries
# a few examples (the boundary strategies still reach the hard cases) and a failure is
# not shrunk: that it fails is all a mutation run needs to know.
settings.register_profile(
    "mutation",
    derandomize=True,
    max_examples=8,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    report_multiple_bugs=False,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
