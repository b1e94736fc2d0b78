"""A participant beside its peers: "se situer parmi ses pairs".

For one respondent, :func:`peer_position` chooses its peer group (same
organisation type and size band; widened to the type, then to everyone, when
fewer than ``min_peers`` other respondents remain), and sets each of its
answers beside the weighted shares of its peers.  :func:`render_report`
turns that into one French HTML page.

Privacy rules, enforced here and tested:

- only aggregates over at least ``min_peers`` respondents are shown (a share
  whose base of peers asked is smaller is replaced by "effectif insuffisant");
- the respondent itself is never counted among its peers;
- no free text, no pseudonym, no identifier of anyone appears in a report
  (file names are neutral, a separate CSV maps pseudonym → file for the team
  that sends them).

Shares are design-based weighted proportions computed by
:func:`barometer.survey.proportion`, the function behind the tables, so a
report agrees with the published tables.
"""

from __future__ import annotations

import html
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from barometer import paths
from barometer.codebook import Codebook, load_codebook
from barometer.french import format_percent
from barometer.indicators import expand_indicators, indicator_values, question_of

MIN_PEERS = 10


@dataclass(frozen=True)
class PeerGroup:
    """The peers of one respondent (itself excluded)."""

    mask: np.ndarray
    level: str
    """``"type_size"``, ``"type"`` or ``"all"``."""
    description: str
    """French description of the group, saying when it was widened."""

    @property
    def size(self) -> int:
        """Number of peers."""
        return int(self.mask.sum())


def peer_group(
    data: pd.DataFrame,
    index: int,
    codebook: Codebook,
    *,
    type_col: str = "org_type",
    size_col: str = "org_size",
    min_peers: int = MIN_PEERS,
) -> PeerGroup:
    """Choose the peers of the respondent at position ``index``.

    Parameters
    ----------
    data : pandas.DataFrame
        The wave's respondents.
    index : int
        Position of the respondent in ``data``.
    codebook : Codebook
        For the French labels of the type and size band.
    type_col, size_col : str
        Columns defining the default group.
    min_peers : int
        Smallest acceptable number of other respondents.

    Returns
    -------
    PeerGroup
        Same type and size band if that gives ``min_peers`` others; else the
        same type; else every other respondent.
    """
    others = np.ones(len(data), dtype=bool)
    others[index] = False
    own_type = data[type_col].iloc[index]
    own_size = data[size_col].iloc[index]
    same_type = (data[type_col].astype(object) == own_type).to_numpy() & others
    same_size = (data[size_col].astype(object) == own_size).to_numpy()
    type_label = _label(codebook, type_col, own_type)
    size_label = _label(codebook, size_col, own_size)
    candidates = [
        (same_type & same_size, "type_size", f"{type_label}, {size_label.lower()}"),
        (same_type, "type", f"{type_label} (toutes tailles)"),
        (others, "all", "l'ensemble des répondants"),
    ]
    for position, (mask, level, text) in enumerate(candidates):
        if pd.isna(own_type) and level != "all":
            continue
        if level == "type_size" and pd.isna(own_size):
            continue
        if mask.sum() >= min_peers:
            if position > 0:
                text += (
                    " — le groupe le plus proche comptait moins de "
                    f"{min_peers} répondants, il a été élargi"
                )
            return PeerGroup(mask=mask, level=level, description=text)
    raise ValueError(
        f"fewer than {min_peers} other respondents in the whole wave: no peer report is possible"
    )


def _label(codebook: Codebook, question_id: str, code: object) -> str:
    if pd.isna(code):
        return "non renseigné"
    return codebook.question(question_id).label(str(code))


@dataclass(frozen=True)
class Share:
    """One comparison line: the respondent's answer beside its peers' share."""

    topic: str
    item: str
    own: str
    peers_percent: float | None
    """Weighted percent of peers, None when their base is under the minimum."""
    peers_base: int


@dataclass
class PeerPosition:
    """Everything a peer report shows, as plain values."""

    wave: str
    group: PeerGroup
    adoption: list[Share] = field(default_factory=list)
    stages: list[Share] = field(default_factory=list)
    governance: list[Share] = field(default_factory=list)
    barriers: list[Share] = field(default_factory=list)
    practices: list[str] = field(default_factory=list)
    profile: str | None = None
    profile_traits: list[str] = field(default_factory=list)


def _share(values: np.ndarray, weights: np.ndarray, mask: np.ndarray, min_peers: int):
    """Weighted percent of ``values`` among the peers asked, and their base.

    The ratio estimator of :func:`barometer.survey.proportion`, computed
    directly: a report shows no interval, and computing only the estimate
    makes ``--all`` on a 600-answer wave a matter of seconds (the tests check
    that both agree).
    """
    asked = mask & ~np.isnan(values)
    base = int(asked.sum())
    if base < min_peers:
        return None, base
    w = weights[asked]
    return 100 * float(np.dot(w, values[asked]) / w.sum()), base


def _distribution(
    data: pd.DataFrame, index: int, column: str, question, group: PeerGroup, weights, min_peers
) -> list[Share]:
    answers = data[column].astype(object)
    own = answers.iloc[index]
    asked = answers.notna().to_numpy()
    shares = []
    for option in question.options:
        values = np.where(asked, (answers == option.code).to_numpy(dtype=float), np.nan)
        percent, base = _share(values, weights, group.mask, min_peers)
        marker = "✔ votre réponse" if own == option.code else ""
        shares.append(Share(column, option.label, marker, percent, base))
    return shares


def peer_position(
    data: pd.DataFrame,
    respondent_id: str,
    codebook: Codebook,
    *,
    wave: str,
    weight: str = "weight",
    profiles: pd.DataFrame | None = None,
    traits: pd.DataFrame | None = None,
    min_peers: int = MIN_PEERS,
) -> PeerPosition:
    """Place one respondent among its peers.

    Parameters
    ----------
    data : pandas.DataFrame
        The wave's respondents (``respondent_id``, codebook codes, ``weight``).
    respondent_id : str
        The pseudonym of the respondent.
    codebook : Codebook
        The wave's questionnaire.
    wave : str
        The wave id, for the report's title.
    weight : str
        Weight column.
    profiles : pandas.DataFrame, optional
        ``respondent_id``, ``profile``, ``profile_name`` (from 03_profiles).
    traits : pandas.DataFrame, optional
        Profile description (``cluster``, ``variable``, ``category``,
        ``v_test``…) from :func:`barometer.profiles.describe_profiles`, with a
        French ``label`` column when available.
    min_peers : int
        Smallest number of peers behind any share shown.

    Returns
    -------
    PeerPosition
    """
    matches = np.flatnonzero((data["respondent_id"] == respondent_id).to_numpy())
    if len(matches) != 1:
        raise KeyError(f"wave {wave}: no respondent {respondent_id!r}")
    index = int(matches[0])
    group = peer_group(data, index, codebook, min_peers=min_peers)
    weights = data[weight].to_numpy(dtype=float)
    position = PeerPosition(wave=str(wave), group=group)

    specs = expand_indicators(codebook)
    by_family: dict[str, list] = {}
    for spec in specs:
        by_family.setdefault(spec.family, []).append(spec)
    adoption = question_of(codebook, by_family["adoption"][0].question)
    position.adoption = _distribution(data, index, adoption.id, adoption, group, weights, min_peers)
    for spec in by_family["stages"]:
        question = question_of(codebook, spec.question)
        own = data[spec.question].iloc[index]
        own_text = "non concerné" if pd.isna(own) else question.label(str(own))
        values = indicator_values(data, spec).to_numpy()
        percent, base = _share(values, weights, group.mask, min_peers)
        position.stages.append(Share("stages", spec.label, own_text, percent, base))
    governance = dict.fromkeys(spec.question for spec in by_family["governance"])
    for question_id in governance:
        question = codebook.question(question_id)
        for share in _distribution(data, index, question_id, question, group, weights, min_peers):
            position.governance.append(
                Share(question.text, share.item, share.own, share.peers_percent, share.peers_base)
            )
    for spec in by_family["barriers"]:
        values = indicator_values(data, spec).to_numpy()
        percent, base = _share(values, weights, group.mask, min_peers)
        own = "✔ cité" if values[index] == 1 else ""
        position.barriers.append(Share("barriers", spec.label, own, percent, base))
    position.practices = _practices(data, index, codebook, group, weights, min_peers)
    if profiles is not None:
        _add_profile(position, profiles, traits, respondent_id)
    return position


def _practices(data, index, codebook, group, weights, min_peers, limit: int = 3) -> list[str]:
    """Governance practices the respondent lacks, most widespread among peers first."""
    candidates = []
    for indicator in expand_indicators(codebook):
        if indicator.family != "governance":
            continue
        values = indicator_values(data, indicator).to_numpy()
        if values[index] != 0:
            continue
        percent, _ = _share(values, weights, group.mask, min_peers)
        if percent is not None and percent >= 10:
            candidates.append((percent, indicator.label))
    candidates.sort(reverse=True)
    return [f"{_fr_percent(p)} de vos pairs : {label.lower()}" for p, label in candidates[:limit]]


def _add_profile(position: PeerPosition, profiles, traits, respondent_id: str) -> None:
    row = profiles.loc[profiles["respondent_id"] == respondent_id]
    if row.empty:
        return
    position.profile = str(row["profile_name"].iloc[0])
    if traits is None or traits.empty:
        return
    cluster = row["profile"].iloc[0]
    own = traits[(traits["cluster"] == cluster) & (traits["v_test"] > 0)]
    own = own.sort_values("v_test", ascending=False).head(4)
    column = "label" if "label" in own else "category"
    position.profile_traits = [str(v) for v in own[column]]


def _fr_percent(value: float | None) -> str:
    return "effectif insuffisant" if value is None else format_percent(value)


_CSS = """
body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;color:#1b1b1b;
line-height:1.45;padding:0 1rem}h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:1.6rem;
border-bottom:1px solid #ccc}table{border-collapse:collapse;width:100%;font-size:.92rem}
td,th{padding:.25rem .4rem;border-bottom:1px solid #eee;text-align:left}
td.num{text-align:right;white-space:nowrap}.note{font-size:.85rem;color:#555}
"""


def _table(shares: list[Share], own_header: str) -> str:
    rows = "".join(
        f"<tr><td>{html.escape(s.item)}</td><td>{html.escape(s.own)}</td>"
        f'<td class="num">{_fr_percent(s.peers_percent)}</td></tr>'
        for s in shares
    )
    return (
        f"<table><thead><tr><th>Réponse</th><th>{html.escape(own_header)}</th>"
        f'<th class="num">Vos pairs</th></tr></thead><tbody>{rows}</tbody></table>'
    )


def render_report(position: PeerPosition, *, synthetic: bool = False) -> str:
    """Render a peer position as one French HTML page.

    Parameters
    ----------
    position : PeerPosition
        Output of :func:`peer_position`.
    synthetic : bool
        Say that the wave's data are synthetic.

    Returns
    -------
    str
        A self-contained HTML document (``lang="fr"``).
    """
    group = position.group
    parts = [
        "<!DOCTYPE html>",
        '<html lang="fr"><head><meta charset="utf-8">',
        f"<title>Baromètre AI4Impact {position.wave} — votre position</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>Baromètre AI4Impact {html.escape(position.wave)} : vous parmi vos pairs</h1>",
        f"<p>Vos pairs : <strong>{html.escape(group.description)}</strong> "
        f"({group.size} organisations). Les pourcentages sont pondérés ; une part "
        f"n'est affichée que si elle repose sur au moins {MIN_PEERS} répondants.</p>",
        "<h2>Votre usage de l'IA</h2>",
        _table(position.adoption, "Vous"),
        "<h2>L'IA dans votre chaîne de l'impact</h2>",
        "<p class='note'>Part de vos pairs utilisant l'IA à chaque étape "
        "(régulièrement ou ponctuellement), parmi ceux qui l'utilisent.</p>",
        _table(position.stages, "Votre réponse"),
        "<h2>Votre gouvernance de l'IA</h2>",
    ]
    current = None
    for share in position.governance:
        if share.topic != current:
            current = share.topic
            parts.append(f"<h3>{html.escape(current)}</h3>")
            chunk = [s for s in position.governance if s.topic == current]
            parts.append(_table(chunk, "Vous"))
    parts += ["<h2>Les freins</h2>", _table(position.barriers, "Vous")]
    if position.profile:
        traits = "".join(f"<li>{html.escape(t)}</li>" for t in position.profile_traits)
        parts += [
            "<h2>Votre profil d'usage</h2>",
            f"<p>Vous appartenez au profil <strong>{html.escape(position.profile)}</strong>.</p>",
            f"<ul>{traits}</ul>" if traits else "",
        ]
    if position.practices:
        items = "".join(f"<li>{html.escape(p)}</li>" for p in position.practices)
        parts += ["<h2>Des pratiques de vos pairs à explorer</h2>", f"<ul>{items}</ul>"]
    caveat = " Les données de cette vague sont synthétiques." if synthetic else ""
    parts += [
        f"<p class='note'>Échantillon volontaire : les pondérations corrigent la composition "
        f"de l'échantillon, pas l'auto-sélection des répondants.{caveat}</p>",
        "</body></html>",
    ]
    return "\n".join(parts)


def write_reports(
    data: pd.DataFrame,
    codebook: Codebook,
    out_dir: Path,
    *,
    wave: str,
    respondents: list[str] | None = None,
    profiles: pd.DataFrame | None = None,
    traits: pd.DataFrame | None = None,
    synthetic: bool = False,
    min_peers: int = MIN_PEERS,
) -> pd.DataFrame:
    """Write one report per respondent and the pseudonym → file mapping.

    Parameters
    ----------
    data : pandas.DataFrame
        The wave's respondents.
    codebook : Codebook
        The wave's questionnaire.
    out_dir : pathlib.Path
        Folder for the reports (``reports/<wave>/peers``, never published).
    wave : str
        The wave id.
    respondents : list of str, optional
        Pseudonyms to report on; by default those who gave a contact
        (column ``has_contact``), or everyone when the column is absent.
    profiles, traits : pandas.DataFrame, optional
        As in :func:`peer_position`.
    synthetic : bool
        Say in each report that the data are synthetic.
    min_peers : int
        Smallest number of peers behind any share shown.

    Returns
    -------
    pandas.DataFrame
        The mapping (``respondent_id``, ``file``), also written to
        ``out_dir/peers-mapping.csv``.
    """
    if respondents is None:
        if "has_contact" in data:
            chosen = data.loc[data["has_contact"].astype(bool), "respondent_id"]
        else:
            chosen = data["respondent_id"]
        respondents = chosen.tolist()
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = []
    for number, respondent_id in enumerate(respondents, start=1):
        position = peer_position(
            data,
            respondent_id,
            codebook,
            wave=wave,
            profiles=profiles,
            traits=traits,
            min_peers=min_peers,
        )
        name = f"rapport-{number:04d}.html"
        (out_dir / name).write_text(render_report(position, synthetic=synthetic), encoding="utf-8")
        rows.append({"respondent_id": respondent_id, "file": name})
    mapping = pd.DataFrame(rows, columns=["respondent_id", "file"])
    mapping.to_csv(out_dir / "peers-mapping.csv", index=False)
    return mapping


def write_wave_reports(
    wave_id: str, *, respondents: list[str] | None = None, min_peers: int = MIN_PEERS
) -> tuple[pd.DataFrame, Path, float]:
    """Write the peer reports of a processed wave into ``reports/<wave>/peers``.

    Parameters
    ----------
    wave_id : str
        A wave cleaned by ``barometer clean`` (``data/processed/<wave>``).
    respondents : list of str, optional
        Pseudonyms; every respondent who gave a contact by default.
    min_peers : int
        Smallest number of peers behind any share shown.

    Returns
    -------
    tuple
        The pseudonym → file mapping, the folder, and the seconds it took.
    """
    from barometer.waves import get_wave

    started = time.perf_counter()
    wave = get_wave(wave_id)
    processed = paths.processed_dir(wave.id)
    source = processed / "respondents.parquet"
    if not source.is_file():
        raise FileNotFoundError(f"{source}: run `barometer clean --wave {wave.id}` first")
    data = pd.read_parquet(source)
    profiles = traits = None
    if (processed / "profiles.parquet").is_file():
        profiles = pd.read_parquet(processed / "profiles.parquet")
    if (processed / "profile-description.parquet").is_file():
        traits = pd.read_parquet(processed / "profile-description.parquet")
    out_dir = paths.reports_dir(wave.id) / "peers"
    mapping = write_reports(
        data,
        load_codebook(wave.codebook),
        out_dir,
        wave=wave.id,
        respondents=respondents,
        profiles=profiles,
        traits=traits,
        synthetic=wave.synthetic,
        min_peers=min_peers,
    )
    return mapping, out_dir, time.perf_counter() - started
