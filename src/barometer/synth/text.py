"""Fictional French text for the synthetic waves: names, e-mails, testimonies.

Every organisation name is assembled from generic words and invented place
names (random syllables), never taken from a register; any resemblance to a
real body is coincidental.  E-mail addresses use only the reserved domains
``example.org``, ``example.fr`` and ``example.com``; phone numbers only the
ARCEP ranges reserved for fiction (01 99 00 xx xx and 06 39 98 xx xx).
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np

EMAIL_DOMAINS: tuple[str, ...] = ("example.org", "example.fr", "example.com")
"""The only domains an address may use (reserved, never delivered)."""
TESTIMONY_EMAIL_DOMAIN = "example.org"

FIRST_NAMES: tuple[str, ...] = (
    "Camille", "Julie", "Thomas", "Nicolas", "Sophie", "Marie", "Léa", "Lucas", "Hugo",
    "Chloé", "Manon", "Antoine", "Claire", "Émilie", "Julien", "Sarah", "Mathieu", "Pauline",
    "Nathalie", "Olivier", "Isabelle", "Laurent", "Inès", "Karim", "Yasmine", "Mehdi",
    "Aurélie", "Romain", "Élodie", "Baptiste", "Fatou", "Kevin", "Anaïs", "Jérôme",
)  # fmt: skip
LAST_NAMES: tuple[str, ...] = (
    "Martin", "Bernard", "Dubois", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
    "Simon", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent",
    "Fournier", "Morel", "Girard", "Mercier", "Blanc", "Guérin", "Boyer", "Garnier",
    "Chevalier", "Legrand", "Gauthier", "Perrin", "Robin", "Clément", "Morin", "Henry",
    "Roussel", "Diallo", "Benali", "Nguyen", "Lopes",
)  # fmt: skip

_THEMES: tuple[str, ...] = (
    "des Savoirs Partagés", "Horizons Solidaires", "Terre Commune", "du Lien Social",
    "Jeunesse en Mouvement", "des Jardins Partagés", "Numérique pour Tous",
    "Culture et Quartiers", "Éducation Buissonnière", "Entraide et Partage",
    "des Familles Actives", "Mobilités Douces", "Transition Locale", "Sport et Inclusion",
    "Lecture Vivante", "Écologie Citoyenne", "Passerelles Emploi", "Voisins Solidaires",
    "Arts en Partage", "Classes Vertes", "Sciences en Herbe", "Accueil et Dialogue",
)  # fmt: skip
_ASSOCIATION_KINDS: tuple[str, ...] = (
    "Association", "Collectif", "Réseau", "Maison", "Atelier", "Cercle", "Union", "Fédération",
)  # fmt: skip
_FOUNDATION_KINDS: tuple[str, ...] = ("Fondation", "Fonds de dotation", "Fondation")
_COMPANY_WORDS: tuple[str, ...] = (
    "Trajectoires", "Sillons", "Cap Commun", "Boussole", "Racines", "Passerelles",
    "Éclaircie", "Bel Ouvrage", "Terres Vives", "Fil Rouge", "Grand Large", "Ricochets",
)  # fmt: skip
_COMPANY_KINDS: tuple[str, ...] = ("{} Conseil", "{} & Cie", "Coopérative {}", "{} Solutions")
_EDTECH_ROOTS: tuple[str, ...] = (
    "Appren", "Savo", "Classo", "Cogni", "Didac", "Lecto", "Mathi", "Ecrito", "Curio", "Questo",
)  # fmt: skip
_EDTECH_ENDINGS: tuple[str, ...] = ("lab", "ria", "tek", "via", "nova", "kit", "flow", "sphère")
_SYLLABLES: tuple[tuple[str, ...], ...] = (
    ("Ver", "Pru", "Sor", "Cal", "Tey", "Bra", "Lou", "Fla", "Gri", "Quen", "Vau", "Tri"),
    ("an", "ve", "be", "mi", "sso", "ge", "lu", "ca", "ri", "no", "dre", "zi"),
    ("dol", "nac", "lin", "rac", "nne", "zac", "gnan", "vette", "rieux", "sac", "dours", "mil"),
)
_TOWN_SUFFIXES: tuple[str, ...] = (
    "",
    "",
    "",
    "-sur-Lanne",
    "-en-Vaubois",
    "-les-Pins",
    "-la-Forêt",
)
_PLACES: tuple[str, ...] = ("", "", "", "du Val Fleuri", "des Trois Collines", "de la Vallée Verte")

TEST_ORG_NAMES: tuple[str, ...] = (
    "test", "TEST asso", "Test", "essai", "test test", "Test AI4Impact", "asso test",
)  # fmt: skip
TEST_EMAILS: tuple[str, ...] = (
    "test@example.org", "test@example.com", "essai@example.fr", "toto@example.org",
)  # fmt: skip
TEST_TESTIMONIES: tuple[str, ...] = ("test", "ceci est un test", "TEST", "aaa", "essai")

OTHER_TEXTS: dict[str, tuple[str, ...]] = {
    "org_type": (
        "Coopérative (SCIC)", "Syndicat mixte", "Établissement public", "Tiers-lieu",
        "Centre social", "Groupement d'employeurs", "Mutuelle", "Office de tourisme",
    ),
    "purpose": ("Santé", "Sport", "Insertion professionnelle", "Recherche", "Patrimoine"),
    "respondent_role": (
        "Chargé·e de mission", "Trésorier", "Assistante administrative", "Président",
        "Secrétaire général", "Coordinatrice",
    ),
    "tools": ("Perplexity", "DeepSeek", "Midjourney", "NotebookLM", "Gamma", "Dall-E"),
}  # fmt: skip
"""Free text of an "Autre" answer, by question; none resolves to an option label."""

USE_SENTENCES: tuple[str, ...] = (
    "Nous utilisons l'IA pour rédiger les premières versions de nos lettres d'information, "
    "ce qui nous fait gagner plusieurs heures par mois.",
    "L'IA nous aide à synthétiser les réponses ouvertes de nos questionnaires de satisfaction.",
    "Nous avons testé la transcription automatique des réunions de notre conseil d'administration.",
    "Un outil d'IA nous a permis de traduire nos supports en facile à lire et à comprendre.",
    "Nos animateurs préparent des fiches pédagogiques adaptées au niveau de chaque groupe.",
    "Nous analysons les données de fréquentation de nos ateliers pour mieux cibler nos actions.",
    "L'IA nous sert à préparer les dossiers de demande de subvention.",
    "Nous avons déployé un modèle open source hébergé chez un prestataire français pour "
    "interroger nos documents internes.",
    "La rédaction de notre rapport d'impact annuel a été nettement accélérée.",
    "Nous créons les visuels de nos réseaux sociaux sans passer par une agence.",
    "Un assistant conversationnel répond aux questions fréquentes des familles sur les "
    "inscriptions.",
    "Les équipes s'en servent pour préparer les comptes rendus de réunion.",
    "Nous avons croisé nos indicateurs de suivi pour préparer l'évaluation de notre programme.",
)
NON_USE_SENTENCES: tuple[str, ...] = (
    "Nous n'utilisons pas l'IA pour le moment, mais nous suivons le sujet de près.",
    "Aucun usage chez nous : nous préférons attendre d'y voir plus clair.",
    "Un bénévole a essayé un outil gratuit, sans suite pour l'instant.",
)
CONCERN_SENTENCES: tuple[str, ...] = (
    "Nous craignons de dépendre de quelques grandes entreprises américaines.",
    "La consommation d'énergie de ces outils nous semble incompatible avec nos engagements "
    "environnementaux.",
    "Nous ne savons pas ce que deviennent les données que nous saisissons.",
    "Les familles s'inquiètent de l'usage de l'IA avec les enfants.",
    "J'ai peur que l'on perde le lien humain avec les personnes accompagnées.",
    "Les réponses sont parfois fausses et il faut tout vérifier.",
    "Le cadre juridique reste flou, notamment avec le règlement européen sur l'IA.",
    "Nos bénévoles ne sont pas formés et l'écart se creuse entre les équipes.",
    "Le coût des licences est trop élevé pour une petite structure comme la nôtre.",
    "Les enseignants avec qui nous travaillons restent très réservés.",
    "Les biais des modèles risquent de renforcer les discriminations envers nos publics.",
)
NEEDS_SENTENCES: tuple[str, ...] = (
    "Une formation courte et concrète pour toute l'équipe.",
    "Une charte type que nous pourrions adapter à notre structure.",
    "Des retours d'expérience d'autres organisations de notre taille.",
    "Des outils souverains mutualisés entre associations.",
    "Un accompagnement personnalisé pour choisir les bons outils.",
    "Un financement dédié pour expérimenter sans fragiliser notre budget.",
    "Des méthodes simples pour évaluer l'impact de ces usages.",
    "Un espace d'échange entre pairs pour partager nos pratiques.",
)
EMAIL_SENTENCES: tuple[str, ...] = (
    "Pour en parler, écrivez-moi à {email}.",
    "Je reste disponible à l'adresse {email}.",
    "Contact : {email}",
)
PHONE_SENTENCES: tuple[str, ...] = (
    "Vous pouvez me joindre au {phone}.",
    "N'hésitez pas à m'appeler au {phone}.",
    "Tél. {phone}",
)
NAME_SENTENCES: tuple[str, ...] = (
    "Merci à {name}, notre chargée de mission, qui a porté le projet.",
    "{name} a animé nos premiers ateliers de découverte.",
    "Contactez {name} pour plus de détails.",
    "Je suis {name}, coordinatrice du projet.",
)
ORG_SENTENCES: tuple[tuple[str, ...], ...] = (
    ("Chez {org}, {lowered}", "{sentence} C'est ce que nous faisons chez {org}."),
    ("À {org}, {lowered}", "{sentence} C'est notre crainte principale chez {org}."),
    ("Pour {org} : {lowered}", "{sentence} Ce serait précieux pour {org}."),
)
"""Ways to name one's own organisation, by testimony question (use, worries, needs)."""


def pick(rng: np.random.Generator, items: tuple[str, ...] | list[str]) -> str:
    """Return one item drawn uniformly.

    ``rng.random()`` is used rather than ``rng.integers``: same uniform choice,
    a tenth of the call overhead, which matters for 100,000-row samples.
    """
    return items[min(int(rng.random() * len(items)), len(items) - 1)]


def ascii_slug(text: str, sep: str = ".") -> str:
    """Fold a name to lower-case ASCII words joined by ``sep``.

    Examples
    --------
    >>> ascii_slug("Élodie Guérin")
    'elodie.guerin'
    """
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    return sep.join(re.findall(r"[a-z0-9]+", folded))


def person_name(rng: np.random.Generator) -> tuple[str, str]:
    """Return a fictional (first name, last name)."""
    return pick(rng, FIRST_NAMES), pick(rng, LAST_NAMES)


def town_name(rng: np.random.Generator) -> str:
    """Return an invented town name made of random syllables."""
    stem = "".join(pick(rng, part) for part in _SYLLABLES)
    return stem + pick(rng, _TOWN_SUFFIXES)


def organisation_name(rng: np.random.Generator, group: str, *, attempt: int = 0) -> str:
    """Return a fictional organisation name fitting its type group.

    Parameters
    ----------
    rng : numpy.random.Generator
        The random source.
    group : str
        ``"association"``, ``"commune"``, ``"epci"``, ``"regional"``,
        ``"fondation"``, ``"entreprise_mission"``, ``"edtech"`` or anything
        else (a generic name).
    attempt : int
        How many names were already taken: from 3 on, an invented place is
        added; from 30 on, a number too.

    Returns
    -------
    str
        A name built from generic words and invented places.
    """
    name = _base_name(rng, group)
    if attempt >= 3 and group not in ("commune", "epci", "regional"):
        name = f"{name} de {town_name(rng)}"
    if attempt >= 30:
        name = f"{name} {attempt}"
    return name


def _base_name(rng: np.random.Generator, group: str) -> str:
    if group == "commune":
        return f"{pick(rng, ('Mairie de', 'Ville de', 'Commune de'))} {town_name(rng)}"
    if group == "epci":
        return f"Communauté de communes du Pays de {town_name(rng)}"
    if group == "regional":
        return f"Conseil {pick(rng, ('départemental', 'régional'))} de {town_name(rng)}"
    if group == "fondation":
        return f"{pick(rng, _FOUNDATION_KINDS)} {pick(rng, _THEMES)}"
    if group == "entreprise_mission":
        return pick(rng, _COMPANY_KINDS).format(pick(rng, _COMPANY_WORDS))
    if group == "edtech":
        return pick(rng, _EDTECH_ROOTS) + pick(rng, _EDTECH_ENDINGS)
    name = f"{pick(rng, _ASSOCIATION_KINDS)} {pick(rng, _THEMES)}"
    place = pick(rng, _PLACES)
    return f"{name} {place}" if place else name


def contact_email(
    rng: np.random.Generator, first: str, last: str, org: str | None, *, attempt: int = 0
) -> str:
    """Return a contact address on a reserved domain.

    From the third ``attempt`` on (the plain address is taken), a number is added.
    """
    style = int(rng.integers(4))
    if style == 0:
        local = ascii_slug(f"{first} {last}")
    elif style == 1:
        local = ascii_slug(first)[:1] + ascii_slug(last, sep="")
    elif style == 2 and org:
        local = "contact." + "-".join(ascii_slug(org, sep="-").split("-")[-2:])
    else:
        local = ascii_slug(first) + str(int(rng.integers(1, 99)))
    if attempt >= 2:
        local += str(int(rng.integers(10, 100 * attempt)))
    return f"{local}@{pick(rng, EMAIL_DOMAINS)}"


def fiction_phone(rng: np.random.Generator) -> str:
    """Return a phone number from the ARCEP ranges reserved for fiction, in a common layout."""
    landline = bool(rng.integers(2))
    head = ("01", "99", "00") if landline else ("06", "39", "98")
    tail = (f"{int(rng.integers(100)):02d}", f"{int(rng.integers(100)):02d}")
    style = int(rng.integers(4))
    if style == 1:
        return ".".join((*head, *tail))
    if style == 2:
        return "+33 " + " ".join((head[0][1], *head[1:], *tail))
    return " ".join((*head, *tail))


def case_space_variant(rng: np.random.Generator, text: str) -> str:
    """Return ``text`` with stray spaces or changed case (still the same answer).

    Examples
    --------
    >>> case_space_variant(np.random.default_rng(1), "Usage régulier") != "Usage régulier"
    True
    """
    kind = int(rng.integers(5))
    if kind == 0:
        out = text.upper()
    elif kind == 1:
        out = text.lower()
    elif kind == 2:
        out = f"  {text} "
    elif kind == 3:
        out = text.replace(" ", "  ", 1) if " " in text else f"{text} "
    else:
        out = f"{text}\u00a0"
    return out if out != text else f" {text}"
