"""Reward money computed, not typed: coefficient × base salary on the decision date, rounded (spec §4.5–4.8)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import yaml
from click.testing import CliRunner

from docx_checks import full_text, open_docx
from paperwork.cli import cli
from paperwork.config import Workspace
from paperwork.errors import InputError
from paperwork.generate import render_document
from paperwork.kinds import KINDS
from paperwork.models import RewardDecisionInput
from paperwork.money import round_money, rules_for, shipped_rules

D = dt.date


@pytest.mark.parametrize(
    ("day", "base"),
    [
        (D(2019, 7, 1), 1_490_000),
        (D(2023, 6, 30), 1_490_000),
        (D(2023, 7, 1), 1_800_000),
        (D(2024, 6, 30), 1_800_000),
        (D(2024, 7, 1), 2_340_000),
        (D(2026, 6, 30), 2_340_000),
        (D(2026, 7, 1), 2_530_000),
        (D(2030, 1, 1), 2_530_000),
    ],
)
def test_base_salary_at_each_boundary(day, base):
    """The base salary in force on the decision date: 30/6 is the old one, 1/7 the new."""
    rules = shipped_rules()
    assert rules.base_salary(day).value == base
    # Chiến sĩ thi đua cơ sở is 1,0 in every period: the amount is the base itself.
    assert rules.reward("Chiến sĩ thi đua cơ sở", "individual", day).amount == base


def test_no_base_salary_before_the_data_begins():
    with pytest.raises(InputError, match=r"^awardees\[0\]\.amount: no base salary .* for 2019-06-30"):
        shipped_rules().base_salary(D(2019, 6, 30), field="awardees[0].amount")


@pytest.mark.parametrize(
    ("value", "mode", "expected"),
    [
        ("702000", "up", 710_000),
        ("3795000", "up", 3_800_000),
        ("3510000", "up", 3_510_000),  # an exact multiple stays
        ("1490000", "up", 1_490_000),
        ("0", "up", 0),
        ("702000.0001", "up", 710_000),
        ("223500", "nearest", 220_000),
        ("447000", "nearest", 450_000),
        ("225000", "nearest", 230_000),  # half goes up
        ("3510000", "nearest", 3_510_000),
    ],
)
def test_rounding(value, mode, expected):
    assert round_money(Decimal(value), mode) == expected


def test_rounding_step_and_unknown_mode():
    assert round_money(Decimal("1234"), "up", step=1000) == 2000
    with pytest.raises(ValueError):
        round_money(Decimal(1), "down")


@pytest.mark.parametrize(
    ("award", "subject", "day", "amount", "formula"),
    [
        # §4.8 table: ceil to 10.000 of coefficient × base.
        ("Lao động tiên tiến", "individual", D(2024, 7, 1), 710_000, "0,3 × 2.340.000"),
        ("Tập thể lao động tiên tiến", "collective", D(2026, 7, 1), 2_030_000, "0,8 × 2.530.000"),
        ("Bằng khen của Thủ tướng Chính phủ", "individual", D(2026, 7, 1), 8_860_000, "3,5 × 2.530.000"),
        ("Cờ thi đua của Chính phủ", "collective", D(2023, 7, 1), 21_600_000, "12,0 × 1.800.000"),
        # Bằng khen of a minister: 1,0 / 2,0 under NĐ 91/2017, 1,5 / 3,0 under NĐ 152/2025.
        ("Bằng khen của Bộ trưởng Bộ Nội vụ", "individual", D(2023, 2, 27), 1_490_000, "1,0 × 1.490.000"),
        ("Bằng khen của Bộ trưởng Bộ Nội vụ", "collective", D(2023, 2, 27), 2_980_000, "2,0 × 1.490.000"),
        ("Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh Cà Mau", "individual", D(2026, 7, 1), 3_800_000,
         "1,5 × 2.530.000"),
        ("bằng khen của chủ tịch uỷ ban nhân dân tỉnh Cà Mau", "collective", D(2026, 7, 1), 7_590_000,
         "3,0 × 2.530.000"),
        # The longest matching name wins: a commune chair's Giấy khen is not the generic one.
        ("Giấy khen của Chủ tịch Ủy ban nhân dân xã Tân Phong", "individual", D(2023, 2, 1), 230_000,
         "0,15 × 1.490.000"),
        ("Giấy khen của Giám đốc Sở Nội vụ", "individual", D(2023, 2, 1), 450_000, "0,3 × 1.490.000"),
    ],
)
def test_amounts_individual_and_collective(award, subject, day, amount, formula):
    reward = shipped_rules().reward(award, subject, day)
    assert (reward.amount, reward.formula) == (amount, formula)


def test_collective_gets_more_than_individual_for_the_same_award():
    rules = shipped_rules()
    for day in (D(2023, 2, 27), D(2026, 3, 6)):
        one = rules.reward("Bằng khen của Bộ trưởng", "individual", day).amount
        team = rules.reward("Bằng khen của Bộ trưởng", "collective", day).amount
        assert team == 2 * one


@pytest.mark.parametrize(
    ("award", "subject", "day", "message"),
    [
        ("Chiến sĩ thi đua cơ sở", "collective", D(2024, 1, 1), "is not given to a collective"),
        ("Tập thể lao động xuất sắc", "individual", D(2024, 1, 1), "is not given to an individual"),
        ("Huy hiệu kỷ niệm", "individual", D(2024, 1, 1), "no coefficient for 'Huy hiệu kỷ niệm' on 2024-01-01"),
        # NĐ 98/2023's Bằng khen value was not found: refused, never guessed.
        ("Bằng khen của Bộ trưởng", "individual", D(2024, 3, 1), "no coefficient for 'Bằng khen của Bộ trưởng'"),
        # A name is matched whole words only.
        ("Bằng khen của Bộ trưởngX", "individual", D(2023, 3, 1), "no coefficient"),
    ],
)
def test_missing_rule_is_an_input_error_naming_the_field(award, subject, day, message):
    with pytest.raises(InputError) as e:
        shipped_rules().reward(award, subject, day, field="awardees[3].amount")
    assert e.value.field == "awardees[3].amount" and message in str(e.value)
    assert str(e.value).startswith("awardees[3].amount: ")


def test_workspace_overrides_win_where_they_cover_the_date():
    rules = rules_for(
        {
            "rounding": "nearest",
            "base_salary": [{"value": 1_500_000, "from": D(2023, 1, 1), "until": D(2023, 6, 30)}],
            "coefficients": {
                "Bằng khen của Bộ trưởng": {"individual": 1.5, "collective": 3.0},
                "Giấy khen của Giám đốc Sở": [
                    {"individual": 0.3, "until": D(2023, 12, 31)},
                    {"individual": 0.5, "from": D(2025, 7, 1), "source": "Quyết định của UBND tỉnh"},
                ],
            },
        },
        source="paperwork.toml",
    )
    assert rules.base_salary(D(2022, 12, 31)).value == 1_490_000  # outside the override: shipped
    assert rules.base_salary(D(2023, 3, 1)).value == 1_500_000
    assert rules.base_salary(D(2023, 7, 1)).value == 1_800_000
    reward = rules.reward("Bằng khen của Bộ trưởng Bộ Nội vụ", "individual", D(2023, 3, 1))
    assert (reward.amount, reward.formula) == (2_250_000, "1,5 × 1.500.000")
    assert rules.reward("Giấy khen của Giám đốc Sở Nội vụ", "individual", D(2026, 1, 5)).amount == 1_170_000
    assert rules.reward("Giấy khen của Giám đốc Sở Nội vụ", "individual", D(2023, 3, 1)).amount == 450_000
    with pytest.raises(InputError, match="no coefficient"):
        rules.reward("Giấy khen của Giám đốc Sở Nội vụ", "individual", D(2024, 5, 1))
    # A collective value the workspace leaves out comes from the shipped data.
    assert rules.reward("Giấy khen của Giám đốc Sở Nội vụ", "collective", D(2023, 3, 1)).formula == "0,6 × 1.500.000"
    # Untouched awards keep the shipped values (the override's rounding applies).
    assert rules.reward("Lao động tiên tiến", "individual", D(2024, 7, 1)).amount == 700_000


@pytest.mark.parametrize(
    ("table", "field", "message"),
    [
        ({"rounding": "down"}, "money.rounding", "must be one of up, nearest"),
        ({"base": 1}, "money.base", "unknown field"),
        ({"base_salary": [{"value": 1.5, "from": D(2026, 1, 1)}]}, "money.base_salary[0].value", "whole number"),
        ({"base_salary": [{"value": 2_000_000}]}, "money.base_salary[0].from", "field required"),
        ({"base_salary": [{"value": 2_000_000, "from": D(2026, 1, 1), "until": D(2025, 1, 1)}]},
         "money.base_salary[0].until", "must not be before"),
        ({"coefficients": {"X": {"individual": "nhiều"}}}, 'money.coefficients."X".individual', "must be a number"),
        ({"coefficients": {"X": {}}}, 'money.coefficients."X"', "give `individual`, `collective` or both"),
        ({"coefficients": {"X": [{"individual": 1, "to": 2}]}}, 'money.coefficients."X"[0].to', "unknown field"),
    ],
)
def test_bad_override_names_the_profile_and_field(table, field, message):
    with pytest.raises(InputError) as e:
        rules_for(table, source="/ws/paperwork.toml")
    assert e.value.source == "/ws/paperwork.toml" and e.value.field == field and message in e.value.reason


# ---------------------------------------------------------------- in the decision
def decision_data(**changes) -> dict:
    data = yaml.safe_load(KINDS["reward-decision"].example())
    data.update(changes)
    return data


def render(data: dict, tmp_path, money: dict | None = None):
    kind = KINDS["reward-decision"]
    model = RewardDecisionInput.model_validate(data)
    return full_text(open_docx(render_document(kind, model, Workspace(root=tmp_path, money=money or {}))))


def test_example_amounts_are_computed_from_the_decision_date(tmp_path):
    data = decision_data()
    assert all("amount" not in a for a in data["awardees"])
    text = render(data, tmp_path)
    assert "Tổng số tiền: 31.290.000 đồng." in text  # 4 × 2.980.000 + 13 × 1.490.000
    assert "×" not in text, "the rule is shown only when asked"


def test_typed_amount_wins_and_per_awardee_rule(tmp_path):
    data = decision_data(date="2026-03-06")  # NĐ 152/2025: 1,5 / 3,0 × 2.340.000
    data["awardees"][0]["amount"] = 1_000_000
    data["awardees"][4]["award_rule"] = "Chiến sĩ thi đua cơ sở"  # 1,0 × 2.340.000
    text = render(data, tmp_path)
    # 1.000.000 + 3 × 7.020.000 + 2.340.000 + 12 × 3.510.000
    assert f"Tổng số tiền: {1_000_000 + 3 * 7_020_000 + 2_340_000 + 12 * 3_510_000:,} đồng.".replace(",", ".") in text


def test_show_rule_notes_each_computed_line_and_the_rule(tmp_path):
    data = decision_data(show_rule=True)
    data["awardees"][1]["amount"] = 3_000_000
    model = RewardDecisionInput.model_validate(data)
    doc = open_docx(render_document(KINDS["reward-decision"], model, Workspace(root=tmp_path)))
    collectives, individuals = doc.tables[-2], doc.tables[-1]
    assert [r.cells[3].text for r in collectives.rows[1:]] == ["2,0 × 1.490.000", "", "2,0 × 1.490.000",
                                                                "2,0 × 1.490.000"]
    notes = [r.cells[4].text for r in individuals.rows[1:]]
    assert notes[0] == "1,0 × 1.490.000" and "Cụm phó năm 2022; 1,0 × 1.490.000" in notes
    assert (
        "Số tiền thưởng = hệ số × mức lương cơ sở 1.490.000 đồng (Nghị định số 38/2019/NĐ-CP), "
        "làm tròn số lên hàng chục nghìn đồng; hệ số theo Nghị định số 91/2017/NĐ-CP."
    ) in full_text(doc)


def test_missing_rule_or_date_names_the_awardee(tmp_path):
    data = decision_data(date="2024-03-01")
    with pytest.raises(InputError) as e:
        render(data, tmp_path)
    assert e.value.field == "awardees[0].amount"
    data = decision_data()
    data["awardees"][3]["award_rule"] = "Huy chương X"
    with pytest.raises(InputError, match=r"^awardees\[3\]\.amount: no coefficient for 'Huy chương X'"):
        render(data, tmp_path)
    data = decision_data(date=None, number=None)
    with pytest.raises(InputError, match=r"^awardees\[0\]\.amount: no amount and no decision date"):
        render(data, tmp_path)


@pytest.fixture
def workspace(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PAPERWORK_HOME", raising=False)
    src = tmp_path / "qd.yaml"
    src.write_text(KINDS["reward-decision"].example(), encoding="utf-8")
    return tmp_path, src


def run_render(ws, src):
    out = ws / "qd.docx"
    result = CliRunner().invoke(cli, ["--workspace", str(ws), "render", "reward-decision", str(src), "-o", str(out),
                                      "--no-archive"])
    return result, out


def test_workspace_money_overrides_through_render(workspace):
    """paperwork.toml [money] changes the base salary, a coefficient and the rounding of a real render."""
    ws, src = workspace
    (ws / "paperwork.toml").write_text(
        "[money]\n"
        'rounding = "nearest"\n'
        "[[money.base_salary]]\n"
        "value = 1500000\n"
        "from = 2023-01-01\n"
        "until = 2023-06-30\n"
        'source = "giả định để kiểm thử"\n'
        "[money.coefficients]\n"
        '"Bằng khen của Bộ trưởng" = {individual = 1.49, collective = 3.0}\n',
        encoding="utf-8",
    )
    result, out = run_render(ws, src)
    assert result.exit_code == 0, result.output
    text = full_text(open_docx(out))
    # individual 1,49 × 1.500.000 = 2.235.000 → nearest 2.240.000; collective 4.500.000.
    total = 13 * 2_240_000 + 4 * 4_500_000
    assert f"Tổng số tiền: {total:,} đồng.".replace(",", ".") in text


def test_bad_workspace_money_is_one_line_exit_2(workspace):
    ws, src = workspace
    profile = ws / "paperwork.toml"
    profile.write_text('[money]\nrounding = "sideways"\n', encoding="utf-8")
    result, out = run_render(ws, src)
    assert (result.exit_code, result.stderr) == (2, f"Error: {profile}: money.rounding: must be one of up, nearest\n")
    assert not out.exists()
