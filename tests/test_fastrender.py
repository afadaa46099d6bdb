"""The prepared-once renderer gives the same XML as plain docxtpl, for every kind, and stays strict."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from jinja2 import Environment, StrictUndefined

from paperwork.config import Workspace
from paperwork.errors import TemplateError
from paperwork.fastrender import PreparedTemplate, render_plain
from paperwork.generate import is_numbered
from paperwork.inputs import load_input
from paperwork.kinds import KINDS, issue_of
from paperwork.render import _nfc, find_template, prepared, render_bytes


def env() -> Environment:
    return Environment(undefined=StrictUndefined, autoescape=True)


def example_context(kind_name: str, tmp_path: Path) -> tuple[Path, dict]:
    kind = KINDS[kind_name]
    src = tmp_path / f"{kind_name}.yaml"
    src.write_text(kind.example(), encoding="utf-8")
    doc = load_input(src, kind.model)
    context = kind.build(doc, issue_of(doc, numbered=is_numbered(kind, Workspace(root=tmp_path))))
    return find_template(kind.template), _nfc(context)


def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.testzip() is None
        return {name: z.read(name) for name in z.namelist()}


def assert_same_package(plain: bytes, fast: bytes) -> None:
    a, b = parts(plain), parts(fast)
    assert list(a) == list(b), "the same parts, in the same order"
    rendered = [n for n in a if n == "word/document.xml" or n.startswith(("word/header", "word/footer"))]
    assert "word/document.xml" in rendered and any("header" in n for n in rendered)
    for name in rendered:
        assert a[name] == b[name], f"{name} differs from docxtpl's"
    assert {n: a[n] for n in a} == {n: b[n] for n in b}, "every other part is docxtpl's too"


@pytest.mark.parametrize("kind_name", sorted(KINDS))
def test_fast_path_gives_docxtpl_xml_for_every_kind(kind_name, tmp_path):
    template, context = example_context(kind_name, tmp_path)
    plain = render_plain(template, context, env())
    fast = PreparedTemplate(template, env()).render(context)
    assert_same_package(plain, fast)
    assert render_bytes(template, context) == fast, "render_bytes takes the fast path"


def test_listing_characters_and_markup_are_handled_as_docxtpl_does(tmp_path):
    """Tabs and newlines become runs and breaks (resolve_listing); <, & are escaped, never dropped."""
    template, context = example_context("reward-decision", tmp_path)
    context = {**context, "agency": "SỞ <NỘI> & VỤ\tTAB\nLINE", "parent": "A\fB\aC"}
    assert_same_package(render_plain(template, context, env()), PreparedTemplate(template, env()).render(context))
    assert b"S\xe1\xbb\x9e &lt;N\xe1\xbb\x98I&gt; &amp; V\xe1\xbb\xa4" in parts(render_bytes(template, context))[
        "word/document.xml"]


def test_docpr_ids_and_table_fixes_follow_docxtpl(tmp_path):
    """Rendering twice with one prepared template gives the same bytes (no state carried over)."""
    template, context = example_context("reward-decision", tmp_path)
    fast = PreparedTemplate(template, env())
    assert fast.render(context) == fast.render(context)


def test_strict_undefined_still_raises(tmp_path):
    template, context = example_context("reward-decision", tmp_path)
    del context["agency"]
    with pytest.raises(TemplateError, match="template reward-decision.docx: 'agency' is undefined"):
        render_bytes(template, context)


def test_prepared_once_per_process_and_again_when_the_file_changes(tmp_path):
    template, _ = example_context("covenant", tmp_path)
    first = prepared(template)
    assert prepared(template) is first
    copy = tmp_path / "covenant.docx"
    copy.write_bytes(template.read_bytes())
    one = prepared(copy)
    copy.write_bytes(template.read_bytes() + b"")
    import os

    os.utime(copy, ns=(1, 1))
    assert prepared(copy) is not one


def test_a_non_docx_template_is_a_template_error(tmp_path):
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(TemplateError, match="cannot be read as a .docx template"):
        render_bytes(bad, {})
