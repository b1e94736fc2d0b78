"""Identifiers, pseudonyms, free-text scrubbing, small cells and output scans.

* :func:`get_secret` and :func:`pseudonym`: a keyed pseudonym (HMAC-SHA256)
  computed from the normalised e-mail, else the normalised organisation name,
  else ``"<wave>:<response id>"`` (see :func:`pseudonym_key`), so that the same
  organisation gets the same pseudonym in every wave without being named, and
  nobody without the secret can recompute it from a guessed e-mail.
* :func:`scrub_text`: French placeholders for e-mails, phone numbers, links,
  the respondent's organisation and detectable person names.
* :func:`scan_paths`: the last check before publishing, listing every e-mail
  address, phone number or forbidden string left in text outputs.
* :func:`small_cells`: the suppression rule for tables.

This module imports nothing from the rest of the package.

Examples
--------
>>> pseudonym("contact@asso.fr", "secret")
'3aee2845b87c8e84'
>>> scrub_text("Écrivez à marie@asso.fr ou au 06 12 34 56 78.")
'Écrivez à [courriel] ou au [téléphone].'
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

SECRET_ENV = "BAROMETER_SECRET"
PSEUDONYM_LENGTH = 16
SCANNED_SUFFIXES: tuple[str, ...] = (".html", ".csv", ".json", ".md", ".svg", ".ipynb", ".txt")

PLACEHOLDERS: dict[str, str] = {
    "email": "[courriel]",
    "phone": "[téléphone]",
    "url": "[lien]",
    "organisation": "[organisation]",
    "name": "[nom]",
}

EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-zA-Z]{2,}", re.UNICODE)
"""An e-mail address (``marie.dupont@asso-exemple.fr``)."""

PHONE_RE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)33[ \u00a0.\-]?(?:\(0\)[ \u00a0.\-]?)?|0)[1-9]"
    r"(?:[ \u00a0.\-]?\d{2}){4}(?!\w)"
)
"""A French phone number: ``06 12 34 56 78``, ``06.12.34.56.78``, ``+33 6 12 34 56 78``,
``0033612345678``, ``+33 (0)1 23 45 67 89``."""

URL_RE = re.compile(r"(?:https?://|www\.)[^\s<>\"')\]]*[^\s<>\"')\].,;:!?]", re.IGNORECASE)
"""A web link (``https://…`` or ``www.…``), without the sentence's closing punctuation."""

_UPPER = "A-ZÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸ"
_LOWER = "a-zàâäçéèêëîïôöùûüÿ"
_NAME_WORD = rf"[{_UPPER}][{_LOWER}]+(?:-[{_UPPER}][{_LOWER}]+)?"
_SURNAME = rf"(?:[{_UPPER}][{_LOWER}]+|[{_UPPER}]{{2,}})(?:-[{_UPPER}][{_LOWER}]+)?"
NAME_CUES: tuple[str, ...] = (
    "contactez",
    "contacter",
    "je suis",
    "je m'appelle",
    "je m’appelle",
    "mon nom est",
    "demandez",
    "écrivez à",
    "de la part de",
    "merci à",
    "signé",
    "m\\.",
    "mme",
    "madame",
    "monsieur",
)
FIRST_NAMES: frozenset[str] = frozenset(
    """
    Alain Alice Alexandre Anne Antoine Audrey Aurélie Bernard Camille Caroline Catherine
    Cécile Céline Charlotte Christine Christophe Claire Claude Clément Corinne Damien David
    Delphine Denis Didier Dominique Élodie Émilie Emma Éric Étienne Fabienne Fabrice Florence
    François Françoise Frédéric Gabriel Gilles Guillaume Hélène Hugo Isabelle Jacques Jean
    Jérôme Julie Julien Karine Laura Laurence Laurent Léa Louis Louise Luc Lucas Lucie Manon
    Marc Marie Martin Martine Mathieu Maxime Mélanie Michel Monique Nathalie Nicolas Olivier
    Pascal Patrick Paul Philippe Pierre Quentin Raphaël Sandrine Sarah Sébastien Sophie
    Stéphane Stéphanie Sylvie Thomas Thierry Valérie Véronique Vincent Virginie Yann Yannick
    """.split()
)
"""Common French first names: one followed by a capitalised word is taken as a person name."""

_CUE_NAME_RE = re.compile(
    rf"(?P<cue>\b(?:{'|'.join(NAME_CUES)})\s+)(?P<name>{_NAME_WORD}(?:\s+{_SURNAME})?)",
    re.IGNORECASE,
)
_FIRST_NAME_RE = re.compile(rf"\b(?P<first>{_NAME_WORD})\s+(?P<last>{_SURNAME})\b")


# ------------------------------------------------------------------- secrets
def get_secret(path: str | Path | None = None) -> str:
    """Return the pseudonymisation secret.

    Taken from ``$BAROMETER_SECRET`` when set, else from the local key file
    (``paths.secret_file()``, git-ignored), created on first use with a fresh
    random key and mode 0600.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        The key file; ``paths.secret_file()`` by default.

    Returns
    -------
    str
        The secret (never printed nor written to outputs).

    Raises
    ------
    ValueError
        When the key file exists but is empty.
    """
    env = os.environ.get(SECRET_ENV)
    if env:
        return env
    if path is None:
        from barometer.paths import secret_file  # local: keep this module standalone

        path = secret_file()
    path = Path(path)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(32) + "\n")
    secret = path.read_text(encoding="utf-8").strip()
    if not secret:
        raise ValueError(f"{path}: the pseudonymisation key file is empty; delete it or fill it")
    return secret


def normalise_email(value: object) -> str | None:
    """Return a trimmed, case-folded e-mail, or None when empty.

    Examples
    --------
    >>> normalise_email("  Marie.Dupont@Asso.FR ")
    'marie.dupont@asso.fr'
    """
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    text = str(value).strip().casefold()
    return text or None


def normalise_name(value: object) -> str | None:
    """Return an organisation name folded for matching (accents, case, spaces, punctuation).

    Examples
    --------
    >>> normalise_name("  Les Amis   de l'École ")
    'les amis de l ecole'
    """
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    text = unicodedata.normalize("NFKD", str(value))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = re.sub(r"[^\w]+", " ", text).strip()
    return text or None


def pseudonym_key(
    email: object, org_name: object, wave: str, response_id: object, row: int | None = None
) -> str:
    """Return what a respondent's pseudonym is computed from.

    The normalised e-mail if any, else the normalised organisation name, else
    ``"<wave>:<response id>"`` (``"<wave>:row<row>"`` when the id is missing).

    Examples
    --------
    >>> pseudonym_key(None, "Les Amis", "2025", "17")
    'org:les amis'
    >>> pseudonym_key(None, None, "2025", "17")
    'id:2025:17'
    """
    mail = normalise_email(email)
    if mail:
        return f"email:{mail}"
    name = normalise_name(org_name)
    if name:
        return f"org:{name}"
    rid = None if response_id is None or pd.isna(response_id) else str(response_id).strip()
    return f"id:{wave}:{rid}" if rid else f"id:{wave}:row{row}"


def pseudonym(key: str, secret: str) -> str:
    """Return the keyed pseudonym of ``key``: HMAC-SHA256, first 16 hex digits.

    Parameters
    ----------
    key : str
        What identifies the respondent (see :func:`pseudonym_key`).
    secret : str
        The project's secret (see :func:`get_secret`).

    Returns
    -------
    str
        16 lower-case hexadecimal digits.

    Examples
    --------
    >>> len(pseudonym("org:les amis", "s3cret"))
    16
    """
    if not isinstance(key, str) or not key:
        raise ValueError(f"pseudonym key must be a non-empty string, not {key!r}")
    if not isinstance(secret, str) or not secret:
        raise ValueError("the pseudonymisation secret must be a non-empty string")
    digest = hmac.new(secret.encode("utf-8"), key.encode("utf-8"), hashlib.sha256)
    return digest.hexdigest()[:PSEUDONYM_LENGTH]


# ----------------------------------------------------------------- scrubbing
@cache
def _fold_char(char: str) -> str:
    """Fold one character: accents dropped, case folded (one character at most each part)."""
    parts = (p for p in unicodedata.normalize("NFKD", char) if not unicodedata.combining(p))
    return "".join(p.casefold()[0] if p.casefold() else p for p in parts)


def _fold(text: str) -> tuple[str, list[int]]:
    """Fold accents and case, keeping the position in ``text`` of each folded character."""
    chars: list[str] = []
    positions: list[int] = []
    for i, char in enumerate(text):
        folded = _fold_char(char)
        chars.append(folded)
        positions.extend([i] * len(folded))
    return "".join(chars), positions


def _replace_names(text: str, names: Iterable[str]) -> str:
    """Replace each of ``names`` (accent, case and spacing insensitive) by the placeholder."""
    for name in sorted({n.strip() for n in names if n and str(n).strip()}, key=len, reverse=True):
        words = [re.escape(w) for w in re.split(r"[\W_]+", _fold(name)[0]) if w]
        if not words:
            continue
        pattern = re.compile(r"(?<!\w)" + r"[\W_]+".join(words) + r"(?!\w)")
        if not pattern.search("".join(map(_fold_char, text))):
            continue  # the common case: no need for positions
        folded, positions = _fold(text)
        for match in reversed(list(pattern.finditer(folded))):
            left = positions[match.start()]
            right = positions[match.end() - 1] + 1
            text = text[:left] + PLACEHOLDERS["organisation"] + text[right:]
    return text


def _replace_persons(text: str) -> str:
    text = _CUE_NAME_RE.sub(lambda m: m.group("cue") + PLACEHOLDERS["name"], text)

    def first_name(match: re.Match[str]) -> str:
        if match.group("first") in FIRST_NAMES:
            return PLACEHOLDERS["name"]
        return match.group(0)

    return _FIRST_NAME_RE.sub(first_name, text)


def scrub_text(text: object, *, names: Sequence[str] | Iterable[str] = ()) -> str | None:
    """Replace direct identifiers in free text by French placeholders.

    E-mails → ``[courriel]``, French phone numbers → ``[téléphone]``, links →
    ``[lien]``, each of ``names`` (the respondent's own organisation, matched
    without regard to accents, case or spacing) → ``[organisation]``, and
    person names where detectable → ``[nom]``: a name after a cue such as
    "contactez" or "je suis", or a common French first name followed by a
    capitalised word.  Person-name detection is a heuristic written here
    because no maintained French named-entity recogniser is among the
    project's dependencies; it misses names it has no cue for.

    Parameters
    ----------
    text : str or None
        The free text; None or NA gives None.
    names : iterable of str, optional
        Names to remove (the respondent's organisation).

    Returns
    -------
    str or None
        The scrubbed text.

    Examples
    --------
    >>> scrub_text("Contactez Jean Dupont (www.asso.fr).", names=["Les Amis"])
    'Contactez [nom] ([lien]).'
    >>> scrub_text("Chez les amis, tout va bien", names=["Les Amis"])
    'Chez [organisation], tout va bien'
    """
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return None
    if not isinstance(text, str):
        raise TypeError(f"text must be a string, not {type(text).__name__}")
    out = EMAIL_RE.sub(PLACEHOLDERS["email"], text)
    out = URL_RE.sub(PLACEHOLDERS["url"], out)
    out = PHONE_RE.sub(PLACEHOLDERS["phone"], out)
    out = _replace_names(out, [str(n) for n in names])
    return _replace_persons(out)


# ---------------------------------------------------------------------- scan
@dataclass(frozen=True)
class Hit:
    """Something that must not be published, found in an output file."""

    file: Path
    line: int
    what: str
    """``"courriel"``, ``"téléphone"`` or ``"chaîne interdite n°k"`` (never the value itself)."""


def scan_paths(paths: Iterable[str | Path], forbidden: Iterable[str] = ()) -> list[Hit]:
    r"""Report e-mails, phone numbers and forbidden strings left in text outputs.

    Parameters
    ----------
    paths : iterable of str or pathlib.Path
        Files or folders (searched recursively); only text outputs (html,
        csv, json, md, svg, ipynb, txt) are read.
    forbidden : iterable of str
        Strings that must not appear (organisation names, raw ids), matched
        case-insensitively; strings shorter than 3 characters are ignored.

    Returns
    -------
    list of Hit
        One hit per file, line and kind of finding; the hit names the kind,
        not the value, so that reports of the scan leak nothing.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "t.md").write_text("ok\nécrire à a.b@c.fr\n", encoding="utf-8")
    >>> [(h.line, h.what) for h in scan_paths([folder])]
    [(2, 'courriel')]
    """
    needles = sorted({s.strip().casefold() for s in forbidden if s and len(s.strip()) >= 3})
    hits: list[Hit] = []
    for file in _text_files(paths):
        text = file.read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), start=1):
            if EMAIL_RE.search(line):
                hits.append(Hit(file, number, "courriel"))
            if PHONE_RE.search(line):
                hits.append(Hit(file, number, "téléphone"))
            folded = line.casefold()
            for k, needle in enumerate(needles, start=1):
                if needle in folded:
                    hits.append(Hit(file, number, f"chaîne interdite n°{k}"))
    return hits


def _text_files(paths: Iterable[str | Path]) -> list[Path]:
    files: list[Path] = []
    for item in paths:
        path = Path(item)
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file()))
        elif path.is_file():
            files.append(path)
        else:
            raise ValueError(f"{path}: no such file or folder to scan")
    return [f for f in files if f.suffix.lower() in SCANNED_SUFFIXES]


# ---------------------------------------------------------------- small cells
def small_cells(
    counts: pd.DataFrame | pd.Series | np.ndarray, threshold: int
) -> pd.DataFrame | pd.Series | np.ndarray:
    """Return the mask of cells to suppress: counts above 0 and below ``threshold``.

    Parameters
    ----------
    counts : DataFrame, Series or array of int
        Unweighted counts (the bases of a table).
    threshold : int
        Smallest count that may be published (e.g. 5).

    Returns
    -------
    DataFrame, Series or array of bool
        Same shape and labels as ``counts``; True where the cell must be hidden.
        Zero cells are not hidden (an empty cell discloses nobody).

    Examples
    --------
    >>> small_cells(pd.Series([0, 2, 5, 12]), 5).tolist()
    [False, True, False, False]
    """
    if isinstance(threshold, bool) or not isinstance(threshold, int | np.integer):
        raise TypeError(f"threshold must be an integer, not {type(threshold).__name__}")
    if threshold < 1:
        raise ValueError(f"threshold must be at least 1, not {threshold}")
    values = counts if isinstance(counts, pd.DataFrame | pd.Series) else np.asarray(counts)
    if pd.isna(values).any().any() if isinstance(values, pd.DataFrame) else pd.isna(values).any():
        raise ValueError("counts has missing values; give 0 for empty cells")
    if (np.asarray(values) < 0).any():
        raise ValueError("counts has negative values")
    return (values > 0) & (values < threshold)
