"""Reads a first line with input(), then the rest of stdin as text.

Prints the first line upper-cased, then the byte count and SHA-256 of the rest.
"""
import hashlib
import sys

first = input()
rest = sys.stdin.read().encode("utf-8", "surrogateescape")
print(first.upper())
print(len(rest), hashlib.sha256(rest).hexdigest())
