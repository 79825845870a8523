"""A package run with -m pkgdemo (see __main__.py)."""
