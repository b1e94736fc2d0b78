"""Peer reports: group widening, minimum sizes, no leak, agreement with the estimates."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from factories import make_respondents

from barometer.codebook import load_codebook
from barometer.peers import peer_group, peer_position, render_report, write_reports
from barometer.survey import proportion

V1 = load_codebook("v1")


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    frame = make_respondents(300, seed=3)
    codes = V1.question("org_type").codes
    # a crowded cell (association, 1-9), a type with few of each size, a lone EdTech
    frame["org_type"] = pd.Categorical(
        ["association"] * 200 + ["fondation"] * 99 + ["edtech"], categories=codes
    )
    sizes = V1.question("org_size").codes
    frame["org_size"] = pd.Categorical(
        ["1_9"] * 150 + ["none"] * 50 + [sizes[i % 5] for i in range(99)] + ["10_49"],
        categories=sizes,
        ordered=True,
    )
    return frame


def test_default_group_is_type_and_size(data):
    group = peer_group(data, 0, V1)
    assert group.level == "type_size"
    assert group.size == 149  # the 150 associations of 1 to 9 employees, itself excluded
    assert not group.mask[0]
    assert "élargi" not in group.description


def test_small_group_widens_to_type_then_all(data):
    small = peer_group(data, 200, V1, min_peers=25)  # fondation with ~20 of its size band
    assert small.level == "type"
    assert small.size == 98
    assert "élargi" in small.description
    lone = peer_group(data, 299, V1)  # the only EdTech
    assert lone.level == "all"
    assert lone.size == 299


def test_no_group_at_all_is_an_error():
    tiny = make_respondents(8, seed=1)
    with pytest.raises(ValueError, match="fewer than 10 other respondents"):
        peer_group(tiny, 0, V1)


def test_shares_agree_with_the_weighted_estimates(data):
    respondent = data["respondent_id"].iloc[0]
    position = peer_position(data, respondent, V1, wave="2025")
    mask = position.group.mask
    status = data["ai_status"].astype(object)
    expected = proportion(
        np.where(mask, (status == "regular").to_numpy(float), np.nan), data["weight"]
    )
    regular = next(
        s for s in position.adoption if s.item == V1.question("ai_status").label("regular")
    )
    assert regular.peers_percent == pytest.approx(100 * expected.estimate, abs=1e-9)
    assert regular.peers_base == mask.sum()


def test_shares_on_fewer_than_ten_peers_are_hidden(data):
    frame = data.copy()
    # only 6 peers of respondent 0 are asked the users-only questions
    users = np.zeros(len(frame), dtype=bool)
    users[:7] = True
    status = np.where(users, "regular", "not_considered")
    frame["ai_status"] = pd.Categorical(status, categories=V1.question("ai_status").codes)
    for row in V1.question("stages").rows:
        values = frame[row.id].astype(object).where(users, None)
        values[users] = "regularly"
        frame[row.id] = pd.Categorical(values, categories=V1.question("stages").codes)
    position = peer_position(frame, frame["respondent_id"].iloc[0], V1, wave="2025")
    assert all(s.peers_percent is None for s in position.stages)
    assert all(s.peers_base == 6 for s in position.stages)
    page = render_report(position)
    assert "effectif insuffisant" in page


def test_report_holds_no_other_respondent_and_no_pseudonym(data):
    frame = data.copy()
    frame["barriers__other_text"] = "Contactez marie.durand@example.org au 01 99 00 12 34"
    respondent = frame["respondent_id"].iloc[5]
    page = render_report(peer_position(frame, respondent, V1, wave="2025"), synthetic=True)
    for pseudonym in frame["respondent_id"]:
        assert pseudonym not in page
    assert "@" not in page and "01 99" not in page
    assert '<html lang="fr">' in page
    assert "synthétiques" in page


def test_practices_quote_peers_share(data):
    frame = data.copy()
    frame["ai_charter"] = pd.Categorical(
        ["no"] + ["adopted"] * 299, categories=V1.question("ai_charter").codes
    )
    position = peer_position(frame, frame["respondent_id"].iloc[0], V1, wave="2025")
    assert position.practices[0].startswith("100\u202f% de vos pairs")
    assert "charte" in position.practices[0]


def test_write_reports_for_those_with_a_contact(tmp_path, data):
    mapping = write_reports(data, V1, tmp_path, wave="2025")
    assert len(mapping) == int(data["has_contact"].sum())
    assert (tmp_path / "peers-mapping.csv").is_file()
    files = sorted(p.name for p in tmp_path.glob("rapport-*.html"))
    assert files == sorted(mapping["file"])
    text = (tmp_path / files[0]).read_text(encoding="utf-8")
    assert not re.search(r"[0-9a-f]{16}", text)


def test_unknown_respondent(data):
    with pytest.raises(KeyError, match="no respondent"):
        peer_position(data, "nobody", V1, wave="2025")


def test_shares_agree_with_the_published_crosstab(data):
    """A peer share is the table's cell for the peer group, computed without the respondent."""
    from barometer.tables import crosstab

    index = 200  # a foundation: with min_peers=25 its group widens to every foundation
    respondent = data["respondent_id"].iloc[index]
    position = peer_position(data, respondent, V1, wave="2025", min_peers=25)
    assert position.group.level == "type"
    others = data.drop(index=data.index[index])
    table = crosstab(others, "ai_status", "org_type", codebook=V1).frame
    cells = table[(table["col"] == "fondation")].set_index("row")["percent"]
    labels = V1.question("ai_status").labels
    for share in position.adoption:
        code = next(c for c, label in labels.items() if label == share.item)
        assert share.peers_percent == pytest.approx(cells[code], abs=1e-9), code


def test_own_answer_is_marked_on_its_row_only(data):
    position = peer_position(data, data["respondent_id"].iloc[0], V1, wave="2025")
    charter = V1.question("ai_charter")
    rows = [s for s in position.governance if s.topic == charter.text]
    own = charter.label(str(data["ai_charter"].iloc[0]))
    assert [s.item for s in rows if s.own] == [own]
