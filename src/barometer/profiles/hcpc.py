"""Hierarchical clustering on principal components (FactoMineR's ``HCPC``).

Weighted Ward on the first factor coordinates, a cut chosen by FactoMineR's
relative-loss rule, an optional weighted k-means consolidation, and a k-means
pre-clustering for large samples (FactoMineR's ``kk``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.cluster.hierarchy import DisjointSet
from sklearn.cluster import KMeans

from barometer.profiles._inputs import check_coordinates, check_weights


def weighted_ward(points: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Return the weighted Ward hierarchy of ``points`` as a scipy linkage matrix.

    Merging clusters ``a`` and ``b`` costs the between-cluster inertia it
    loses, ``w_a w_b / (w_a + w_b) ‖c_a − c_b‖² / W`` (``c`` weighted centres,
    ``W`` the total weight): FactoMineR feeds exactly these dissimilarities,
    with the weights as ``members``, to ``flashClust::hclust(method="ward")``.
    scipy's ``linkage`` and scikit-learn's ``AgglomerativeClustering`` accept
    no observation weights (their Ward counts points), hence this
    nearest-neighbour-chain implementation (Murtagh 1983), exact for Ward
    because Ward is reducible.  It recomputes one row of costs from the
    centres at each step: ``O(n²d)`` time and ``O(nd)`` memory, no distance
    matrix.

    Parameters
    ----------
    points : numpy.ndarray
        ``(n, d)`` coordinates, ``n >= 2``.
    weights : numpy.ndarray
        ``(n,)`` positive weights.

    Returns
    -------
    numpy.ndarray
        ``(n - 1, 4)`` linkage matrix in scipy's format: merged ids, height
        (the inertia gain, so that heights sum to the total inertia) and the
        number of leaves; rows sorted by height.

    Examples
    --------
    >>> weighted_ward(np.array([[0.0], [1.0], [5.0]]), np.ones(3))[:, 2].round(4).tolist()
    [0.1667, 4.5]
    """
    n_points = points.shape[0]
    if n_points < 2:
        raise ValueError("weighted_ward needs at least two points")
    # Active clusters are kept packed in the first `size` slots (swap-remove).
    centres = np.array(points, dtype=float)
    mass = np.array(weights, dtype=float) / float(np.sum(weights))
    node = np.arange(n_points)
    size = n_points
    merges: list[tuple[int, int, float]] = []
    chain: list[int] = []
    while size > 1:
        if not chain:
            chain.append(0)
        a = chain[-1]
        diff = centres[:size] - centres[a]
        costs = mass[a] * mass[:size] / (mass[a] + mass[:size]) * np.einsum("ij,ij->i", diff, diff)
        costs[a] = np.inf
        b = int(np.argmin(costs))
        if len(chain) > 1 and costs[chain[-2]] <= costs[b]:
            b = chain[-2]
        if len(chain) < 2 or b != chain[-2]:
            chain.append(b)
            continue
        del chain[-2:]
        merges.append((int(node[a]), int(node[b]), float(costs[b])))
        keep, drop = min(a, b), max(a, b)
        total = mass[a] + mass[b]
        centres[keep] = (mass[a] * centres[a] + mass[b] * centres[b]) / total
        mass[keep] = total
        node[keep] = n_points + len(merges) - 1
        size -= 1
        if drop != size:  # move the last active cluster into the freed slot
            centres[drop], mass[drop], node[drop] = centres[size], mass[size], node[size]
            chain = [drop if c == size else c for c in chain]
    return _sorted_linkage(merges, n_points)


def _sorted_linkage(merges: list[tuple[int, int, float]], n_points: int) -> np.ndarray:
    """Sort chain-order merges by height and renumber them as scipy expects."""
    heights = np.array([h for _, _, h in merges])
    for step, (left, right, _) in enumerate(merges):  # rounding must not put a child above
        for child in (left, right):
            if child >= n_points:
                heights[step] = max(heights[step], heights[child - n_points])
    order = np.argsort(heights, kind="stable")
    new_id = {n_points + int(old): n_points + new for new, old in enumerate(order)}
    size = {leaf: 1 for leaf in range(n_points)}
    linkage = np.empty((len(merges), 4))
    for row, old in enumerate(order):
        left, right, _ = merges[old]
        left, right = new_id.get(left, left), new_id.get(right, right)
        size[n_points + row] = size[left] + size[right]
        linkage[row] = (min(left, right), max(left, right), heights[old], size[n_points + row])
    return linkage


def cut_linkage(linkage: np.ndarray, n_clusters: int) -> np.ndarray:
    """Return the partition into ``n_clusters`` given by the first merges of ``linkage``.

    Parameters
    ----------
    linkage : numpy.ndarray
        Height-sorted scipy linkage matrix over ``n`` leaves.
    n_clusters : int
        Number of clusters, between 1 and ``n``.

    Returns
    -------
    numpy.ndarray
        Integer label in ``0 .. n_clusters - 1`` of each leaf (arbitrary order).
    """
    n_points = linkage.shape[0] + 1
    sets = DisjointSet(range(2 * n_points - 1))
    for row in range(n_points - n_clusters):
        left, right = int(linkage[row, 0]), int(linkage[row, 1])
        sets.merge(left, n_points + row)
        sets.merge(right, n_points + row)
    roots = [sets[leaf] for leaf in range(n_points)]
    _, labels = np.unique(roots, return_inverse=True)
    return labels


def weighted_centres(points: np.ndarray, labels: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Return the weighted mean of ``points`` in each label ``0 .. k - 1``."""
    n_labels = int(labels.max()) + 1
    sums = np.zeros((n_labels, points.shape[1]))
    np.add.at(sums, labels, points * weights[:, None])
    totals = np.bincount(labels, weights=weights, minlength=n_labels)
    return sums / totals[:, None]


def _number_by_first_axis(labels: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """Renumber labels ``1..K`` by increasing first coordinate of their centre (FactoMineR)."""
    order = np.argsort(centres[:, 0], kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    return rank[labels] + 1


def choose_n_clusters(within: np.ndarray, min_clusters: int, max_clusters: int) -> int:
    """Return FactoMineR's default number of clusters.

    FactoMineR (``HCPC``, ``auto.cut.tree``) keeps the ``q`` in
    ``min .. max`` that minimises ``W(q) / W(q − 1)``, the within-cluster
    inertia after the split into ``q`` clusters relative to the one before:
    the cut after which one more cluster gains the most, relatively.  The
    first minimiser wins a tie, as R's ``which.min``.

    Parameters
    ----------
    within : numpy.ndarray
        ``within[q - 1]`` is the within-cluster inertia of the ``q``-cluster cut.
    min_clusters, max_clusters : int
        Range searched, ``2 <= min_clusters <= max_clusters < len(within) + 1``.

    Returns
    -------
    int
        The number of clusters.

    Examples
    --------
    >>> choose_n_clusters(np.array([10.0, 6.0, 2.0, 1.5, 1.2]), 2, 4)
    3
    """
    q = np.arange(min_clusters, max_clusters + 1)
    ratios = within[q - 1] / within[q - 2]
    return int(q[np.argmin(ratios)])


class HCPC:
    """Weighted Ward clustering of factor coordinates, cut and consolidated as FactoMineR.

    Parameters
    ----------
    n_clusters : int, optional
        Fixed number of clusters; ``None`` applies FactoMineR's rule
        (:func:`choose_n_clusters`, FactoMineR's ``nb.clust=-1``).
    n_components : int
        Number of leading coordinates used.
    consolidate : bool
        Run a weighted k-means (Lloyd, at most 10 iterations) started from the
        weighted centres of the tree's clusters.
    min_clusters, max_clusters : int
        Range searched by the automatic rule (``max_clusters`` is also capped
        at the number of leaves minus one).
    pre_cluster_threshold : int
        Above this number of rows, rows are first grouped by a weighted
        k-means into ``n_pre_clusters`` groups and the tree is built on the
        group centres with the group weights (FactoMineR's ``kk``).  The
        pre-clustering starts from weighted random rows and runs at most 30
        Lloyd iterations (FactoMineR: 4 starts of 100 iterations): it only has
        to produce small compact groups, and this keeps 100,000 rows to seconds.
        The within-group inertia is added to every ``W(q)``, as FactoMineR does.
    n_pre_clusters : int
        Number of pre-clustering groups.
    random_state : int
        Seed of the pre-clustering k-means.

    Attributes
    ----------
    labels_ : numpy.ndarray
        Final cluster of each row, ``1..K``, numbered by increasing centre on
        the first axis (as FactoMineR).
    tree_labels_ : numpy.ndarray
        Cluster of each row from the tree cut, before consolidation (same numbering rule).
    n_clusters_ : int
        Number of clusters.
    linkage_ : numpy.ndarray
        scipy linkage matrix of the tree (leaves are rows, or the pre-clustering
        groups), heights are inertia gains; usable by ``scipy.cluster.hierarchy.dendrogram``.
    leaf_labels_ : numpy.ndarray or None
        Pre-clustering group (leaf) of each row, ``None`` without pre-clustering.
    inertia_gains_ : pandas.Series
        Inertia gained by the split into ``q`` clusters (index ``q = 2 ..``),
        FactoMineR's ``inert.gain`` (total weight normalised to 1).
    within_inertia_ : pandas.Series
        Within-cluster inertia of the ``q``-cluster cut (index ``q = 1 ..``),
        including the pre-clustering's own within inertia.
    criterion_ : pandas.Series
        ``W(q) / W(q − 1)`` over the searched range (FactoMineR's ``quot``).
    moved_share_ : float
        Weighted share of rows whose cluster changed at consolidation (0 without it).
    cluster_centers_ : pandas.DataFrame
        Weighted centre of each final cluster (index ``1..K``).

    Notes
    -----
    Differences from FactoMineR, all deliberate: the consolidation k-means and
    the pre-clustering k-means are weighted (FactoMineR runs R's unweighted
    Hartigan-Wong ``kmeans``); clusters are numbered by their weighted centre
    (FactoMineR: unweighted); after pre-clustering the consolidation still
    runs, on all rows (FactoMineR skips it when ``kk`` is set).  Without
    consolidation and pre-clustering the partition, the gains and the chosen
    number of clusters are FactoMineR's; without weights the consolidated
    partition is too (checked on the reference data).

    Examples
    --------
    >>> points = np.array([[0.0], [0.1], [0.2], [5.0], [5.1], [9.0], [9.2]])
    >>> HCPC(n_clusters=3, n_components=1).fit(points).labels_.tolist()
    [1, 1, 1, 2, 2, 3, 3]
    """

    def __init__(
        self,
        n_clusters: int | None = None,
        n_components: int = 5,
        consolidate: bool = True,
        min_clusters: int = 3,
        max_clusters: int = 10,
        pre_cluster_threshold: int = 5000,
        n_pre_clusters: int = 500,
        random_state: int | None = 0,
    ):
        self.n_clusters = n_clusters
        self.n_components = n_components
        self.consolidate = consolidate
        self.min_clusters = min_clusters
        self.max_clusters = max_clusters
        self.pre_cluster_threshold = pre_cluster_threshold
        self.n_pre_clusters = n_pre_clusters
        self.random_state = random_state

    def get_params(self) -> dict:
        """Return the constructor parameters (used to refit clones)."""
        names = (
            "n_clusters n_components consolidate min_clusters max_clusters "
            "pre_cluster_threshold n_pre_clusters random_state"
        ).split()
        return {name: getattr(self, name) for name in names}

    def fit(self, coordinates: pd.DataFrame | np.ndarray, sample_weight: object = None) -> HCPC:
        """Build the tree, cut it and (optionally) consolidate.

        Parameters
        ----------
        coordinates : pandas.DataFrame or numpy.ndarray
            Factor coordinates, one row a respondent (e.g. ``MCA.row_coordinates_``).
        sample_weight : array-like, optional
            Positive row weights.

        Returns
        -------
        HCPC
            The fitted estimator.
        """
        points = self._check(coordinates)
        weights = check_weights(sample_weight, points.shape[0])
        leaves, leaf_weights, leaf_of_row, pre_within = self._leaves(points, weights)
        if leaves.shape[0] < 2:
            raise ValueError("coordinates need at least two distinct rows to be clustered")
        self.linkage_ = weighted_ward(leaves, leaf_weights)
        self._set_inertia(pre_within)
        k = self._n_clusters(leaves.shape[0])
        tree = cut_linkage(self.linkage_, k)[leaf_of_row]
        centres = weighted_centres(points, tree, weights)
        self.tree_labels_ = _number_by_first_axis(tree, centres)
        final, self.moved_share_ = tree, 0.0
        if self.consolidate:
            final = self._consolidate(points, weights, centres)
            self.moved_share_ = float(np.sum(weights[final != tree]) / weights.sum())
        final_centres = weighted_centres(points, final, weights)
        self.labels_ = _number_by_first_axis(final, final_centres)
        self.n_clusters_ = int(self.labels_.max())
        self.cluster_centers_ = self._centres_frame(points, weights, coordinates)
        return self

    def _check(self, coordinates: object) -> np.ndarray:
        if not isinstance(self.n_components, int | np.integer) or self.n_components < 1:
            raise ValueError(f"n_components must be a positive integer, got {self.n_components!r}")
        if self.n_clusters is not None and (
            not isinstance(self.n_clusters, int | np.integer) or self.n_clusters < 1
        ):
            raise ValueError(
                f"n_clusters must be None or a positive integer, got {self.n_clusters}"
            )
        if not 2 <= self.min_clusters <= self.max_clusters:
            raise ValueError(
                "need 2 <= min_clusters <= max_clusters, got "
                f"min_clusters={self.min_clusters}, max_clusters={self.max_clusters}"
            )
        points = check_coordinates(coordinates)
        if points.shape[1] < self.n_components:
            raise ValueError(
                f"coordinates have {points.shape[1]} columns but n_components={self.n_components}"
            )
        return points[:, : self.n_components]

    def _leaves(self, points: np.ndarray, weights: np.ndarray) -> tuple:
        """Return tree leaves, their weights, the leaf of each row and the pre-clustering within."""
        n_rows = points.shape[0]
        if n_rows <= self.pre_cluster_threshold:
            self.leaf_labels_ = None
            return points, weights, np.arange(n_rows), 0.0
        n_groups = min(self.n_pre_clusters, np.unique(points, axis=0).shape[0])
        kmeans = KMeans(
            n_clusters=n_groups,
            init="random",
            n_init=1,
            max_iter=30,
            random_state=self.random_state,
        )
        groups = kmeans.fit_predict(points, sample_weight=weights)
        _, groups = np.unique(groups, return_inverse=True)
        centres = weighted_centres(points, groups, weights)
        group_weights = np.bincount(groups, weights=weights)
        within = np.sum(weights * np.sum((points - centres[groups]) ** 2, axis=1)) / weights.sum()
        self.leaf_labels_ = groups
        return centres, group_weights, groups, float(within)

    def _set_inertia(self, pre_within: float) -> None:
        gains = self.linkage_[::-1, 2]
        within = np.cumsum(np.append(gains, pre_within)[::-1])[::-1]
        self.inertia_gains_ = pd.Series(
            gains, index=pd.RangeIndex(2, gains.size + 2, name="n_clusters"), name="inertia_gain"
        )
        self.within_inertia_ = pd.Series(
            within[: gains.size + 1],
            index=pd.RangeIndex(1, gains.size + 2, name="n_clusters"),
            name="within_inertia",
        )

    def _n_clusters(self, n_leaves: int) -> int:
        if self.n_clusters is not None:
            if self.n_clusters > n_leaves:
                raise ValueError(f"n_clusters={self.n_clusters} exceeds the {n_leaves} tree leaves")
            self.criterion_ = None
            return int(self.n_clusters)
        upper = min(self.max_clusters, n_leaves - 1)
        if upper < self.min_clusters:
            raise ValueError(
                f"only {n_leaves} tree leaves: cannot search {self.min_clusters} or more clusters"
            )
        within = self.within_inertia_.to_numpy()
        q = np.arange(self.min_clusters, upper + 1)
        self.criterion_ = pd.Series(
            within[q - 1] / within[q - 2], index=pd.Index(q, name="n_clusters"), name="ratio"
        )
        return choose_n_clusters(within, self.min_clusters, upper)

    def _consolidate(
        self, points: np.ndarray, weights: np.ndarray, centres: np.ndarray
    ) -> np.ndarray:
        """Weighted k-means from the tree centres; labels keep the tree's cluster ids."""
        kmeans = KMeans(
            n_clusters=centres.shape[0], init=centres, n_init=1, max_iter=10, algorithm="lloyd"
        )
        labels = kmeans.fit_predict(points, sample_weight=weights)
        if np.unique(labels).size < centres.shape[0]:
            raise ValueError("consolidation emptied a cluster; refit with consolidate=False")
        return labels

    def _centres_frame(
        self, points: np.ndarray, weights: np.ndarray, coordinates: object
    ) -> pd.DataFrame:
        centres = weighted_centres(points, self.labels_ - 1, weights)
        if isinstance(coordinates, pd.DataFrame):
            columns = list(coordinates.columns[: self.n_components])
        else:
            columns = [f"Dim {s + 1}" for s in range(points.shape[1])]
        index = pd.RangeIndex(1, self.n_clusters_ + 1, name="cluster")
        return pd.DataFrame(centres, index=index, columns=columns)
