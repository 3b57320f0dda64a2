"""Every hostile input of tests/hostile.py keeps the contract: exit 0, 2 (or 1 when the
output cannot be written), one line on stderr and nothing on stdout on an error, no
traceback, no escape code reaching the terminal.  (Their time and memory are measured
by benchmarks/hostile.py, not asserted here.)"""

import pytest

from tests.hostile import CLASSES, breaks, cases, run

CASES = cases()


def test_every_class_has_cases():
    assert {case.cls for case in CASES} == set(CLASSES)
    assert len({case.id for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", [pytest.param(case, id=f"{case.cls}-{case.id}") for case in CASES])
def test_the_contract_holds(case, tmp_path):
    outcome = run(case, tmp_path)
    assert breaks(case, outcome) == [], outcome.err.decode("utf-8", "replace")[-2000:]
