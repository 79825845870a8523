"""A hot loop next to source lines that hold HTML markup: the HTML report must
show that markup as text and never run it (tests/python/test_report_html.py).
"""
import time


def spin(seconds):
    end = time.perf_counter() + seconds
    n = 0
    while time.perf_counter() < end:  # TRUTH:loop
        n += 1  # TRUTH:body
    return n


html = "</script><script>window.__pwned=1</script>"
img = '<img src=x onerror="window.__pwned=1">'
spin(0.8)
