"""Where specs come from: the bundled files, and the variants of a bundled family file by name."""

from __future__ import annotations

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
