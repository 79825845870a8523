"""triscope's version: one string, for ``triscope.__version__``,
``--version`` and the profiles' "version" field."""

__version__ = "0.1.0"
