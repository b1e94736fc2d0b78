"""Parameters of the latent model: who answers what, by usage profile.

Tables hold option *codes* (stable identifiers of the codebook), never labels.
Each 4-tuple gives a value for the profiles in ``PROFILES`` order.  Sources of
the marginal distributions: the "Plausible distributions" of the working
questionnaire (Solidatech 2025, Data Publica 2025, Ecolhuma 2025, CREDOC 2025);
the resulting margins are checked in ``tests/test_synth.py``.
"""

from __future__ import annotations

PROFILES: tuple[str, ...] = (
    "non_users_sceptical",
    "individual_explorers",
    "equipped_teams",
    "advanced_integrators",
)
"""The latent usage profiles, in the order of every 4-tuple below."""

SCEPTICAL, EXPLORERS, EQUIPPED, ADVANCED = range(4)
NO_PROFILE = -1
"""Profile index of test submissions: a tester clicks at random."""

# ---------------------------------------------------------------- organisations
COMPOSITION: dict[str, float] = {
    "association": 0.45,
    "commune": 0.12,
    "epci": 0.05,
    "departement_region": 0.03,  # v1
    "departement": 0.02,  # v2 split of departement_region
    "region": 0.01,  # v2 split of departement_region
    "fondation": 0.08,
    "entreprise_mission": 0.12,
    "edtech": 0.10,
    "autre": 0.05,
}
"""Sample composition by organisation type (codes absent from a codebook are dropped)."""

SIZE_CODES: tuple[str, ...] = ("none", "1_9", "10_49", "50_249", "250_plus")
_LOCAL_GOV_SIZE = (0.02, 0.38, 0.33, 0.19, 0.08)
_REGIONAL_GOV_SIZE = (0.0, 0.0, 0.0, 0.12, 0.88)
SIZE_BY_TYPE: dict[str, tuple[float, ...]] = {
    "association": (0.26, 0.36, 0.23, 0.11, 0.04),
    "commune": _LOCAL_GOV_SIZE,
    "epci": (0.0, 0.05, 0.35, 0.40, 0.20),
    "departement_region": _REGIONAL_GOV_SIZE,
    "departement": _REGIONAL_GOV_SIZE,
    "region": _REGIONAL_GOV_SIZE,
    "fondation": (0.10, 0.45, 0.30, 0.10, 0.05),
    "entreprise_mission": (0.0, 0.35, 0.35, 0.20, 0.10),
    "edtech": (0.0, 0.45, 0.40, 0.12, 0.03),
    "autre": (0.15, 0.35, 0.30, 0.15, 0.05),
}
"""Organisation size (codes of ``SIZE_CODES``) by organisation type."""

USER_SHARE: dict[str, float] = {
    "association": 0.40,
    "commune": 0.62,
    "epci": 0.68,
    "departement_region": 0.75,
    "departement": 0.75,
    "region": 0.78,
    "fondation": 0.60,
    "entreprise_mission": 0.70,
    "edtech": 0.90,
    "autre": 0.50,
}
"""Share of AI users (regular or occasional) by organisation type, averaged over sizes."""

SIZE_USER_LOGIT: tuple[float, ...] = (-0.7, -0.25, 0.0, 0.35, 0.7)
"""Shift of the log-odds of being a user by size; re-centred within each type."""

USER_SPLIT: dict[str, tuple[float, float, float]] = {
    "association": (0.55, 0.33, 0.12),
    "commune": (0.40, 0.43, 0.17),
    "epci": (0.32, 0.46, 0.22),
    "departement_region": (0.25, 0.45, 0.30),
    "departement": (0.25, 0.45, 0.30),
    "region": (0.22, 0.45, 0.33),
    "fondation": (0.40, 0.40, 0.20),
    "entreprise_mission": (0.35, 0.40, 0.25),
    "edtech": (0.18, 0.34, 0.48),
    "autre": (0.50, 0.35, 0.15),
}
"""Among users: explorers, equipped teams, advanced integrators, by type."""

SIZE_ADVANCED_LOGIT: tuple[float, ...] = (-1.0, -0.5, 0.0, 0.5, 1.0)
"""Log-weight of advanced integrators (and minus that of explorers) by size."""

PURPOSE_BY_TYPE: dict[str, dict[str, float]] = {
    "association": {
        "educative": 0.35,
        "environnementale": 0.22,
        "citoyenne": 0.25,
        "sociale": 0.45,
        "culturelle": 0.20,
        "autre": 0.06,
    },
    "collectivite": {
        "educative": 0.30,
        "environnementale": 0.35,
        "citoyenne": 0.60,
        "sociale": 0.45,
        "culturelle": 0.30,
        "autre": 0.03,
    },
    "fondation": {
        "educative": 0.40,
        "environnementale": 0.30,
        "citoyenne": 0.20,
        "sociale": 0.50,
        "culturelle": 0.20,
        "autre": 0.05,
    },
    "entreprise_mission": {
        "educative": 0.20,
        "environnementale": 0.45,
        "citoyenne": 0.15,
        "sociale": 0.35,
        "culturelle": 0.05,
        "autre": 0.10,
    },
    "edtech": {
        "educative": 0.95,
        "environnementale": 0.05,
        "citoyenne": 0.10,
        "sociale": 0.15,
        "culturelle": 0.05,
        "autre": 0.03,
    },
    "autre": {
        "educative": 0.30,
        "environnementale": 0.25,
        "citoyenne": 0.25,
        "sociale": 0.35,
        "culturelle": 0.15,
        "autre": 0.15,
    },
}
"""Tick probability of each purpose by type group (collectivités share one row)."""

AUDIENCES_BASE: dict[str, float] = {
    "enfants": 0.12,
    "jeunes": 0.30,
    "familles": 0.28,
    "enseignants": 0.06,
    "grand_public": 0.45,
    "vulnerables": 0.25,
    "professionnels": 0.28,
}
AUDIENCES_IF_EDUCATION: dict[str, float] = {"enfants": 0.50, "enseignants": 0.50, "jeunes": 0.20}
"""Added to the tick probability of an audience when the purpose is educational."""

REGION_WEIGHTS: dict[str, float] = {
    "ara": 0.12,
    "bfc": 0.04,
    "bretagne": 0.06,
    "cvl": 0.035,
    "corse": 0.005,
    "grand_est": 0.07,
    "hdf": 0.08,
    "idf": 0.24,
    "normandie": 0.045,
    "nouvelle_aquitaine": 0.08,
    "occitanie": 0.08,
    "pdl": 0.06,
    "paca": 0.07,
    "outre_mer": 0.02,
}

ROLE_BY_GROUP: dict[str, dict[str, float]] = {
    "association": {
        "direction": 0.38,
        "chef_projet": 0.12,
        "communication": 0.12,
        "evaluation": 0.05,
        "numerique": 0.05,
        "benevole": 0.22,
        "autre": 0.06,
    },
    "collectivite": {
        "direction": 0.25,
        "elu": 0.20,
        "chef_projet": 0.20,
        "communication": 0.10,
        "evaluation": 0.05,
        "numerique": 0.15,
        "autre": 0.05,
    },
    "other": {
        "direction": 0.40,
        "chef_projet": 0.20,
        "communication": 0.12,
        "evaluation": 0.08,
        "numerique": 0.15,
        "autre": 0.05,
    },
}

POPULATION_BY_SIZE: dict[str, tuple[float, ...]] = {
    "none": (0.90, 0.10, 0.0, 0.0),
    "1_9": (0.75, 0.20, 0.05, 0.0),
    "10_49": (0.20, 0.50, 0.28, 0.02),
    "50_249": (0.02, 0.20, 0.60, 0.18),
    "250_plus": (0.0, 0.02, 0.38, 0.60),
}
"""Population band of a commune by staff size (bands in codebook order)."""
POPULATION_EPCI: tuple[float, ...] = (0.0, 0.08, 0.52, 0.40)
"""Population band of an intercommunality; départements and régions are all 50 000+."""

# ---------------------------------------------------------------- answers by profile
# Each entry: option code -> weights for (sceptical, explorers, equipped, advanced).
SINGLE: dict[str, dict[str, tuple[float, float, float, float]]] = {
    "digital_maturity": {
        "initiee": (0.55, 0.30, 0.12, 0.03),
        "en_bonne_voie": (0.37, 0.55, 0.58, 0.37),
        "experimentee": (0.08, 0.15, 0.30, 0.60),
    },
    "ai_status": {
        "regular": (0.0, 0.30, 0.65, 0.92),
        "occasional": (0.0, 0.70, 0.35, 0.08),
        "planned": (0.35, 0.0, 0.0, 0.0),
        "not_considered": (0.42, 0.0, 0.0, 0.0),
        "dont_know": (0.23, 0.0, 0.0, 0.0),
    },
    "usage_mode": {
        "individual": (1.0, 0.80, 0.15, 0.03),
        "supervised": (1.0, 0.17, 0.70, 0.37),
        "deployed": (1.0, 0.03, 0.15, 0.60),
    },
    "frequency": {
        "daily": (1.0, 0.15, 0.35, 0.70),
        "weekly": (1.0, 0.40, 0.45, 0.25),
        "monthly": (1.0, 0.30, 0.15, 0.05),
        "rarely": (1.0, 0.15, 0.05, 0.0),
    },
    "access_model": {
        "free": (1.0, 0.75, 0.15, 0.03),
        "individual_subscription": (1.0, 0.20, 0.20, 0.07),
        "licence": (1.0, 0.04, 0.60, 0.45),
        "custom": (1.0, 0.01, 0.05, 0.45),
    },
    "ai_budget": {
        "none": (1.0, 0.80, 0.20, 0.03),
        "lt_1000": (1.0, 0.17, 0.45, 0.15),
        "1000_10000": (1.0, 0.03, 0.30, 0.40),
        "gt_10000": (1.0, 0.0, 0.05, 0.42),
    },
    "ai_charter": {
        "adopted": (0.02, 0.03, 0.22, 0.68),
        "in_progress": (0.14, 0.18, 0.55, 0.26),
        "no": (0.69, 0.69, 0.20, 0.04),
        "dont_know": (0.15, 0.10, 0.03, 0.02),
    },
    "ai_referent": {"yes": (0.03, 0.06, 0.35, 0.85), "no": (0.97, 0.94, 0.65, 0.15)},
    "training": {
        "formal": (0.05, 0.05, 0.35, 0.70),
        "self": (0.20, 0.60, 0.50, 0.27),
        "none": (0.75, 0.35, 0.15, 0.03),
    },
    "personal_data_rule": {
        "forbidden": (0.20, 0.15, 0.45, 0.40),
        "anonymised": (0.10, 0.10, 0.30, 0.50),
        "none": (0.70, 0.75, 0.25, 0.10),
    },
    "beneficiary_info": {
        "always": (0.10, 0.08, 0.25, 0.50),
        "sometimes": (0.20, 0.32, 0.50, 0.40),
        "never": (0.70, 0.60, 0.25, 0.10),
    },
    "sovereignty_importance": {
        "1": (0.03, 0.15, 0.05, 0.03),
        "2": (0.07, 0.25, 0.15, 0.07),
        "3": (0.20, 0.30, 0.30, 0.20),
        "4": (0.30, 0.20, 0.30, 0.30),
        "5": (0.40, 0.10, 0.20, 0.40),
    },
    "solution_preference": {
        "european": (0.55, 0.20, 0.35, 0.55),
        "indifferent": (0.30, 0.40, 0.35, 0.15),
        "best": (0.15, 0.40, 0.30, 0.30),
    },
    "footprint_considered": {
        "always": (0.22, 0.05, 0.12, 0.25),
        "sometimes": (0.35, 0.30, 0.45, 0.50),
        "never": (0.43, 0.65, 0.43, 0.25),
    },
    "footprint_vs_search": {
        "higher": (0.50, 0.35, 0.50, 0.65),
        "equivalent": (0.08, 0.15, 0.12, 0.10),
        "lower": (0.04, 0.10, 0.06, 0.05),
        "dont_know": (0.38, 0.40, 0.32, 0.20),
    },
    "stance": {
        "convinced": (0.10, 0.45, 0.50, 0.75),
        "pragmatic": (0.45, 0.50, 0.45, 0.23),
        "reluctant": (0.45, 0.05, 0.05, 0.02),
    },
    "opportunity_threat": {
        "1": (0.15, 0.02, 0.01, 0.01),
        "2": (0.25, 0.06, 0.05, 0.02),
        "3": (0.35, 0.25, 0.20, 0.10),
        "4": (0.18, 0.42, 0.44, 0.37),
        "5": (0.07, 0.25, 0.30, 0.50),
    },
    "publish_consent": {"yes": (0.55, 0.60, 0.60, 0.65), "no": (0.45, 0.40, 0.40, 0.35)},
}
"""Single-choice and scale answers by profile (users-only questions: sceptical unused)."""

MULTIPLE: dict[str, dict[str, tuple[float, float, float, float]]] = {
    "tools": {
        "chatgpt": (0.0, 0.86, 0.80, 0.62),
        "copilot": (0.0, 0.12, 0.38, 0.28),
        "gemini": (0.0, 0.30, 0.28, 0.25),
        "le_chat": (0.0, 0.08, 0.15, 0.32),
        "claude": (0.0, 0.04, 0.07, 0.17),
        "integrated": (0.0, 0.35, 0.40, 0.35),
        "transcription": (0.0, 0.12, 0.35, 0.45),
        "business": (0.0, 0.04, 0.18, 0.45),
        "open_source": (0.0, 0.01, 0.05, 0.55),
        "agents": (0.0, 0.03, 0.12, 0.35),
        "autre": (0.0, 0.05, 0.05, 0.06),
    },
    "tasks": {
        "writing": (0.0, 0.88, 0.80, 0.70),
        "research": (0.0, 0.40, 0.55, 0.60),
        "data_analysis": (0.0, 0.06, 0.30, 0.72),
        "synthesis": (0.0, 0.15, 0.45, 0.60),
        "translation": (0.0, 0.18, 0.30, 0.40),
        "visual": (0.0, 0.45, 0.35, 0.30),
        "personalised_learning": (0.0, 0.04, 0.08, 0.20),
        "admin": (0.0, 0.08, 0.35, 0.45),
        "impact_report": (0.0, 0.04, 0.20, 0.55),
    },
    "benefits": {
        "time": (0.0, 0.80, 0.85, 0.85),
        "quality": (0.0, 0.35, 0.50, 0.60),
        "analysis": (0.0, 0.05, 0.25, 0.60),
        "accessibility": (0.0, 0.10, 0.25, 0.35),
        "new_activities": (0.0, 0.05, 0.15, 0.35),
        "none": (0.0, 0.08, 0.02, 0.01),
    },
    "expectations": {
        "training": (0.55, 0.60, 0.50, 0.30),
        "charter": (0.30, 0.35, 0.45, 0.20),
        "peer_feedback": (0.35, 0.45, 0.50, 0.40),
        "sovereign_tools": (0.30, 0.15, 0.30, 0.50),
        "funding": (0.35, 0.35, 0.40, 0.40),
        "coaching": (0.35, 0.40, 0.30, 0.15),
        "platform": (0.15, 0.20, 0.25, 0.30),
        "impact_methods": (0.10, 0.15, 0.30, 0.50),
    },
}
"""Tick probability of each option of a multiple question by profile."""

BARRIER_WEIGHTS: dict[str, tuple[float, float, float, float]] = {
    "skills": (0.55, 0.70, 0.50, 0.25),
    "guidance": (0.48, 0.58, 0.42, 0.16),
    "data_protection": (0.40, 0.50, 0.64, 0.50),
    "sovereignty": (0.52, 0.24, 0.44, 0.60),
    "sobriety": (0.30, 0.06, 0.10, 0.15),
    "reliability": (0.05, 0.12, 0.15, 0.17),
    "ethics": (0.10, 0.06, 0.10, 0.16),
    "human_link": (0.14, 0.04, 0.04, 0.03),
    "families": (0.03, 0.02, 0.02, 0.02),
    "cost": (0.04, 0.10, 0.12, 0.12),
    "time": (0.06, 0.15, 0.10, 0.04),
    "no_use": (0.15, 0.01, 0.01, 0.01),
    "legal": (0.04, 0.05, 0.10, 0.14),
}
"""Relative weight of each barrier by profile (drawn without replacement)."""

BARRIER_COUNT: tuple[float, float, float] = (0.10, 0.25, 0.65)
"""Probability of citing one, two or three barriers."""

SOBRIETY_ENV_FACTOR = 1.9
"""Sobriety barrier weight multiplier for an environmental purpose (~1.5x citations)."""
FAMILIES_EDU_FACTOR = 5.0
"""Weight multiplier of the families' and teachers' worries in education."""

STAGE_YES: dict[str, tuple[float, float, float, float]] = {
    "stage_conception": (0.0, 0.40, 0.64, 0.68),
    "stage_pilotage": (0.0, 0.15, 0.55, 0.64),
    "stage_suivi": (0.0, 0.08, 0.40, 0.58),
    "stage_evaluation": (0.0, 0.04, 0.18, 0.62),
    "stage_valorisation": (0.0, 0.66, 0.70, 0.55),
}
"""Probability of using AI at each stage (regularly or occasionally), by profile."""
STAGE_REGULAR_SHARE: tuple[float, ...] = (0.0, 0.25, 0.45, 0.70)
STAGE_CONSIDERED_SHARE: tuple[float, ...] = (0.0, 0.45, 0.60, 0.50)
STAGE_LEVELS: tuple[str, str, str, str] = (
    "regularly",
    "occasionally",
    "considered",
    "not_relevant",
)

PROFILE_NOISE = 0.2
"""Chance, per user and question, of answering like a neighbouring user profile.

Keeps the profiles recoverable by MCA and HCPC without making them trivially
separable: explorers sometimes answer like equipped teams, and so on.
"""

UNIFORM_TICK = 0.3
"""Tick probability of each option for a tester, or for a question the model does not know."""

ORGANISATION_QUESTIONS: tuple[str, ...] = (
    "org_type",
    "org_size",
    "population_band",
    "purpose",
    "audiences",
    "region",
)
"""Answers that describe the organisation: shared by the two submissions of a duplicate."""

ENVIRONMENT_CODE = ("purpose", "environnementale")
EDUCATION_CODE = ("purpose", "educative")
EDTECH_CODE = ("org_type", "edtech")
SOBRIETY_CODE = ("barriers", "sobriety")
FAMILIES_CODE = ("barriers", "families")
SPECIAL_CODES: tuple[tuple[str, str], ...] = (
    ENVIRONMENT_CODE,
    EDUCATION_CODE,
    EDTECH_CODE,
    SOBRIETY_CODE,
    FAMILIES_CODE,
    ("tools", "le_chat"),
    ("tools", "business"),
    ("tasks", "personalised_learning"),
    ("footprint_considered", "always"),
    ("ai_status", "not_considered"),
    ("tools", "chatgpt"),
)
"""The codes the planted relationships rely on: they must exist in every codebook."""
