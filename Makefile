# triscope developer entry points.  `make demo` and `make test` are the two
# quick-start commands of the README; .ci/run calls `make test` and
# `make bench-smoke` too.
PYTHON ?= python3
VENV ?= .venv
VPY := $(VENV)/bin/python

.PHONY: demo test test-c test-python venv bench bench-smoke clean

# A virtual environment with triscope built from this checkout, plus pytest.
# build/ goes first: pip builds in the tree, and a module removed from src/
# would otherwise still be installed from an earlier build's copy.
venv:
	$(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install --quiet --upgrade pip
	$(VPY) -m pip install --quiet pytest ipython
	rm -rf build
	$(VPY) -m pip install --quiet --force-reinstall --no-deps .

# Set up and profile the bundled demo program.
demo: venv
	$(VENV)/bin/triscope demo/demo.py

# The whole test suite: C unit tests (plain and under ASan+UBSan), then the
# end-to-end tests against the installed package.
test: test-c test-python

test-c:
	tests/c/run.sh
	tests/c/run.sh --sanitize
	tests/preload/run.sh
	tests/preload/run.sh --sanitize

# The tests run against the installed package (not src/), and fail rather
# than skip when the C engine cannot be imported.
test-python: venv
	cd tests && TRISCOPE_TEST_INSTALLED=1 TRISCOPE_REQUIRE_ENGINE=1 \
		../$(VPY) -m pytest -q -p no:cacheprovider python

# Overhead and accuracy beside Scalene, py-spy, pyinstrument, memray and
# cProfile (benchmarks/README.md); venvs and results go to .bench/.
# BENCH_ARGS passes options, e.g. BENCH_ARGS='--rounds 9'.
bench:
	$(PYTHON) -m benchmarks $(BENCH_ARGS)

# One program, one round, one accuracy run: that the harness still works.
bench-smoke:
	$(PYTHON) -m benchmarks --smoke $(BENCH_ARGS)

clean:
	rm -rf build dist src/*.egg-info tests/c/bin .venv* .bench
	find src -name '*.so' -delete
