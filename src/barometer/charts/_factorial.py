"""Figures of the profile analysis: scree plot, category map, dendrogram.

Like the other figure functions of :mod:`barometer.charts`, these draw what the estimators
computed (eigenvalues, category coordinates, the linkage matrix) and compute
no statistics; each takes ``ax=None`` and returns the axes.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from scipy.cluster.hierarchy import dendrogram as _scipy_dendrogram

from barometer.french import format_percent


def _axes(ax: Axes | None, size: tuple[float, float] = (6.3, 3.6)) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=size, layout="constrained")
    return ax


def scree_plot(explained: pd.Series, *, max_axes: int = 15, ax: Axes | None = None) -> Axes:
    """Draw the percentage of inertia of each axis.

    Parameters
    ----------
    explained : pandas.Series
        Percent of inertia per axis (``MCA.explained_inertia_``).
    max_axes : int
        Axes drawn at most.
    ax : matplotlib.axes.Axes, optional
        Where to draw.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _axes(ax)
    values = explained.to_numpy(dtype=float)[:max_axes]
    positions = np.arange(1, len(values) + 1)
    ax.bar(positions, values, color="#0072B2")
    ax.set_xticks(positions)
    ax.set_xlabel("Axe factoriel")
    ax.set_ylabel("Part de l'inertie (%)")
    ax.yaxis.set_major_formatter(lambda v, _: format_percent(v))
    for x, v in zip(positions[:5], values[:5], strict=True):
        ax.annotate(format_percent(v, 1), (x, v), ha="center", va="bottom", fontsize=8)
    ax.set_title("Éboulis des valeurs propres", loc="left")
    return ax


def category_map(
    coordinates: pd.DataFrame,
    *,
    contributions: pd.DataFrame | None = None,
    supplementary: pd.DataFrame | None = None,
    explained: pd.Series | None = None,
    n_labels: int = 20,
    ax: Axes | None = None,
) -> Axes:
    """Draw the categories on the first factorial plane.

    Parameters
    ----------
    coordinates : pandas.DataFrame
        Category coordinates (``MCA.column_coordinates_``), first two columns used.
    contributions : pandas.DataFrame, optional
        Category contributions; only the ``n_labels`` largest on the plane are labelled.
    supplementary : pandas.DataFrame, optional
        Supplementary categories, drawn as hollow points and all labelled.
    explained : pandas.Series, optional
        Percent of inertia, written on the axis titles.
    n_labels : int
        Active categories labelled at most.
    ax : matplotlib.axes.Axes, optional
        Where to draw.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _axes(ax, (6.3, 5.6))
    x, y = coordinates.iloc[:, 0], coordinates.iloc[:, 1]
    ax.scatter(x, y, s=14, color="#0072B2", label="Modalités actives")
    if contributions is not None:
        strength = contributions.iloc[:, 0] + contributions.iloc[:, 1]
        labelled = strength.sort_values(ascending=False).index[:n_labels]
    else:
        labelled = coordinates.index[:n_labels]
    for name in labelled:
        ax.annotate(str(name), (x[name], y[name]), fontsize=6.5, xytext=(3, 2),
                    textcoords="offset points", color="#1b1b1b")  # fmt: skip
    if supplementary is not None and not supplementary.empty:
        sx, sy = supplementary.iloc[:, 0], supplementary.iloc[:, 1]
        ax.scatter(sx, sy, s=18, facecolors="none", edgecolors="#D55E00",
                   label="Modalités supplémentaires")  # fmt: skip
        for name in supplementary.index:
            ax.annotate(str(name), (sx[name], sy[name]), fontsize=6.5, color="#D55E00",
                        xytext=(3, -8), textcoords="offset points")  # fmt: skip
    ax.axhline(0, color="#999999", lw=0.6)
    ax.axvline(0, color="#999999", lw=0.6)
    if explained is not None:
        ax.set_xlabel(f"Axe 1 ({format_percent(float(explained.iloc[0]), 1)})")
        ax.set_ylabel(f"Axe 2 ({format_percent(float(explained.iloc[1]), 1)})")
    ax.legend(loc="best", fontsize=7, frameon=False)
    ax.set_title("Carte des modalités (premier plan factoriel)", loc="left")
    return ax


def dendrogram(linkage: np.ndarray, n_clusters: int, *, ax: Axes | None = None) -> Axes:
    """Draw the hierarchical tree with its cut into ``n_clusters`` profiles.

    Parameters
    ----------
    linkage : numpy.ndarray
        SciPy-format linkage matrix (``HCPC.linkage_``).
    n_clusters : int
        Number of profiles of the cut, drawn as a dashed line.
    ax : matplotlib.axes.Axes, optional
        Where to draw.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _axes(ax)
    heights = np.sort(linkage[:, 2])
    if 1 < n_clusters <= len(heights):
        # between the merge that leaves n_clusters groups and the one that leaves n_clusters - 1
        cut = float((heights[-n_clusters] + heights[-n_clusters + 1]) / 2)
    else:
        cut = float(heights[-1])
    _scipy_dendrogram(
        linkage,
        ax=ax,
        no_labels=True,
        color_threshold=cut,
        above_threshold_color="#777777",
        truncate_mode="lastp" if len(linkage) > 60 else None,
        p=40,
    )
    ax.axhline(cut, color="#D55E00", ls="--", lw=1)
    ax.set_ylabel("Gain d'inertie")
    ax.set_title(f"Arbre de classification, coupé en {n_clusters} profils", loc="left")
    return ax
