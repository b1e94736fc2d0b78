"""Usage profiles of a wave: from respondents and codebook to named profiles.

:mod:`barometer.profiles` holds the estimators (MCA, HCPC, catdes,
stability) and knows nothing of questionnaires; this module is the bridge.
It turns chosen questions into a frame of readable French categories
("Charte IA : Adoptée", "ChatGPT : oui", "Conception : non concerné"),
fits MCA then HCPC with the respondents' weights, describes and names the
profiles, and measures their stability.

Respondents a routed question was not asked get the category
"non concerné": not being asked is information (a non-user has no tools),
not a missing answer.  A question asked but left unanswered is missing and
forms its own category, as in FactoMineR.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from barometer.codebook import Codebook, Question, multiple_variable
from barometer.french import format_number, format_percent
from barometer.profiles import HCPC, MCA, describe_profiles, profile_stability
from barometer.profiles import suggest_profile_names as _suggest
from barometer.tables import Crosstab, crosstab

NOT_ASKED = "non concerné"
YES, NO = "oui", "non"


def _asked(respondents: pd.DataFrame, codebook: Codebook, question: Question) -> np.ndarray:
    routing = question.asked_if
    if routing is None:
        return np.ones(len(respondents), dtype=bool)
    parent = respondents[routing.question].astype(object)
    return parent.isin(routing.codes).to_numpy()


def _resolve(codebook: Codebook, name: str) -> Question:
    if name in codebook:
        return codebook.question(name)
    raise KeyError(f"codebook {codebook.version} has no question {name!r}")


def active_frame(
    respondents: pd.DataFrame, codebook: Codebook, questions: list[str]
) -> pd.DataFrame:
    """Build the categorical frame of the chosen questions, with French categories.

    Parameters
    ----------
    respondents : pandas.DataFrame
        The wave's respondents.
    codebook : Codebook
        Its questionnaire.
    questions : list of str
        Question ids: single, scale, array (one variable per row) or multiple
        (one yes/no variable per option).

    Returns
    -------
    pandas.DataFrame
        One column per variable (named by its French short label), values
        ``"<variable> : <answer>"`` so that every category is unique and
        readable; ``NaN`` where a question asked was not answered.
    """
    columns: dict[str, pd.Series] = {}
    for name in questions:
        question = _resolve(codebook, name)
        asked = _asked(respondents, codebook, question)
        if question.type == "multiple":
            for option in question.options:
                other = question.other is not None and option.code == question.other.code
                title = f"{question.short} : autre" if other else option.label
                values = respondents[multiple_variable(question.id, option.code)]
                values = values.astype("boolean")
                text = np.where(values.fillna(False).to_numpy(bool), YES, NO).astype(object)
                text[values.isna().to_numpy()] = None
                text[~asked] = NOT_ASKED
                columns[title] = _prefixed(title, text)
        elif question.type in ("single", "scale", "array"):
            variables = (
                [(row.id, row.label) for row in question.rows]
                if question.type == "array"
                else [(question.id, question.short or question.id)]
            )
            labels = question.labels
            for variable, title in variables:
                codes = respondents[variable].astype(object)
                text = codes.map(lambda c, lab=labels: lab.get(c) if isinstance(c, str) else None)
                text = text.to_numpy(dtype=object)
                text[~asked] = NOT_ASKED
                columns[title] = _prefixed(title, text)
        else:
            raise ValueError(f"question {name!r} is {question.type}: not usable in profiles")
    return pd.DataFrame(columns, index=respondents.index)


def _prefixed(title: str, text: np.ndarray) -> pd.Series:
    return pd.Series([None if v is None else f"{title} : {v}" for v in text], dtype=object)


def _naming_traits(description: pd.DataFrame) -> pd.DataFrame:
    """Keep the categories that can name a profile, in words a reader expects.

    "ChatGPT : oui" names a profile as "ChatGPT"; an answer of several words
    says enough alone ("Usage de l'IA : Usage régulier" → "Usage régulier");
    a one-word answer keeps its question ("Charte IA : Adoptée"); "… : non"
    and "… : non concerné" say what a profile lacks and do not name it.
    """
    kept = description[description["v_test"] > 0].copy()
    answers = kept["category"].astype(str).str.rsplit(" : ", n=1)
    answer = answers.str[-1]
    keep = ~answer.isin([NO, NOT_ASKED])
    several_words = answer.str.contains(" ", regex=False) & (answers.str.len() == 2)
    names = np.where(several_words, answer, kept["category"])
    kept["category"] = np.where(answer == YES, answers.str[0], names)
    return kept[keep.to_numpy()]


@dataclass
class ProfileFit:
    """Everything the profiles notebook shows and writes."""

    active: pd.DataFrame
    supplementary: pd.DataFrame | None
    mca: MCA
    hcpc: HCPC
    description: pd.DataFrame
    chi2: pd.DataFrame
    names: dict[int, str]
    stability: pd.DataFrame | None

    def assignments(self, respondent_ids: pd.Series) -> pd.DataFrame:
        """Return pseudonymous id → profile number and name."""
        labels = np.asarray(self.hcpc.labels_)
        return pd.DataFrame(
            {
                "respondent_id": respondent_ids.to_numpy(),
                "profile": labels,
                "profile_name": [self.names[int(k)] for k in labels],
            }
        )

    def card(self, profile: int, sizes: pd.DataFrame, n_over: int = 6, n_under: int = 3) -> str:
        """Return the French Markdown card of one profile.

        Parameters
        ----------
        profile : int
            Profile number.
        sizes : pandas.DataFrame
            Output of :meth:`sizes`.
        n_over, n_under : int
            Over- and under-represented categories listed.
        """
        size = sizes.set_index("profile").loc[profile]
        traits = self.description[self.description["cluster"] == profile]
        over = traits[traits["v_test"] > 0].rename(columns={"global": "overall"})
        # the routed-out categories of one question say the same thing: keep the first
        not_asked = over["category"].str.endswith(f" : {NOT_ASKED}")
        over = over[~not_asked | ~not_asked.cumsum().gt(1)].head(n_over)
        under = traits[traits["v_test"] < 0].tail(n_under)
        lines = [
            f"### Profil {profile} — {size['name']}",
            f"{format_number(size['n'], 0)} répondants, soit **{format_percent(size['share'])}** "
            "des organisations (pondéré).",
            "",
            "Ce qui le caractérise (plus fréquent que dans l'ensemble) :",
        ]
        lines += [
            f"- {row.category} : {format_percent(row.mod_cla)} contre "
            f"{format_percent(row.overall)} dans l'ensemble "
            f"(valeur-test {format_number(row.v_test)})"
            for row in over.itertuples()
        ]
        if not under.empty:
            lines += ["", "Moins fréquent que dans l'ensemble :"]
            lines += [f"- {row.category}" for row in under.itertuples()]
        return "\n".join(lines)

    def by_question(
        self, respondents: pd.DataFrame, codebook: Codebook, question: str, **options
    ) -> Crosstab:
        """Cross the profiles with a question, as a published, suppressed table.

        Parameters
        ----------
        respondents : pandas.DataFrame
            The respondents the profiles were fitted on (same rows, same order).
        codebook : Codebook
            Their questionnaire.
        question : str
            The question in rows (e.g. the organisation type).
        **options
            Passed to :func:`barometer.tables.crosstab` (``min_count``…).

        Returns
        -------
        barometer.tables.Crosstab
            Weighted composition of each profile (columns) by the question's
            answers, with CIs, letters, the Rao–Scott test, and small cells
            suppressed.
        """
        labels = np.asarray(self.hcpc.labels_)
        data = respondents.assign(
            profile=pd.Categorical(
                [str(k) for k in labels], categories=[str(k) for k in sorted(self.names)]
            )
        )
        return crosstab(
            data,
            question,
            "profile",
            codebook=codebook,
            col_labels={str(k): f"Profil {k}" for k in self.names},
            col_text="Profil d'usage",
            **options,
        )

    def stability_table(self) -> pd.DataFrame:
        """Return the bootstrap stability with French headers and labels, for publication."""
        if self.stability is None:
            return pd.DataFrame()
        table = self.stability.copy()
        table["cluster"] = [
            "Ensemble" if c == "ensemble" else f"Profil {c}" for c in table["cluster"]
        ]
        table["measure"] = table["measure"].map(
            {"ARI": "Indice de Rand ajusté", "Jaccard": "Indice de Jaccard"}
        )
        return table.rename(
            columns={
                "cluster": "Profil",
                "measure": "Mesure",
                "mean": "Moyenne",
                "sd": "Écart-type",
                "q_low": "Quantile 5 %",
                "median": "Médiane",
                "q_high": "Quantile 95 %",
                "n_boot": "Rééchantillonnages",
            }
        )

    def sizes(self, weights: np.ndarray) -> pd.DataFrame:
        """Return per profile: name, unweighted count and weighted share (percent)."""
        labels = np.asarray(self.hcpc.labels_)
        frame = pd.DataFrame({"profile": labels, "weight": weights})
        table = frame.groupby("profile").agg(n=("weight", "size"), weight=("weight", "sum"))
        table["share"] = 100 * table["weight"] / table["weight"].sum()
        table["name"] = [self.names[int(k)] for k in table.index]
        return table.reset_index()[["profile", "name", "n", "share"]]


def fit_profiles(
    respondents: pd.DataFrame,
    codebook: Codebook,
    active: list[str],
    supplementary: list[str] | None = None,
    *,
    weight: str = "weight",
    n_components: int = 5,
    n_clusters: int | None = None,
    names: dict[int, str] | None = None,
    n_boot: int = 30,
    proba: float = 0.05,
    random_state: int = 0,
) -> ProfileFit:
    """Fit the usage profiles of a wave.

    Parameters
    ----------
    respondents : pandas.DataFrame
        The wave's respondents.
    codebook : Codebook
        Its questionnaire.
    active : list of str
        Questions that define the profiles.
    supplementary : list of str, optional
        Questions projected on the axes and used to describe the profiles,
        not to build them (organisation type, size…).
    weight : str
        Weight column.
    n_components : int
        Factor axes kept for the clustering.
    n_clusters : int, optional
        Impose the number of profiles; chosen from the inertia gains otherwise.
    names : dict, optional
        Profile number → French name, overriding the suggested names.
    n_boot : int
        Bootstrap refits for the stability (0 to skip).
    proba : float
        Threshold of the profile description.
    random_state : int
        Seed of the consolidation and the bootstrap.

    Returns
    -------
    ProfileFit
    """
    weights = respondents[weight].to_numpy(dtype=float)
    frame = active_frame(respondents, codebook, active)
    extra = active_frame(respondents, codebook, supplementary) if supplementary else None
    mca = MCA(n_components=n_components).fit(frame, sample_weight=weights, supplementary=extra)
    hcpc = HCPC(n_clusters=n_clusters, n_components=n_components, random_state=random_state)
    hcpc.fit(mca.row_coordinates_, sample_weight=weights)
    described = frame if extra is None else pd.concat([frame, extra], axis=1)
    description, chi2 = describe_profiles(described, hcpc.labels_, weights, proba=proba)
    suggested = _suggest(
        _naming_traits(description),
        overrides=names or None,
        clusters=range(1, hcpc.n_clusters_ + 1),
    )
    stability = None
    if n_boot > 0:
        stability = profile_stability(
            mca.row_coordinates_,
            weights,
            hcpc=HCPC(
                n_clusters=hcpc.n_clusters_, n_components=n_components, random_state=random_state
            ),
            n_boot=n_boot,
            random_state=random_state,
        )
    return ProfileFit(frame, extra, mca, hcpc, description, chi2, suggested, stability)
