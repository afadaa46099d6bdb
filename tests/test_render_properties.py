"""Any text a clerk can type reaches the document exactly (after NFC), in every string field.

XML specials, combining marks, emoji, Jinja-looking text and very long strings
are all data: the document still opens and contains the value.
"""

from __future__ import annotations

import unicodedata

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from docx_checks import full_text, open_docx
from paperwork.config import Workspace
from paperwork.errors import InputError
from paperwork.generate import render_document
from paperwork.inputs import validate
from paperwork.kinds import KINDS
from paperwork.vietnamese import upper_vi

# Fields whose value is constrained by a rule, not free text (award_rule must name a known
# coefficient, or the computed amounts cannot be made).
CONSTRAINED = {"agency.code", "head", "deputy", "signer.name", "award_rule"}
SPECIALS = ["&", "<b>bold</b>", "a < b > c", "\"quoted\" 'single'", "]]>", "&amp;", "{{ title }}", "{%p if x %}",
            "e\u0301", "Ð Đ đ", "👩‍👩‍👧 🇻🇳", "\u00a0nbsp\u00a0", "x" * 5000, "Điều 1.;", "<w:t>x</w:t>"]

text = st.one_of(
    st.sampled_from(SPECIALS),
    st.text(st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=80),
    st.text(st.sampled_from("aăâeêioôơuưyđĐ\u0300\u0301\u0303\u0309\u0323 <>&\"'"), min_size=1, max_size=40),
)


def string_paths(value, path=""):
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from string_paths(getattr(value, name), f"{path}.{name}" if path else name)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from string_paths(item, f"{path}[{i}]")
    elif isinstance(value, str) and path not in CONSTRAINED and not path.endswith((".kind", "agency.code")):
        yield path


def set_path(data, path: str, value):
    keys = path.replace("]", "").replace("[", ".").split(".")
    for key in keys[:-1]:
        data = data[int(key)] if isinstance(data, list) else data[key]
    last = keys[-1]
    if isinstance(data, list):
        data[int(last)] = value
    else:
        data[last] = value


def forms(value: str) -> set[str]:
    out = {value, upper_vi(value)}
    # Centred lines (titles, signer blocks, certificates) are broken into balanced lines word by word
    # (layout.py): a run of spaces between two words comes out as one.
    spaced = " ".join(value.split())
    out |= {spaced, upper_vi(spaced)}
    if len(value) > 1 and value[-1] in ";.,":
        out |= {value[:-1].rstrip(), upper_vi(value[:-1].rstrip())}
    return out


@pytest.mark.parametrize("kind_name", sorted(KINDS))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_text_in_any_field_reaches_the_document(kind_name, data, tmp_path):
    kind = KINDS[kind_name]
    example = yaml.safe_load(kind.example())
    paths = sorted(string_paths(validate(example, kind.model, "example")))
    path = data.draw(st.sampled_from(paths), label="field")
    value = data.draw(text, label="value")
    if path.endswith("authority"):
        value = "KT. " + value
    assume(value.strip())
    set_path(example, path, value)
    if kind_name == "certificate" and path in ("agency.name", "issuer_title"):
        # The awarding authority must name the agency (model rule): keep them agreeing.
        example["issuer_title"] = f"Bộ trưởng {value}" if path == "agency.name" else f"{value} Bộ Nội vụ"
    try:
        model = validate(example, kind.model, "input")
    except InputError as e:  # a cross-field rule (e.g. signer = chair) may refuse; it must say so
        assert e.field is not None
        return
    doc = open_docx(render_document(kind, model, Workspace(root=tmp_path)))
    expected = unicodedata.normalize("NFC", value).strip()
    text_ = full_text(doc)
    assert any(f in text_ for f in forms(expected)), f"{path}: {expected!r} not in the document"
    assert unicodedata.is_normalized("NFC", text_)
