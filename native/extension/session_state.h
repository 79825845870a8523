/* session_state.h -- the profiling session's one state and the table of its
 * allowed transitions.  Owns nothing at run time: engine.c holds the
 * current state and asks ts_session_step() before every change.  Pure C
 * (no Python.h), so tests/c can check the table.
 *
 *  UNCONFIGURED
 *       |  configure
 *       v
 *  CONFIGURED      (configure: stays CONFIGURED)
 *       |  start, resume (fresh statistics)
 *       v
 *  RUNNING <------------- unpause ---------------+
 *   ^   |   |                                     |
 *   |   |   +------------- pause ------------> PAUSED
 *   |   |  stop                                   |
 *   |   v                                         | stop
 *   |  STOPPED <----------------------------------+
 *   |   |          (configure: stays STOPPED)
 *   +---+  start (fresh statistics), resume (adds to them)
 *
 * fork child: from every state to CONFIGURED (UNCONFIGURED stays
 * UNCONFIGURED): the child has no timers, no drain thread and none of the
 * parent's statistics.  STOPPED keeps the statistics for reports.
 *
 * Every (event, state) pair not drawn is either ignored (nothing to do: stop
 * while stopped, pause while paused, start while running...) or refused
 * with TS_ERR_STATE (start before configure, configure while profiling).
 * The table in session_state.c is the written-down version of this diagram.
 */
#ifndef TRISCOPE_SESSION_STATE_H
#define TRISCOPE_SESSION_STATE_H

#include "ts_error.h"

/* X(state, name): every state of the session. */
#define TS_SESSION_STATES(X)                                                            \
    X(TS_SESSION_UNCONFIGURED, "unconfigured") /* no configuration yet */              \
    X(TS_SESSION_CONFIGURED, "configured")     /* configured, no statistics */         \
    X(TS_SESSION_RUNNING, "running")           /* sampling */                          \
    X(TS_SESSION_PAUSED, "paused")   /* session and drain thread alive, no sampling */ \
    X(TS_SESSION_STOPPED, "stopped") /* sampling ended, statistics kept */

/* X(event): everything that may change the state. */
#define TS_SESSION_EVENTS(X) \
    X(TS_EV_CONFIGURE)       \
    X(TS_EV_START)           \
    X(TS_EV_RESUME)          \
    X(TS_EV_PAUSE)           \
    X(TS_EV_UNPAUSE)         \
    X(TS_EV_STOP)            \
    X(TS_EV_FORK_CHILD)

typedef enum ts_session_state {
#define TS_SESSION_STATE_ENUM(state, name) state,
    TS_SESSION_STATES(TS_SESSION_STATE_ENUM)
#undef TS_SESSION_STATE_ENUM
    TS_SESSION_N_STATES
} ts_session_state_t;

typedef enum ts_session_event {
#define TS_SESSION_EVENT_ENUM(event) event,
    TS_SESSION_EVENTS(TS_SESSION_EVENT_ENUM)
#undef TS_SESSION_EVENT_ENUM
    TS_SESSION_N_EVENTS
} ts_session_event_t;

/* What `event` does in `state`: returns 1 and sets *next when the event
 * applies (next may equal state), 0 when it is ignored in that state
 * (nothing to do), or -1 with *err filled (TS_ERR_STATE) when it is
 * refused.  Not async-signal-safe. */
int ts_session_step(ts_session_state_t state, ts_session_event_t event,
                    ts_session_state_t *next, ts_error_t *err);

/* The state's name ("running", ...). */
const char *ts_session_state_name(ts_session_state_t state);

#endif
