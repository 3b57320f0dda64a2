"""Counts: one layer's numbers in each layout, and sums."""

from cnncount.counts import Counts


def test_layouts_of_the_seed_example():
    tied = Counts.of(2400, 32, 25088, layout="tied")
    untied = Counts.of(2400, 32, 25088, layout="untied")
    assert (tied.params, tied.params_tied, tied.params_untied) == (2432, 2432, 27488)
    assert untied.params == 27488
    assert (untied.params_tied, untied.params_untied) == (2432, 27488)


def test_no_bias_counts_no_bias_in_any_layout():
    none = Counts.of(2400, 32, 25088, layout="none")
    assert (none.tied_biases, none.untied_biases) == (0, 0)
    assert none.params == none.params_tied == none.params_untied == 2400


def test_counts_add_and_subtract_fieldwise():
    a = Counts.of(10, 2, 8, macs=100, non_trainable=4)
    b = Counts.of(5, 1, 3, layout="untied", macs=7)
    total = a + b
    assert total.as_dict() == {
        "weights": 15,
        "tied_biases": 3,
        "untied_biases": 11,
        "params": 12 + 8,
        "params_tied": 18,
        "params_untied": 26,
        "non_trainable": 4,
        "macs": 107,
    }
    assert total - b == a


def test_counts_stay_exact_python_ints():
    huge = Counts.of(10**15 * 3 * 25, 10**15, 10**15 * 28 * 28)
    assert huge.params_untied == 75 * 10**15 + 784 * 10**15
    assert all(type(v) is int for v in huge.as_dict().values())
