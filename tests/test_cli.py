"""The barometer command: listing waves, data errors as one line, peers end to end."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from barometer.cli import main

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A throwaway project holding a copy of the 2025 sample wave."""
    (tmp_path / "pyproject.toml").write_text("")
    shutil.copytree(ROOT / "data" / "raw" / "2025", tmp_path / "data" / "raw" / "2025")
    monkeypatch.setenv("BAROMETER_ROOT", str(tmp_path))
    monkeypatch.setenv("BAROMETER_SECRET", "test-secret")
    return tmp_path


def test_waves_lists_the_shipped_samples(capsys):
    assert main(["waves", "--raw-dir", str(ROOT / "data" / "raw")]) == 0
    out = capsys.readouterr().out
    assert "2025    v1" in out and "2026    v2" in out
    assert "520" in out and "610" in out  # answers in each export
    assert out.count("yes") == 2  # both synthetic


def test_malformed_wave_yaml_is_one_line_and_exit_1(project, capsys):
    wave_yaml = project / "data" / "raw" / "2025" / "wave.yaml"
    wave_yaml.write_text(wave_yaml.read_text().replace("codebook: v1", "codebok: v1"))
    assert main(["waves"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    assert str(wave_yaml) in err and "unknown key(s) codebok" in err
    assert "Traceback" not in err


def test_no_command_prints_help(capsys):
    assert main([]) == 2
    assert "barometer" in capsys.readouterr().out


def test_synth_then_clean_then_peers(project, capsys):
    assert main(["synth", "--wave", "2027", "--n", "120", "--seed", "3",
                 "--out", str(project / "data" / "raw" / "2027")]) == 0  # fmt: skip
    assert main(["clean", "--wave", "2027"]) == 0
    respondents = pd.read_parquet(project / "data" / "processed" / "2027" / "respondents.parquet")
    assert main(["peers", "--wave", "2027", "--all"]) == 0
    peers = project / "reports" / "2027" / "peers"
    mapping = pd.read_csv(peers / "peers-mapping.csv")
    assert len(mapping) == int(respondents["has_contact"].sum()) > 0
    page = (peers / mapping["file"].iloc[0]).read_text(encoding="utf-8")
    assert not any(pseudonym in page for pseudonym in respondents["respondent_id"])
    one = respondents["respondent_id"].iloc[0]
    assert main(["peers", "--wave", "2027", "--respondent", one]) == 0
    assert main(["peers", "--wave", "2027"]) == 1
    assert "--respondent" in capsys.readouterr().err


def test_peers_before_clean_says_what_to_do(project, capsys):
    assert main(["peers", "--wave", "2025", "--all"]) == 1
    assert "barometer clean --wave 2025" in capsys.readouterr().err
