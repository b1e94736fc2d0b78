"""Small-cell suppression for published tables: primary and complementary.

Primary suppression hides every cell counting fewer than ``min_count``
respondents (unweighted), by the project's rule
:func:`barometer.privacy.small_cells` (an empty cell is not hidden: it
discloses nobody), and every cell of a column whose base is under
``min_count``.

Hiding a cell is not enough when its value can be recomputed from what is
published: a column of mutually exclusive answers adds up to its base, the
"Ensemble" cell of a row is the sum of the groups' cells, a top-2 box is the
sum of two rows.  Complementary (secondary) suppression hides more cells
until no small cell is determined by these linear relations:

1. while a relation has a single hidden cell, hide its smallest visible
   non-empty cell (the usual greedy rule);
2. then audit the whole system: a hidden cell is determined when its unit
   vector lies in the row space of the relations restricted to the hidden
   cells (equivalently, the null space of that matrix is zero on it,
   ``scipy.linalg.null_space``); for each determined small cell, hide one
   more cell of a relation it belongs to, and start again.

Bounds from non-negativity are not considered (an interval for a small cell
may remain).  No library of the project's stack does cell suppression
(``sdcTable`` is R only), hence this small routine.

Examples
--------
>>> import numpy as np
>>> counts = np.array([[43, 3, 40], [110, 50, 60], [50, 20, 30]])  # column 0: Ensemble
>>> primary, secondary = suppress(counts, 5, exclusive=True, total=0)
>>> primary.sum(), secondary.nonzero()
(np.int64(1), (array([0, 2, 2]), array([2, 1, 2])))
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from scipy.linalg import null_space

from barometer.privacy import small_cells

Relation = list[tuple[tuple[int, int], float]]


def suppress(
    counts: np.ndarray,
    min_count: int,
    *,
    exclusive: bool,
    total: int | None = 0,
    bases: np.ndarray | None = None,
    sums: Mapping[int, Sequence[int]] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Decide which cells of a table to hide.

    Parameters
    ----------
    counts : numpy.ndarray
        ``(n_rows, n_columns)`` unweighted counts.
    min_count : int
        Cells counting fewer respondents are hidden (primary suppression).
    exclusive : bool
        True when the rows (those not in ``sums``) are mutually exclusive
        answers: each column then adds up to its base.
    total : int or None
        Index of the column that is the sum of the others ("Ensemble"), None
        when there is none.
    bases : numpy.ndarray, optional
        Unweighted base of each column; the column sums of the exclusive rows
        when None and ``exclusive``, no base rule otherwise.
    sums : mapping of int to sequence of int, optional
        Rows that are the sum of other rows (a scale's top-2 box).

    Returns
    -------
    primary, secondary : numpy.ndarray
        Boolean masks of the small cells and of the cells hidden to protect them.
    """
    counts = np.asarray(counts)
    if counts.ndim != 2:
        raise ValueError(f"counts must be a 2-D table, got shape {counts.shape}")
    sums = dict(sums or {})
    parts = [i for i in range(counts.shape[0]) if i not in sums]
    primary = np.asarray(small_cells(counts, min_count), dtype=bool)
    if bases is None and exclusive:
        bases = counts[parts].sum(axis=0)
    if bases is not None:
        bases = np.asarray(bases)
        primary[:, (bases > 0) & (bases < min_count)] = True
    relations = _relations(counts.shape, exclusive, total, parts, sums)
    avoid = np.zeros(counts.shape, dtype=bool)  # the headline "Ensemble" is hidden last
    if total is not None:
        avoid[:, total] = True
    hidden = primary.copy()
    while True:
        if _protect_relations(hidden, counts, relations, avoid):
            continue
        exposed = [cell for cell in _determined(hidden, relations) if primary[cell]]
        if not exposed or not _free_cell(exposed[0], hidden, counts, relations, avoid):
            break
    return primary, hidden & ~primary


def _relations(
    shape: tuple[int, int],
    exclusive: bool,
    total: int | None,
    parts: list[int],
    sums: dict[int, Sequence[int]],
) -> list[Relation]:
    """Linear relations between cells that the published table makes known."""
    n_rows, n_cols = shape
    relations: list[Relation] = []
    if exclusive:
        relations += [[((i, j), 1.0) for i in parts] for j in range(n_cols)]
    if total is not None:
        relations += [
            [((i, j), 1.0 if j == total else -1.0) for j in range(n_cols)] for i in range(n_rows)
        ]
    for row, components in sums.items():
        relations += [
            [((row, j), 1.0)] + [((i, j), -1.0) for i in components] for j in range(n_cols)
        ]
    return relations


def _protect_relations(hidden: np.ndarray, counts: np.ndarray, relations, avoid) -> bool:
    """Greedy pass: no relation may keep a single hidden cell; True when a cell was hidden."""
    changed = False
    for relation in relations:
        cells = [cell for cell, _ in relation]
        if sum(hidden[cell] for cell in cells) == 1:
            changed |= _hide_smallest(cells, hidden, counts, avoid)
    return changed


def _candidates(cells, hidden: np.ndarray, counts: np.ndarray) -> list:
    return [cell for cell in cells if not hidden[cell] and counts[cell] > 0]


def _hide_smallest(cells, hidden: np.ndarray, counts: np.ndarray, avoid) -> bool:
    """Hide the smallest visible non-empty cell among ``cells``, avoided cells last.

    Returns False when there is none (the rest is empty: nothing would protect).
    """
    visible = _candidates(cells, hidden, counts)
    if not visible:
        return False
    hidden[min(visible, key=lambda cell: (bool(avoid[cell]), counts[cell], cell))] = True
    return True


def _free_cell(cell, hidden: np.ndarray, counts: np.ndarray, relations, avoid) -> bool:
    """Hide the smallest cell (avoided cells last) that frees an exposed cell.

    Each visible non-empty cell is tried in turn: the first whose hiding
    leaves ``cell`` undetermined is hidden.  When none does alone, the
    smallest one is hidden and the caller's loop goes on.  False when no cell
    is left to hide.
    """
    visible = sorted(
        (tuple(int(k) for k in c) for c in np.argwhere(~hidden & (counts > 0))),
        key=lambda c: (bool(avoid[c]), counts[c], c),
    )
    if not visible:
        return False
    for candidate in visible:
        hidden[candidate] = True
        if cell not in _determined(hidden, relations):
            return True
        hidden[candidate] = False
    hidden[visible[0]] = True
    return True


def _determined(hidden: np.ndarray, relations) -> list[tuple[int, int]]:
    """Hidden cells whose value the relations and the visible cells fix exactly."""
    cells = [tuple(int(k) for k in cell) for cell in np.argwhere(hidden)]
    if not cells:
        return []
    index = {cell: k for k, cell in enumerate(cells)}
    matrix = np.zeros((len(relations), len(cells)))
    for r, relation in enumerate(relations):
        for cell, coefficient in relation:
            if cell in index:
                matrix[r, index[cell]] = coefficient
    kernel = null_space(matrix)
    free = np.abs(kernel).max(axis=1) > 1e-9 if kernel.size else np.zeros(len(cells), bool)
    return [cell for cell, k in index.items() if not free[k]]
