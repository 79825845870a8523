/* Tests for native/extension/session_state.c: the session's transition
 * table (the diagram in session_state.h), refusals and ignored events.
 * session_state.c is pure C, so it is compiled in here directly. */
#include "check.h"

#include <string.h>

#include "../../native/extension/session_state.c"

/* What `event` does in `state`: the next state, IGNORED or REFUSED. */
#define IGNORED (-1)
#define REFUSED (-2)
static int
outcome(ts_session_state_t state, ts_session_event_t event, ts_error_t *err)
{
    ts_session_state_t next = TS_SESSION_N_STATES;
    int rc = ts_session_step(state, event, &next, err);
    if (rc < 0)
        return REFUSED;
    if (rc == 0)
        return next == TS_SESSION_N_STATES ? IGNORED : -99;
    return (int)next;
}

static void
test_lifecycle(void)
{
    ts_error_t err = {0};
    CHECK(outcome(TS_SESSION_UNCONFIGURED, TS_EV_CONFIGURE, &err) == TS_SESSION_CONFIGURED);
    CHECK(outcome(TS_SESSION_CONFIGURED, TS_EV_CONFIGURE, &err) == TS_SESSION_CONFIGURED);
    CHECK(outcome(TS_SESSION_CONFIGURED, TS_EV_START, &err) == TS_SESSION_RUNNING);
    CHECK(outcome(TS_SESSION_CONFIGURED, TS_EV_RESUME, &err) == TS_SESSION_RUNNING);
    CHECK(outcome(TS_SESSION_RUNNING, TS_EV_PAUSE, &err) == TS_SESSION_PAUSED);
    CHECK(outcome(TS_SESSION_PAUSED, TS_EV_UNPAUSE, &err) == TS_SESSION_RUNNING);
    CHECK(outcome(TS_SESSION_RUNNING, TS_EV_STOP, &err) == TS_SESSION_STOPPED);
    CHECK(outcome(TS_SESSION_PAUSED, TS_EV_STOP, &err) == TS_SESSION_STOPPED);
    CHECK(outcome(TS_SESSION_STOPPED, TS_EV_START, &err) == TS_SESSION_RUNNING);
    CHECK(outcome(TS_SESSION_STOPPED, TS_EV_RESUME, &err) == TS_SESSION_RUNNING);
    CHECK(outcome(TS_SESSION_STOPPED, TS_EV_CONFIGURE, &err) == TS_SESSION_STOPPED);
    CHECK(err.kind == TS_ERR_NONE);
}

static void
test_ignored(void)
{
    ts_error_t err = {0};
    CHECK(outcome(TS_SESSION_RUNNING, TS_EV_START, &err) == IGNORED);
    CHECK(outcome(TS_SESSION_PAUSED, TS_EV_RESUME, &err) == IGNORED);
    CHECK(outcome(TS_SESSION_PAUSED, TS_EV_PAUSE, &err) == IGNORED);
    CHECK(outcome(TS_SESSION_RUNNING, TS_EV_UNPAUSE, &err) == IGNORED);
    CHECK(outcome(TS_SESSION_STOPPED, TS_EV_STOP, &err) == IGNORED);
    CHECK(outcome(TS_SESSION_STOPPED, TS_EV_PAUSE, &err) == IGNORED);
    CHECK(outcome(TS_SESSION_UNCONFIGURED, TS_EV_STOP, &err) == IGNORED);
    CHECK(err.kind == TS_ERR_NONE);
}

static void
test_refused(void)
{
    ts_error_t err = {0};
    CHECK(outcome(TS_SESSION_UNCONFIGURED, TS_EV_START, &err) == REFUSED);
    CHECK(err.kind == TS_ERR_STATE && strcmp(err.message, "configure() first") == 0);
    memset(&err, 0, sizeof err);
    CHECK(outcome(TS_SESSION_UNCONFIGURED, TS_EV_RESUME, &err) == REFUSED);
    CHECK(err.kind == TS_ERR_STATE);
    memset(&err, 0, sizeof err);
    CHECK(outcome(TS_SESSION_RUNNING, TS_EV_CONFIGURE, &err) == REFUSED);
    CHECK(err.kind == TS_ERR_STATE
          && strcmp(err.message, "cannot reconfigure while profiling") == 0);
    CHECK(outcome(TS_SESSION_PAUSED, TS_EV_CONFIGURE, NULL) == REFUSED);
    CHECK(outcome((ts_session_state_t)TS_SESSION_N_STATES, TS_EV_STOP, NULL) == REFUSED);
}

static void
test_fork_child(void)
{
    CHECK(outcome(TS_SESSION_UNCONFIGURED, TS_EV_FORK_CHILD, NULL) == TS_SESSION_UNCONFIGURED);
    for (int s = TS_SESSION_CONFIGURED; s < TS_SESSION_N_STATES; s++)
        CHECK(outcome((ts_session_state_t)s, TS_EV_FORK_CHILD, NULL) == TS_SESSION_CONFIGURED);
}

static void
test_names(void)
{
    CHECK(strcmp(ts_session_state_name(TS_SESSION_PAUSED), "paused") == 0);
    CHECK(strcmp(ts_session_state_name(TS_SESSION_STOPPED), "stopped") == 0);
}

int
main(void)
{
    RUN(test_lifecycle);
    RUN(test_ignored);
    RUN(test_refused);
    RUN(test_fork_child);
    RUN(test_names);
    return CHECK_SUMMARY();
}
