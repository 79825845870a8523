/* session_state.c -- the session's transition table (see session_state.h).
 * Owns the table; holds no state.  Not async-signal-safe. */
#include "session_state.h"

#include <stddef.h>

#define IGNORE (-1) /* the event does nothing in this state */
#define REFUSE (-2) /* the event is an error in this state */

typedef struct step {
    signed char next;  /* a ts_session_state_t, IGNORE or REFUSE */
    const char *why;   /* REFUSE: the error message */
} step_t;

#define GO(state) {state, NULL}
#define NOTHING {IGNORE, NULL}
#define NO(why) {REFUSE, why}

#define CONFIGURE_FIRST "configure() first"
#define PROFILING "cannot reconfigure while profiling"

/* Owner: immutable.  Rows: events; columns: UNCONFIGURED, CONFIGURED,
 * RUNNING, PAUSED, STOPPED (the order of TS_SESSION_STATES). */
static const step_t table[TS_SESSION_N_EVENTS][TS_SESSION_N_STATES] = {
    [TS_EV_CONFIGURE] = {GO(TS_SESSION_CONFIGURED), GO(TS_SESSION_CONFIGURED), NO(PROFILING),
                         NO(PROFILING), GO(TS_SESSION_STOPPED)},
    [TS_EV_START] = {NO(CONFIGURE_FIRST), GO(TS_SESSION_RUNNING), NOTHING, NOTHING,
                     GO(TS_SESSION_RUNNING)},
    [TS_EV_RESUME] = {NO(CONFIGURE_FIRST), GO(TS_SESSION_RUNNING), NOTHING, NOTHING,
                      GO(TS_SESSION_RUNNING)},
    [TS_EV_PAUSE] = {NOTHING, NOTHING, GO(TS_SESSION_PAUSED), NOTHING, NOTHING},
    [TS_EV_UNPAUSE] = {NOTHING, NOTHING, NOTHING, GO(TS_SESSION_RUNNING), NOTHING},
    [TS_EV_STOP] = {NOTHING, NOTHING, GO(TS_SESSION_STOPPED), GO(TS_SESSION_STOPPED), NOTHING},
    [TS_EV_FORK_CHILD] = {GO(TS_SESSION_UNCONFIGURED), GO(TS_SESSION_CONFIGURED),
                          GO(TS_SESSION_CONFIGURED), GO(TS_SESSION_CONFIGURED),
                          GO(TS_SESSION_CONFIGURED)},
};

int
ts_session_step(ts_session_state_t state, ts_session_event_t event, ts_session_state_t *next,
                ts_error_t *err)
{
    if ((unsigned)state >= TS_SESSION_N_STATES || (unsigned)event >= TS_SESSION_N_EVENTS)
        return ts_error_set(err, TS_ERR_STATE, 0, "no such session state or event");
    const step_t *s = &table[event][state];
    if (s->next == IGNORE)
        return 0;
    if (s->next == REFUSE)
        return ts_error_set(err, TS_ERR_STATE, 0, "%s", s->why);
    *next = (ts_session_state_t)s->next;
    return 1;
}

const char *
ts_session_state_name(ts_session_state_t state)
{
    switch (state) {
#define TS_SESSION_STATE_NAME(s, name) \
    case s:                            \
        return name;
        TS_SESSION_STATES(TS_SESSION_STATE_NAME)
#undef TS_SESSION_STATE_NAME
    case TS_SESSION_N_STATES:
        break;
    }
    return "?";
}
