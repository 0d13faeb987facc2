"""Display names of the default taxonomy's labels."""

import re

import pytest
from conftest import SHARED

from classify.model.taxonomy import DISPLAY_NAMES, display_name


def test_known_labels_get_their_vietnamese_name_and_others_stay_as_they_are():
    assert display_name("event_type", "official_visit") == "Thăm và làm việc"
    assert display_name("topics", "info_security") == "An toàn thông tin"
    assert display_name("topics", "cinema") == "cinema"  # a user's own label
    assert display_name("sentiment", "positive") == "positive"  # a user's own field


def test_every_label_of_the_shipped_model_has_a_display_name(default_model):
    classes = default_model.classifier.classes_by_field
    assert set(classes) == set(DISPLAY_NAMES)
    for field, labels in classes.items():
        assert {str(label) for label in labels} == set(DISPLAY_NAMES[field]), field


def test_display_names_are_the_ones_the_taxonomy_defines():
    taxonomy = SHARED / "TAXONOMY.md"
    if not taxonomy.exists():
        pytest.skip("../shared/TAXONOMY.md is absent (a user's fresh checkout)")
    # Table rows: | `label` | Vietnamese name | definition ...
    rows = dict(re.findall(r"^\| `([a-z_]+)` \| ([^|]+?) \|", taxonomy.read_text(encoding="utf-8"), re.MULTILINE))
    names = {label: name for field in DISPLAY_NAMES.values() for label, name in field.items()}
    assert rows == names
