"""One message catalogue: the CLI speaks Vietnamese under a Vietnamese locale, English otherwise;
paths and field paths are never translated; the catalogue is complete and compiled."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from paperwork import i18n
from paperwork.cli import cli
from paperwork.errors import InputError
from paperwork.i18n import _
from paperwork.kinds import KINDS

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "src" / "paperwork" / "examples"

VI = {"LANGUAGE": None, "LC_ALL": None, "LC_MESSAGES": None, "LANG": "vi_VN.UTF-8"}
EN = {"LANGUAGE": None, "LC_ALL": None, "LC_MESSAGES": None, "LANG": "C"}


def invoke(env: dict, *args: str):
    return CliRunner().invoke(cli, list(args), env=env)


def bad_amount_input(folder: Path) -> Path:
    """The shipped reward decision with a fourth awardee whose amount is not a number."""
    data = yaml.safe_load(KINDS["reward-decision"].example())
    data["awardees"][3]["amount"] = "hai triệu"
    path = folder / "qd.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_vietnamese_locale_gives_a_vietnamese_error_with_the_english_field_path(tmp_path: Path) -> None:
    """Under LANG=vi_VN the message is Vietnamese, the file and field path stay as written, exit 2."""
    source = bad_amount_input(tmp_path)
    result = invoke(VI, "check", "reward-decision", str(source))
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == (
        f"Lỗi: {source}: awardees[3].amount: phải là số nguyên, không đọc được chuỗi thành số nguyên"
    )


def test_c_locale_gives_the_english_error(tmp_path: Path) -> None:
    source = bad_amount_input(tmp_path)
    result = invoke(EN, "check", "reward-decision", str(source))
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == (
        f"Error: {source}: awardees[3].amount: input should be a valid integer, unable to parse string as an integer"
    )


def test_language_variable_wins_over_lang(tmp_path: Path) -> None:
    """GNU order: LANGUAGE, then LC_ALL, LC_MESSAGES, LANG."""
    source = tmp_path / "missing.yaml"
    vi = invoke({**EN, "LANGUAGE": "vi:en"}, "check", "reward-decision", str(source))
    en = invoke({**VI, "LC_ALL": "en_US.UTF-8"}, "check", "reward-decision", str(source))
    assert vi.stderr.strip() == f"Lỗi: {source}: không có tệp này"
    assert en.stderr.strip() == f"Error: {source}: no such file"
    assert vi.exit_code == en.exit_code == 2


def test_click_usage_errors_follow_the_locale() -> None:
    """Click's own messages (a missing argument, an unknown command) come from the same catalogue."""
    vi = invoke(VI, "render")
    en = invoke(EN, "render")
    assert vi.exit_code == en.exit_code == 2
    assert vi.stderr.splitlines()[-1] == "Lỗi: Thiếu tham số 'KIND'."
    assert en.stderr.splitlines()[-1] == "Error: Missing argument 'KIND'."
    assert invoke(VI, "rendr").stderr.splitlines()[-1] == "Lỗi: Không có lệnh 'rendr'. (Có phải ý bạn là: 'render'?)"


def test_an_operation_error_keeps_exit_1_in_vietnamese(tmp_path: Path) -> None:
    result = invoke({**VI, "PAPERWORK_HOME": None}, "--workspace", str(tmp_path), "register", "list")
    assert result.exit_code == 2, result.output  # no workspace: a usage error in either language
    assert result.stderr.startswith("Lỗi: ")
    assert "paperwork init DIR" in result.stderr and "trước" in result.stderr


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_example_comments_follow_the_catalogue(kind: str) -> None:
    """`paperwork example KIND` under Vietnamese: every comment translated, the data unchanged."""
    english = invoke(EN, "example", kind)
    vietnamese = invoke(VI, "example", kind)
    assert english.exit_code == vietnamese.exit_code == 0
    assert english.output == (EXAMPLES / f"{kind}.yaml").read_text(encoding="utf-8")
    assert yaml.safe_load(vietnamese.output) == yaml.safe_load(english.output)
    assert vietnamese.output.count("\n") == english.output.count("\n")
    english_comments = [m for _line, m in i18n.yaml_comments(english.output)]
    vietnamese_comments = [m for _line, m in i18n.yaml_comments(vietnamese.output)]
    assert len(english_comments) == len(vietnamese_comments)
    with i18n.using("vi"):
        assert vietnamese_comments == [_(m) for m in english_comments]
    if kind == "reward-decision":
        assert "# Tiền thưởng. Người được khen không ghi `amount`" in vietnamese.output


def test_option_help_is_translated_and_docstrings_stay() -> None:
    result = invoke(VI, "render", "--help")
    assert result.exit_code == 0
    assert "Cách dùng: cli render [OPTIONS] KIND INPUT" in result.output
    assert "Tùy chọn:" in result.output
    assert "Tệp .docx cần ghi." in result.output
    assert "Hiện hướng dẫn này rồi thoát." in result.output
    assert "Render INPUT (YAML or JSON)" in result.output  # the docstring: English documentation
    english = invoke(EN, "render", "--help")
    assert "The .docx to write." in english.output and "Options:" in english.output


def test_input_error_translates_the_reason_not_the_path() -> None:
    with i18n.using("vi"):
        e = InputError(_("field required"), source="qd.yaml", field="items[3].amount")
    assert str(e) == "qd.yaml: items[3].amount: thiếu trường bắt buộc"
    assert (e.source, e.field) == ("qd.yaml", "items[3].amount")
    assert str(InputError(_("field required"), source="qd.yaml", field="items[3].amount")) == (
        "qd.yaml: items[3].amount: field required"
    )


def test_the_language_is_per_context_so_two_requests_can_differ() -> None:
    """A web server answers a Vietnamese and an English request at once: each sees its own."""
    barrier = threading.Barrier(2)
    seen: dict[str, list[str]] = {}

    def request(lang: str) -> None:
        with i18n.using(lang):
            barrier.wait()
            seen[lang] = [_("no such file") for _i in range(200)]
            barrier.wait()
            seen[lang].append(i18n.current())

    threads = [threading.Thread(target=request, args=(lang,)) for lang in ("vi", "en")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert set(seen["vi"]) == {"không có tệp này", "vi"}
    assert set(seen["en"]) == {"no such file", "en"}
    assert i18n.current() == "en"


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"LANG": "vi_VN.UTF-8"}, "vi"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({}, "en"),
        ({"LANGUAGE": "", "LC_ALL": "", "LANG": "vi_VN"}, "vi"),
        ({"LC_MESSAGES": "en_GB.UTF-8", "LANG": "vi_VN.UTF-8"}, "en"),
        ({"LANGUAGE": "fr:vi", "LANG": "C"}, "vi"),
        ({"LANGUAGE": "en:vi", "LANG": "vi_VN.UTF-8"}, "en"),
    ],
)
def test_language_from_environment(environ: dict, expected: str) -> None:
    assert i18n.language_from_environment(environ) == expected


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("vi-VN,vi;q=0.9,en-US;q=0.8,en;q=0.7", "vi"),
        ("en-US,en;q=0.9,vi;q=0.8", "en"),
        ("fr-FR, vi;q=0.5", "vi"),
        ("vi;q=0, en", "en"),
        ("", "en"),
        (None, "en"),
        ("*", "en"),
    ],
)
def test_language_from_accept_language(header: str | None, expected: str) -> None:
    assert i18n.language_from_accept(header) == expected


def test_jinja_templates_use_the_same_catalogue() -> None:
    jinja2 = pytest.importorskip("jinja2")
    env = i18n.install(jinja2.Environment(autoescape=True))
    template = env.from_string('{{ _("Options") }} | {% trans %}No events.{% endtrans %} | {{ current_language() }}')
    with i18n.using("vi"):
        assert template.render() == "Tùy chọn | Không có sự kiện nào. | vi"
    assert template.render() == "Options | No events. | en"


def test_every_comment_of_every_example_is_untouched_in_english() -> None:
    for path in sorted(EXAMPLES.glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        with i18n.using("en"):
            assert i18n.translate_yaml_comments(text) == text
        with i18n.using("vi"):
            translated = i18n.translate_yaml_comments(text)
        assert yaml.safe_load(translated) == yaml.safe_load(text), path.name


def test_the_catalogue_is_complete_and_compiled() -> None:
    """Every msgid of the code, the web templates and the examples is translated in the .po,
    and the committed .mo is the compiled .po (scripts/messages check)."""
    pytest.importorskip("babel")
    result = subprocess.run(
        [str(ROOT / "scripts" / "messages"), "check"],
        capture_output=True, text=True, env={"PATH": "/usr/bin:/bin", "PYTHON": sys.executable}, cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "catalogue complete"
