"""Leaves by os._exit(3) with output still in Python's buffer (stdout is a
pipe, so block-buffered): plain python loses it."""
import os

print("buffered, never flushed")
os._exit(3)
