"""The AI4Impact barometer: survey exports in, weighted and tested results out.

The package is organised one job a module (see ``README.md``): ``codebook``
describes the questionnaire, ``ingest`` reads raw exports, ``clean`` turns
them into respondents, ``privacy`` protects them, ``weighting`` calibrates,
``survey`` and ``tables`` estimate, ``profiles`` clusters, ``charts`` draws,
``pipeline`` runs the notebooks and ``cli`` is the ``barometer`` command.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("barometer")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = ["__version__"]
