"""Usage profiles: MCA, HCPC, profile description and stability.

The French tradition of FactoMineR, with weights everywhere: a multiple
correspondence analysis (:class:`MCA`) of the answers, a weighted Ward
clustering of the first factor coordinates cut and consolidated as ``HCPC``
does (:class:`HCPC`), a description of each cluster by its categories
(:func:`describe_profiles`, FactoMineR's ``catdes``), a bootstrap stability
measure (:func:`profile_stability`) and short French names
(:func:`suggest_profile_names`).  The package knows nothing of files,
codebooks or plots.

Examples
--------
>>> import pandas as pd
>>> answers = pd.DataFrame({"usage": list("aabbccaabbcc"), "charte": list("xxyyzzxxyyzz"),
...                         "outils": list("ppqqrrppqqrr")})
>>> mca = MCA(n_components=2).fit(answers)
>>> hcpc = HCPC(n_clusters=3, n_components=2, consolidate=False).fit(mca.row_coordinates_)
>>> sorted(pd.Series(hcpc.labels_).value_counts().tolist())
[4, 4, 4]
"""

from barometer.profiles.describe import describe_profiles, suggest_profile_names
from barometer.profiles.hcpc import HCPC, choose_n_clusters, cut_linkage, weighted_ward
from barometer.profiles.mca import MCA, corrected_inertia
from barometer.profiles.stability import best_jaccard, profile_stability

__all__ = [
    "HCPC",
    "MCA",
    "best_jaccard",
    "choose_n_clusters",
    "corrected_inertia",
    "cut_linkage",
    "describe_profiles",
    "profile_stability",
    "suggest_profile_names",
    "weighted_ward",
]
