"""Public HTML: one page per executed notebook, and ``reports/index.html``.

Pages are rendered by nbconvert's ``HTMLExporter`` on the executed notebook
(never re-executed), without code (inputs and prompts excluded), images
embedded as base64, ``<html lang="fr">``, a French table of contents built
from the markdown headings, and a footer that says when the data are
synthetic.  Every image gets an alt text: the one the notebook gave
(``IPython.display.Image(..., alt=...)`` or the cell metadata ``alt``),
otherwise ``"Figure : <nearest section heading>"``.  Cells tagged
``remove_cell`` and error or warning streams (``stderr``) are left out of the
public page.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import html
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter

from barometer import paths

TEMPLATE_DIR = paths.PACKAGE_DIR / "templates"
TEMPLATE_FILE = "barometer.html.j2"
_IMAGE_TYPES = ("image/png", "image/jpeg")
_HEADING_MD = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$", re.MULTILINE)
_HEADING_HTML = re.compile(r'<h([1-3])[^>]*\bid="([^"]+)"[^>]*>(.*?)</h\1>', re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE | re.DOTALL)
_ALT = re.compile(r'\balt\s*=\s*"([^"]*)"', re.IGNORECASE)
_HTML_OPEN = re.compile(r"<html\b[^>]*>", re.IGNORECASE)
_REMOVE_TAGS = {"remove_cell", "remove-cell"}
SYNTHETIC_NOTE = (
    "Données synthétiques : ces résultats sont calculés sur un échantillon fictif produit par "
    "le générateur du baromètre (barometer synth) ; ils ne décrivent aucune organisation réelle."
)
DEFAULT_ALT = "Figure"


def _plain(markdown: str) -> str:
    """Strip markdown emphasis, code and links from a heading."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    return re.sub(r"[*_`]", "", text).strip()


def public_notebook(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Return a copy of an executed notebook fit for publication.

    Parameters
    ----------
    notebook : nbformat.NotebookNode
        The executed notebook.

    Returns
    -------
    nbformat.NotebookNode
        Without cells tagged ``remove_cell``, papermill's error cells or
        ``stderr`` streams; every PNG/JPEG output carries an ``alt`` in its
        metadata; ``metadata.title`` is the first level-1 heading.
    """
    nb = copy.deepcopy(notebook)
    cells = []
    heading = ""
    title = None
    seen: dict[str, int] = {}
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & _REMOVE_TAGS or "papermill-error-cell-tag" in tags:
            continue
        if cell.cell_type == "markdown":
            for level, text in _HEADING_MD.findall(cell.source):
                heading = _plain(text)
                if level == "#" and title is None:
                    title = heading
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.get("outputs", []) if _keep(o)]
            for output in cell.outputs:
                _set_alt(output, cell, heading, seen)
        cells.append(cell)
    nb.cells = cells
    if title:
        nb.metadata["title"] = title
    return nb


def _keep(output: nbformat.NotebookNode) -> bool:
    return not (output.get("output_type") == "stream" and output.get("name") == "stderr")


def _set_alt(
    output: nbformat.NotebookNode, cell: nbformat.NotebookNode, heading: str, seen: dict[str, int]
) -> None:
    """Give an image output its alt: its own, the cell's, or one from the heading.

    Several default alts under one heading are numbered: ``Figure : X``,
    ``Figure : X (2)``…
    """
    data = output.get("data", {})
    mime = next((m for m in _IMAGE_TYPES if m in data), None)
    if mime is None:
        return
    meta = output.setdefault("metadata", {}).setdefault(mime, {})
    if str(meta.get("alt") or "").strip():
        return
    given = str(cell.get("metadata", {}).get("alt") or "").strip()
    if given:
        meta["alt"] = given
        return
    base = f"Figure : {heading}" if heading else DEFAULT_ALT
    seen[base] = seen.get(base, 0) + 1
    meta["alt"] = base if seen[base] == 1 else f"{base} ({seen[base]})"


def table_of_contents(page: str) -> str:
    """Return a French ``<nav>`` listing the page's h1–h3 headings (empty if none).

    Parameters
    ----------
    page : str
        HTML rendered by nbconvert (headings carry ``id`` attributes).

    Returns
    -------
    str
        ``<nav aria-label="Sommaire">…</nav>`` or ``""``.
    """
    items = []
    for level, anchor, inner in _HEADING_HTML.findall(page):
        text = html.unescape(_TAG.sub("", inner)).replace("¶", "").strip()
        if text:
            items.append(
                f'<li class="toc-h{level}"><a href="#{html.escape(anchor)}">'
                f"{html.escape(text)}</a></li>"
            )
    if not items:
        return ""
    return (
        '<nav class="barometer-toc" aria-label="Sommaire">\n<h2>Sommaire</h2>\n<ul>\n'
        + "\n".join(items)
        + "\n</ul>\n</nav>"
    )


def ensure_alt(page: str, default: str = DEFAULT_ALT) -> str:
    """Give every ``<img>`` without a non-empty ``alt`` the ``default`` one.

    Examples
    --------
    >>> ensure_alt('<img src="a.png">')
    '<img alt="Figure" src="a.png">'
    """

    def fix(match: re.Match[str]) -> str:
        tag = match.group(0)
        found = _ALT.search(tag)
        if found and found.group(1).strip():
            return tag
        if found:
            tag = tag[: found.start()] + tag[found.end() :]
        return re.sub(r"^<img\b", f'<img alt="{html.escape(default)}"', tag, flags=re.I)

    return _IMG.sub(fix, page)


def set_lang(page: str, lang: str = "fr") -> str:
    """Make the ``<html>`` tag declare ``lang``."""
    return _HTML_OPEN.sub(f'<html lang="{lang}">', page, count=1)


def footer_html(*, wave: str, synthetic: bool) -> str:
    """Return the French footer of a page."""
    today = dt.date.today().strftime("%d/%m/%Y")
    parts = [f"<p>Baromètre AI4Impact — {html.escape(wave)} — page produite le {today}.</p>"]
    if synthetic:
        parts.append(
            f'<p class="barometer-synthetic"><strong>{html.escape(SYNTHETIC_NOTE)}</strong></p>'
        )
    return "\n".join(parts)


def render_html(ipynb: Path, out: Path, *, wave: str, synthetic: bool) -> Path:
    """Render an executed notebook as a public French HTML page.

    Parameters
    ----------
    ipynb : pathlib.Path
        The executed notebook.
    out : pathlib.Path
        The HTML file to write.
    wave : str
        Shown in the footer (``"vague 2025"``, ``"évolutions"``).
    synthetic : bool
        Whether to state in the footer that the data are synthetic.

    Returns
    -------
    pathlib.Path
        ``out``.
    """
    notebook = public_notebook(nbformat.read(ipynb, as_version=4))
    exporter = HTMLExporter(
        template_name="lab",
        template_file=TEMPLATE_FILE,
        extra_template_paths=[str(TEMPLATE_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )
    exporter.language_code = "fr"
    page, _ = exporter.from_notebook_node(notebook, resources={"metadata": {"name": ipynb.stem}})
    page = page.replace("<!-- barometer:toc -->", table_of_contents(page), 1)
    page = page.replace("<!-- barometer:footer -->", footer_html(wave=wave, synthetic=synthetic), 1)
    page = ensure_alt(set_lang(page))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    return out


@dataclass(frozen=True)
class Figure:
    """A figure listed in ``figures/<wave>/manifest.csv``, with links relative to ``reports/``."""

    href: str
    title: str
    alt: str
    data_href: str | None = None


def _href(target: Path, root: Path) -> str:
    return Path("..", target.resolve().relative_to(root.resolve())).as_posix()


def read_figure_manifest(manifest: Path, root: Path) -> list[Figure]:
    """Read a figure manifest as written by ``barometer.charts.save_figure``.

    Parameters
    ----------
    manifest : pathlib.Path
        ``figures/<wave>/manifest.csv`` (columns ``title``, ``alt`` and
        ``files``, the file names separated by ``;``; a single ``file`` or
        ``path`` column is accepted too).
    root : pathlib.Path
        The project root.

    Returns
    -------
    list of Figure
        One per row whose image exists; empty when the manifest is absent.
    """
    if not manifest.is_file():
        return []
    figures = []
    with manifest.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            row = {str(k).strip().lower(): (v or "").strip() for k, v in row.items() if k}
            names = [n.strip() for n in re.split(r"[;|]", row.get("files", "")) if n.strip()]
            names += [row[k] for k in ("file", "path", "filename", "fichier") if row.get(k)]
            files = [manifest.parent / Path(n).name for n in names]
            files = [f for f in files if f.is_file()]
            images = [f for f in files if f.suffix.lower() in {".png", ".svg", ".jpg", ".jpeg"}]
            if not images:
                continue
            data = next((f for f in files if f.suffix.lower() == ".csv"), None)
            title = row.get("title") or row.get("titre") or images[0].stem
            alt = row.get("alt") or row.get("alt_text") or title
            figures.append(
                Figure(_href(images[0], root), title, alt, _href(data, root) if data else None)
            )
    return figures


def page_title(page: Path) -> str:
    """Return the ``<title>`` of an HTML page (its file stem if none)."""
    head = page.read_text(encoding="utf-8", errors="replace")[:20000]
    found = re.search(r"<title>(.*?)</title>", head, re.DOTALL | re.IGNORECASE)
    return html.unescape(found.group(1)).strip() if found else page.stem


@dataclass(frozen=True)
class WaveEntry:
    """What the index shows for one wave (or the trends)."""

    key: str
    title: str
    synthetic: bool
    failed: tuple[str, ...] = ()


def _pages(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.html") if p.name != "index.html")


def _section(entry: WaveEntry, root: Path, reports: Path) -> str:
    folder = reports / entry.key
    lines = [
        f'<section id="vague-{html.escape(entry.key)}">',
        f"<h2>{html.escape(entry.title)}</h2>",
    ]
    if entry.synthetic:
        lines.append(
            f'<p class="barometer-synthetic"><strong>{html.escape(SYNTHETIC_NOTE)}</strong></p>'
        )
    if entry.failed:
        lines.append(
            "<p><strong>Attention :</strong> la dernière exécution a échoué ("
            + html.escape(", ".join(entry.failed))
            + ") ; les pages ci-dessous peuvent dater d'une exécution antérieure.</p>"
        )
    pages = _pages(folder)
    if pages:
        lines.append("<h3>Rapports</h3>\n<ul>")
        for page in pages:
            href = page.relative_to(reports).as_posix()
            lines.append(
                f'<li><a href="{html.escape(href)}">{html.escape(page_title(page))}</a></li>'
            )
        lines.append("</ul>")
    workbook = folder / "tables.xlsx"
    if workbook.is_file():
        href = workbook.relative_to(reports).as_posix()
        lines.append(
            f'<h3>Tableaux</h3>\n<p><a href="{html.escape(href)}">Classeur des tableaux '
            f"(Excel, .xlsx)</a></p>"
        )
    figures = read_figure_manifest(paths.figures_dir(entry.key) / "manifest.csv", root)
    if figures:
        lines.append("<h3>Figures</h3>\n<ul>")
        for fig in figures:
            data = (
                f' (<a href="{html.escape(fig.data_href)}">données, CSV</a>)'
                if fig.data_href
                else ""
            )
            lines.append(
                f'<li><a href="{html.escape(fig.href)}">{html.escape(fig.title)}</a>{data}'
                f" — <span>{html.escape(fig.alt)}</span></li>"
            )
        lines.append("</ul>")
        sheet = paths.figures_dir(entry.key) / "index.html"
        if sheet.is_file():
            href = html.escape(_href(sheet, root))
            lines.append(f'<p><a href="{href}">Planche de toutes les figures</a></p>')
    lines.append("</section>")
    return "\n".join(lines)


def build_index(entries: list[WaveEntry], out: Path | None = None) -> Path:
    """Write ``reports/index.html``: every wave's pages, workbook and figures, and the trends.

    Private reports (``reports/<wave>/private/``) are never listed.

    Parameters
    ----------
    entries : list of WaveEntry
        The waves, then the trends entry if any.
    out : pathlib.Path, optional
        Defaults to ``paths.reports_dir() / "index.html"``.

    Returns
    -------
    pathlib.Path
        The index written.
    """
    root = paths.project_root()
    reports = paths.reports_dir()
    out = out or reports / "index.html"
    sections = [_section(e, root, reports) for e in entries]
    nav = "\n".join(
        f'<li><a href="#vague-{html.escape(e.key)}">{html.escape(e.title)}</a></li>'
        for e in entries
    )
    today = dt.date.today().strftime("%d/%m/%Y")
    page = f"""<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Baromètre AI4Impact — résultats</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem;
       line-height: 1.5; color: #1a1a1a; }}
.barometer-synthetic {{ background: #fff4d6; border-left: 4px solid #c98a00; padding: .5rem 1rem; }}
</style>
</head>
<body>
<main>
<h1>Baromètre AI4Impact — résultats</h1>
<p>Les usages de l'intelligence artificielle dans les organisations d'intérêt général :
résultats pondérés, vague par vague, et leurs évolutions.</p>
<nav aria-label="Sommaire">
<h2>Sommaire</h2>
<ul>
{nav}
</ul>
</nav>
{chr(10).join(sections)}
</main>
<footer><p>Page produite le {today} par <code>barometer run</code>.</p></footer>
</body>
</html>
"""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    return out
