"""Where specs come from: the bundled files, and the variants of a bundled family file by name."""

from __future__ import annotations

import pytest
import yaml

import cnncount
from cnncount.sources import bundled_dir, bundled_families, bundled_names, bundled_variant, read_bundled, read_spec

from .test_cli import run


def _parsed(stem: str) -> dict:
    return yaml.safe_load((bundled_dir() / f"{stem}.yaml").read_text())


def test_the_variants_found_without_yaml_are_the_ones_yaml_reads():
    # sources.py finds a family's variants with a line scan, to keep YAML off the start-up of a count by name
    for path in sorted(bundled_dir().glob("*.yaml")):
        doc = _parsed(path.stem)
        variants = list(doc.get("variants", {}))
        found = [name for name in bundled_names() if bundled_variant(name) == (path.stem, name)]
        assert sorted(found) == sorted(variants), path.name
        if variants:
            assert path.stem in bundled_families()
            assert doc.get("variant") in variants, f"{path.name}: a family file says which variant it counts"
        else:
            assert path.stem in bundled_names() and bundled_variant(path.stem) == (path.stem, None)


def test_a_family_file_is_not_listed_but_is_read_by_its_name():
    assert "resnet" in bundled_families() and "resnet" not in bundled_names()
    assert read_spec("resnet") == ((bundled_dir() / "resnet.yaml").read_text(), "resnet.yaml")
    assert cnncount.count("resnet").name == _parsed("resnet")["variant"]


def test_a_variant_reads_as_its_family_with_the_variant_chosen():
    text, source = read_spec("resnet18")
    family = (bundled_dir() / "resnet.yaml").read_text()
    assert source == "resnet.yaml" and text != family
    # the same lines, so that an error's line and column are the family file's
    assert len(text.splitlines()) == len(family.splitlines())
    assert yaml.safe_load(text) == {**yaml.safe_load(family), "variant": "resnet18"}


def test_specs_show_of_a_variant_counts_what_the_name_does(tmp_path):
    status, out, err = run("specs", "show", "resnext50_32x4d")
    assert (status, err) == (0, "") and out == read_bundled("resnext50_32x4d")
    copy = tmp_path / "mine.yaml"
    copy.write_text(out)
    mine, bundled = cnncount.count(str(copy)), cnncount.count("resnext50_32x4d")
    assert mine.name == bundled.name == "resnext50_32x4d"
    assert mine.totals == bundled.totals and mine.totals.params == 25_028_904


def test_specs_show_of_a_family_prints_its_file():
    status, out, err = run("specs", "show", "resnet")
    assert (status, err) == (0, "") and out == (bundled_dir() / "resnet.yaml").read_text()


def test_a_file_in_the_working_folder_wins_over_a_variant(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "resnet18").write_text("input: 3x8x8\nlayers: [{type: conv, filters: 2, kernel: 3}]\n")
    assert cnncount.count("resnet18").totals.params == 3 * 9 * 2 + 2


# --- the pre-parsed bundled specs ----------------------------------------------------------------------


def _stems() -> list[str]:
    from cnncount.sources import bundled_dir

    return sorted(path.stem for path in bundled_dir().glob("*.yaml"))


@pytest.mark.parametrize("stem", _stems())
def test_each_pre_parsed_spec_is_what_its_yaml_reads_as(stem):
    """specs/parsed/NAME.json is the YAML's document, marks and all; CNNCOUNT_REGENERATE=1 writes them
    again after a change to specs/ (review the diff)."""
    import os

    from cnncount.sources import bundled_dir
    from cnncount.spec import is_plain, load_spec, parsed_text

    text = (bundled_dir() / f"{stem}.yaml").read_text(encoding="utf-8")
    expected = parsed_text(load_spec(text, f"{stem}.yaml"), is_plain(text))
    path = bundled_dir() / "parsed" / f"{stem}.json"
    if os.environ.get("CNNCOUNT_REGENERATE"):
        path.write_text(expected, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == expected, (
        "run CNNCOUNT_REGENERATE=1 python -m pytest tests/test_sources.py"
    )


def test_no_pre_parsed_spec_is_left_from_a_spec_that_is_gone():
    from cnncount.sources import bundled_dir

    stems = sorted(path.stem for path in (bundled_dir() / "parsed").glob("*.json") if path.name != "names.json")
    assert stems == _stems()


def test_the_index_of_bundled_names_is_what_the_files_name():
    """specs/parsed/names.json spares a count by name reading every family file for its variants."""
    import json
    import os

    from cnncount.sources import bundled_dir, scan_names

    lines = [f"{json.dumps(name)}: {json.dumps(list(where))}" for name, where in sorted(scan_names().items())]
    expected = "{\n" + ",\n".join(lines) + "\n}\n"  # a name a line
    path = bundled_dir() / "parsed" / "names.json"
    if os.environ.get("CNNCOUNT_REGENERATE"):
        path.write_text(expected, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == expected, (
        "run CNNCOUNT_REGENERATE=1 python -m pytest tests/test_sources.py"
    )


@pytest.mark.parametrize("name", bundled_names())
def test_a_bundled_spec_counts_the_same_from_either_form(name):
    from cnncount.model import count as count_arch
    from cnncount.render.as_json import report_dict
    from cnncount.sources import read_bundled
    from cnncount.spec import from_bundled, from_yaml

    stem = bundled_variant(name)[0]
    assert report_dict(count_arch(from_bundled(name))) == report_dict(
        count_arch(from_yaml(read_bundled(name), f"{stem}.yaml"))
    )


@pytest.mark.parametrize(
    "name, options",
    [
        pytest.param("resnet", {"sets": {"classes": 0}}, id="computed-option"),
        pytest.param("vgg16", {"input_shape": (3, 8, 8)}, id="input-too-small"),
        pytest.param("resnext50_32x4d", {"sets": {"width_per_group": 0}}, id="in-a-template"),
    ],
)
def test_a_bundled_spec_fails_at_the_same_place_from_either_form(name, options):
    from cnncount.sources import read_bundled
    from cnncount.spec import from_bundled, from_yaml

    def message(read) -> str:
        from cnncount.model import count as count_arch

        with pytest.raises(cnncount.CnnCountError) as caught:
            count_arch(read())
        return str(caught.value)

    stem = bundled_variant(name)[0]
    parsed = message(lambda: from_bundled(name, **options))
    assert parsed == message(lambda: from_yaml(read_bundled(name), f"{stem}.yaml", **options))
    assert f"{stem}.yaml:" in parsed


def test_a_bundled_count_reads_no_yaml():
    """The pre-parsed form spares PyYAML's import and parse (issue 16's start-up)."""
    import subprocess
    import sys

    code = "import sys, cnncount; cnncount.count('resnet50'); print('yaml' in sys.modules, 'pathlib' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout == "False False\n", done.stderr  # nor pathlib, which would cost 2.6 ms
