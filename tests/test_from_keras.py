"""Keras models counted and converted: against Keras itself, on keras.applications' networks.

The oracle is Keras 3 on its torch backend (a test dependency): a model built with
``weights=None``, its ``to_json()`` read by cnncount without Keras, must count
``count_params()``'s trainable and non-trainable weights apart, and every layer's output shape
Keras's. Keras 2's format (which Keras 3 no longer writes) is checked on files in tests/data
written from its documentation, by hand.
"""

from __future__ import annotations

import math
import os
import re
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "torch")  # before keras is imported: the torch the tests have

import pytest

import cnncount
from cnncount.convert import to_yaml
from cnncount.from_keras import spec_of
from cnncount.model import count
from cnncount.spec import from_dict, load_spec

DATA = Path(__file__).parent / "data"

APPLICATIONS = [
    "MobileNet",
    "MobileNetV2",
    "MobileNetV3Small",
    "ResNet50",
    "ResNet50V2",
    "VGG16",
    "DenseNet121",
    "EfficientNetB0",
    "EfficientNetV2B0",
    "InceptionV3",
    "Xception",
    "ConvNeXtTiny",
]


@pytest.fixture(scope="module")
def keras():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import keras as module
    return module


def _built(keras, name):
    shape = {"input_shape": (224, 224, 3)} if name.startswith("MobileNetV3") else {}  # else its sizes are None
    return getattr(keras.applications, name)(weights=None, **shape)


def _sizes(weights) -> int:
    return sum(math.prod(w.shape) for w in weights)


@pytest.mark.parametrize("name", APPLICATIONS)
def test_keras_applications_count_as_keras_counts_them(keras, name):
    model = _built(keras, name)
    spec, origins = spec_of(model.to_json(), f"{name}.json")
    report = count(from_dict(spec, f"{name}.json"))
    assert report.totals.params == _sizes(model.trainable_weights)
    assert report.totals.non_trainable == _sizes(model.non_trainable_weights)
    assert report.totals.params + report.totals.non_trainable == model.count_params()
    rows = {row.name: row for row in report.rows}
    checked = 0
    for layer in model.layers:
        if layer.name in origins and origins[layer.name] in rows:
            shape = rows[origins[layer.name]].output_shape
            shown = (*shape[1:], shape[0]) if len(shape) > 1 else shape  # Keras's channels last
            assert shown == tuple(layer.output.shape[1:]), layer.name
            checked += 1
    assert checked >= len(model.layers) - 2  # every layer but the input (and a Rescaling, which passes)


def test_a_converted_keras_model_counts_the_same_and_exports_to_torch(keras, torch):
    from tests.test_export import check

    model = _built(keras, "MobileNetV2")
    spec, _ = spec_of(model.to_json(), "mobilenet_v2.json")
    text = to_yaml(spec)
    again = count(from_dict(load_spec(text, "converted.yaml"), "converted.yaml"))
    assert (again.totals.params, again.totals.non_trainable) == (
        _sizes(model.trainable_weights),
        _sizes(model.non_trainable_weights),
    )
    assert to_yaml(load_spec(text, "converted.yaml")) == text
    check(torch, again)  # the PyTorch module cnncount writes counts the same in torch


def test_a_layer_called_twice_is_counted_once(keras):
    left, right = keras.Input((16,), name="left"), keras.Input((16,), name="right")
    shared = keras.layers.Dense(8, name="embed")
    out = keras.layers.Dense(1, name="out")(keras.layers.Add(name="join")([shared(left), shared(right)]))
    model = keras.Model([left, right], out)
    spec, _ = spec_of(model.to_json(), "twin.json")
    report = count(from_dict(spec, "twin.json"))
    assert report.totals.params == model.count_params() == 16 * 8 + 8 + 8 + 1
    assert [row.shares is not None for row in report.rows if row.kind == "dense"] == [False, True, False]


# --- Keras 2's format, from its documentation --------------------------------------------------------


def test_keras2_sequential_with_a_locally_connected_layer():
    report = cnncount.count(str(DATA / "keras2_sequential_local.json"))
    # conv 3*3*3*16 + 16; LocallyConnected2D on 16x16x16, 3x3 valid: 14*14 positions of a 3*3*16 x 8
    # kernel each, and a bias per filter per position (Keras's only layout); dense 14*14*8*10 + 10
    local = 14 * 14 * 3 * 3 * 16 * 8 + 14 * 14 * 8
    assert [row.counts.params for row in report.rows if row.counts.params] == [448, local, 15_690]
    assert report.totals.params == 448 + local + 15_690 == 243_498


def test_keras2_functional_with_a_shared_layer_and_two_inputs():
    report = cnncount.count(str(DATA / "keras2_functional_shared.json"))
    assert [name for name, _ in report.inputs] == ["left", "right"]
    assert report.totals.params == (16 * 8 + 8) + (8 + 1)  # the shared Dense once


# --- what is refused ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, message",
    [
        pytest.param("{not json", "not JSON", id="not-json"),
        pytest.param('{"layers": []}', "not a Keras model's JSON", id="not-keras"),
        pytest.param(
            '{"class_name": "Sequential", "config": {"layers": [{"class_name": "InputLayer", "config": '
            '{"batch_shape": [null, 8, 8, 3]}}, {"class_name": "Lambda", "config": {"name": "f"}}]}}',
            "layer 'f' (Lambda): cnncount has no kind for this layer",
            id="unknown-layer",
        ),
        pytest.param(
            '{"class_name": "Sequential", "config": {"layers": [{"class_name": "InputLayer", "config": '
            '{"batch_shape": [null, 3, 8, 8]}}, {"class_name": "Conv2D", "config": {"name": "c", "filters": 4, '
            '"kernel_size": 3, "data_format": "channels_first"}}]}}',
            "layer 'c' (Conv2D): data_format channels_first",
            id="channels-first",
        ),
        pytest.param(
            '{"class_name": "Sequential", "config": {"layers": [{"class_name": "InputLayer", "config": '
            '{"batch_shape": [null, null, null, 3]}}]}}',
            "an input of no fixed shape after the batch",
            id="no-size",
        ),
    ],
)
def test_what_cannot_be_read_says_where(text, message):
    with pytest.raises(cnncount.CnnCountError, match=message.replace("(", r"\(").replace(")", r"\)")):
        spec_of(text, "model.json")


def test_a_json_file_that_is_no_keras_model_is_read_as_a_spec(tmp_path):
    path = tmp_path / "net.json"
    path.write_text('{"input": [3, 8, 8], "layers": [{"type": "conv", "filters": 4, "kernel": 3}]}')
    assert cnncount.count(str(path)).totals.params == 3 * 9 * 4 + 4


def test_a_layer_without_a_kind_passes_through_when_asked(keras):
    model = keras.Sequential(
        [keras.Input((8, 8, 3)), keras.layers.Conv2D(4, 3, name="c"), keras.layers.Lambda(lambda x: x, name="f")]
    )
    with pytest.raises(cnncount.CnnCountError, match=r"layer 'f' \(Lambda\)"):
        spec_of(model.to_json(), "model.json")
    passed: list[str] = []
    spec, _ = spec_of(model.to_json(), "model.json", passed)
    assert count(from_dict(spec, "model.json")).totals.params == model.count_params() == 3 * 9 * 4 + 4
    assert passed == ["model.json: layer 'f' (Lambda): passed through, its shape taken as kept"]


@pytest.mark.parametrize(
    "text, message",
    [
        pytest.param("[" * 100_000 + "]" * 100_000, "nested deeper than Python reads", id="deep"),
        pytest.param('{"class_name": "Sequential", "config": {"layers": [7]}}', "as Keras writes it", id="not-a-layer"),
        pytest.param(
            '{"class_name": "Sequential", "config": {"layers": [{"class_name": "InputLayer", "config": '
            '{"batch_shape": [null, 8, 8, 3]}}, {"class_name": "Conv2D", "config": {"name": "c", "kernel_size": 3}}]}}',
            "layer 'c' (Conv2D): its config has no 'filters'",
            id="missing-key",
        ),
        pytest.param(
            '{"class_name": "Sequential", "config": {"layers": [{"class_name": "InputLayer", "config": '
            '{"batch_shape": [null, 8, 8, 3]}}, {"class_name": "Dense", "config": {"name": "d", "units": "many"}}]}}',
            "layer 'd' (Dense): its config is not what Keras writes",
            id="wrong-type",
        ),
    ],
)
def test_json_that_keras_did_not_write_is_one_clear_error(text, message):
    with pytest.raises(cnncount.CnnCountError, match=re.escape(message)) as caught:
        spec_of(text, "model.json")
    assert "\n" not in str(caught.value)
